"""F5 on every page of every role keeps the user, the page, the round and the language (issue 25).
A file of its own so that the suite's workers share the browser walks (`--dist loadfile`)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from app.navigation import PAGES, PASSWORD_PAGE
from tests.browser.conftest import settle
from tests.browser.test_sessions import USERS, _assert_on, _context, _log_in, _new_page, _query
from tests.browser.test_walkthrough import word

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def earlier_round(server_database: str) -> tuple[int, str]:
    """The oldest round: neither the newest nor the one running (the chooser's default, which the
    address leaves out), so a reload that fell back to the default would show."""
    rows = _query(server_database, "SELECT id, name FROM period ORDER BY opens_on DESC")
    assert len(rows) >= 3
    return int(str(rows[-1][0])), str(rows[-1][1])


# one walk per role, alternating the languages: all in both would double CI's time for no new seam
@pytest.mark.parametrize(
    ("role", "lang"),
    [("company", "en"), ("zone_board", "vi"), ("labour", "en"), ("ict", "vi"), ("admin", "en")],
)
def test_a_reload_on_every_page_keeps_the_user_the_page_the_round_and_the_language(
    server: str, browser: Browser, earlier_round: tuple[int, str], role: str, lang: str
) -> None:
    round_id, round_name = earlier_round
    context = _context(browser)
    page = _new_page(context)
    _log_in(page, server, USERS[role], lang)
    official = role != "company"
    for number, entry in enumerate([*PAGES[role], PASSWORD_PAGE]):
        address = f"{server}/{entry.url_path}" + (f"?round={round_id}" if official else "")
        # opening the address in the logged-in browser is a full load with the cookie, as F5 is;
        # F5 itself on the first page, to show that it is the same
        page.goto(address)
        settle(page)
        if number == 0:
            _assert_on(page, entry.title_key, lang)
            page.reload()
            settle(page)
        _assert_on(page, entry.title_key, lang)
        if official:
            assert f"round={round_id}" in page.url, (entry.url_path, page.url)
            if entry.url_path in ("overview", "lists"):
                chooser = page.locator('[data-testid="stSidebar"]').get_by_role(
                    "combobox", name=word("officials.round", lang)
                )
                week = re.search(r"\d+/\d{4}", round_name)  # "Tuần 20/2021" is "Week 20/2021" in English
                assert week is not None
                expect(chooser).to_have_value(re.compile(re.escape(week.group())))
    context.close()
