"""The walk of every page of every role in English on a phone (tests/browser/test_walkthrough.py
walks them in Vietnamese on a laptop): its own file, so that the two walks run on two workers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.test_walkthrough import walk

pytestmark = pytest.mark.browser


def test_every_page_of_every_role_reads_in_english_on_a_phone(server: str, browser: Browser) -> None:
    walk(server, browser, "en", "phone")
