"""F5 on every page of every role keeps the user, the page, the round and the language (issue 25).
A file of its own so that the suite's workers share the browser walks (`--dist loadfile`)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from app.navigation import PAGES, PASSWORD_PAGE, PageEntry
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


# one walk per role, alternating the languages. The officials share most pages: each role reloads
# its own and a share of the common ones, so that every page is reloaded in both languages and every
# role's login outlives F5, in 34 loads instead of 50 (CI's 15 minutes; no seam the shares miss:
# the page, the round and the language do not depend on which official reloads)
WALKS = [("company", "en"), ("zone_board", "vi"), ("labour", "en"), ("ict", "vi"), ("admin", "en")]
SHARES = {
    "company": {entry.url_path for entry in PAGES["company"]} | {PASSWORD_PAGE.url_path},
    "zone_board": {"overview", "lists", "company_detail", "reminders"},
    "ict": {"visits", "inspections", "epidemic_levels", "province", "platform_data", PASSWORD_PAGE.url_path},
    "labour": {"overview", "lists", "company_detail", "visits", "inspections"},
    "admin": {entry.url_path for entry in PAGES["admin"]} - {"overview", "lists", "company_detail"}
    | {PASSWORD_PAGE.url_path},
}


def _walked(role: str) -> list[PageEntry]:
    return [entry for entry in [*PAGES[role], PASSWORD_PAGE] if entry.url_path in SHARES[role]]


def test_every_page_is_reloaded_in_each_language_its_roles_walk_in() -> None:
    """The shares above lose no (page, language) that walking every page of every role reloads (a
    page added to a role later is reloaded, or this fails), and give no role a page it cannot open."""
    everything = {(entry.url_path, lang) for role, lang in WALKS for entry in [*PAGES[role], PASSWORD_PAGE]}
    assert {(entry.url_path, lang) for role, lang in WALKS for entry in _walked(role)} == everything
    for role, share in SHARES.items():
        assert share <= {entry.url_path for entry in [*PAGES[role], PASSWORD_PAGE]}, role


@pytest.mark.parametrize(("role", "lang"), WALKS)
def test_a_reload_on_every_page_keeps_the_user_the_page_the_round_and_the_language(
    server: str, browser: Browser, earlier_round: tuple[int, str], role: str, lang: str
) -> None:
    round_id, round_name = earlier_round
    context = _context(browser)
    page = _new_page(context)
    _log_in(page, server, USERS[role], lang)
    official = role != "company"
    for number, entry in enumerate(_walked(role)):
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
            expect(page, entry.url_path).to_have_url(re.compile(rf"round={round_id}\b"))
            if entry.url_path in ("overview", "lists"):
                chooser = page.locator('[data-testid="stSidebar"]').get_by_role(
                    "combobox", name=word("officials.round", lang)
                )
                week = re.search(r"\d+/\d{4}", round_name)  # "Tuần 20/2021" is "Week 20/2021" in English
                assert week is not None
                expect(chooser).to_have_value(re.compile(re.escape(week.group())))
    context.close()
