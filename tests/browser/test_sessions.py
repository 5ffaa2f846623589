"""A login that lasts, in Chromium: F5 on every page of every role keeps the user, the page, the
round and the language; a link pasted into a chat opens, in a fresh browser, the login and then
that page; English survives every button that changes page; a logout ends the session for every
tab and every replica, stolen cookie included; an address that is no page never shows Streamlit's
"Page not found"."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import new_context, serve, settle
from tests.browser.test_walkthrough import word
from tests.pages.apptest import PASSWORDS

pytestmark = pytest.mark.browser

USERS = {
    "company": "demo.company",
    "zone_board": "demo.zoneboard",
    "labour": "demo.labour",
    "ict": "demo.ict",
    "admin": "demo.admin",
}
LABEL = {"vi": "Tiếng Việt", "en": "English"}


def _query(database: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(database)
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(text(sql))]
    engine.dispose()
    return rows


def _context(browser: Browser, phone: bool = False) -> BrowserContext:
    width, height = (390, 844) if phone else (1366, 768)
    return new_context(browser, viewport={"width": width, "height": height})


def _new_page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def _choose_language(page: Page, lang: str) -> None:
    radio = page.get_by_role("radio", name=LABEL[lang])
    if not radio.is_checked():
        opener = page.locator('[data-testid="stExpandSidebarButton"]')
        if opener.count() and opener.first.is_visible():
            opener.first.click()
        page.get_by_text(LABEL[lang], exact=True).click()
        settle(page)


def _log_in(page: Page, base: str, username: str, lang: str, start: str = "/") -> None:
    """The login form at `start`; the language chosen on it first (and so kept for the account)."""
    page.goto(base + start)
    page.get_by_label(re.compile("^(Tên đăng nhập|Username)$")).wait_for()
    _choose_language(page, lang)
    page.get_by_label(word("login.username", lang), exact=True).fill(username)
    page.get_by_label(word("login.password", lang), exact=True).fill(PASSWORDS[username])
    page.get_by_role("button", name=word("login.submit", lang)).click()
    _wait_for_cookie(page.context)
    page.wait_for_url(lambda url: "/auth/" not in url and (start == "/" or url.endswith(start)))
    _drawn(page)
    # an account that chose the other language elsewhere opens in it (its choice wins over an
    # untouched login page): the test's user switches, as a person would
    _choose_language(page, lang)


def _wait_for_cookie(context: BrowserContext) -> None:
    """The login is done when the browser holds the session's cookie (the page that checked the
    password is logged in a moment before, over its WebSocket)."""
    for _ in range(300):
        if any(c["name"] == "zr_session" for c in context.cookies()):
            return
        context.pages[0].wait_for_timeout(100)
    raise AssertionError("no session cookie 30 s after the login")


def _drawn(page: Page) -> None:
    """Wait for the sidebar's logout button, in either language: the page's run has reached it
    (Streamlit's status widget shows only after 500 ms of running, so its absence proves nothing)."""
    page.get_by_role("button", name=re.compile("^(Log out|Đăng xuất)$")).wait_for(state="attached")
    page.locator('[data-testid="stSidebarNav"] a[aria-current="page"]').wait_for(state="attached")
    settle(page)


def _assert_on(page: Page, title_key: str, lang: str) -> None:
    other = "en" if lang == "vi" else "vi"
    _drawn(page)  # logged in: the logout button is there
    body = page.inner_text("body")
    assert "Page not found" not in body
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav.locator('a[aria-current="page"]')).to_contain_text(word(title_key, lang))
    # the chrome is in the chosen language: the logout button and the page's own title in the nav
    assert word("session.log_out", lang) in body and word("session.log_out", other) not in body


def test_a_pasted_link_opens_the_login_then_that_page_and_a_new_tab_needs_no_login(
    server: str, browser: Browser, server_database: str
) -> None:
    company_id, name = _query(
        server_database,
        "SELECT c.id, c.name FROM company c JOIN zone z ON z.id = c.zone_id "
        "WHERE z.kind = 'industrial_zone' ORDER BY c.id",
    )[0]
    link = f"/company_detail?company={company_id}"
    context = _context(browser, phone=True)
    page = _new_page(context)
    page.goto(server + link)
    expect(page.get_by_text(word("login.then_page", "vi"))).to_be_visible()
    _log_in(page, server, "demo.zoneboard", "vi", start=link)
    assert page.url.endswith(link)
    expect(page.get_by_role("heading", name=re.compile(re.escape(str(name)))).first).to_be_visible()
    tab = _new_page(context)  # a second tab, a bookmark: the cookie is there, no login
    tab.goto(server + link)
    settle(tab)
    expect(tab.get_by_role("heading", name=re.compile(re.escape(str(name)))).first).to_be_visible()
    cookie = next(c for c in context.cookies() if c["name"] == "zr_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]  # plain HTTP here
    context.close()
    # this browser is on the server's machine, for which Streamlit gives no address: the logins are
    # from 127.0.0.1, not from an unknown client whose every success counted against the account
    assert _query(server_database, "SELECT DISTINCT client FROM login_session") == [("127.0.0.1",)]
    assert _query(server_database, "SELECT key FROM loginthrottle WHERE failures > 0") == []


def test_english_stays_through_every_button_that_changes_page(server: str, browser: Browser) -> None:
    context = _context(browser)
    page = _new_page(context)
    _log_in(page, server, "demo.company", "en")
    _assert_on(page, "nav.home", "en")
    start = page.locator('[data-testid="stMain"]').get_by_role(
        "button", name=re.compile("^(Start|Continue the draft|Correct and resubmit|See the result)")
    )
    start.first.click()
    settle(page)
    expect(page).to_have_url(re.compile(r"/(assessment|result)"))  # the address follows the run
    _assert_on(page, "nav.assessment" if "/assessment" in page.url else "nav.result", "en")
    page.goto(server + "/history")
    settle(page)
    opener = page.get_by_role("button", name=word("history.open_button", "en"))
    if opener.count():
        opener.click()
        page.wait_for_url("**/result?assessment=*")
        _assert_on(page, "nav.result", "en")
        page.reload()
        settle(page)
        _assert_on(page, "nav.result", "en")
    context.close()
    # an official: a row of the list opens the company, in English
    context = _context(browser)
    page = _new_page(context)
    _log_in(page, server, "demo.ict", "en")
    page.goto(server + "/lists")
    settle(page)
    page.locator('[data-testid="stMain"] [data-testid^="stBaseButton"]').filter(
        has_text=word("lists.open_button", "en")
    ).click()
    page.wait_for_url("**/company_detail?company=*")
    _assert_on(page, "nav.company_detail", "en")
    context.close()


def test_the_language_chosen_is_the_accounts_on_a_new_device(server: str, browser: Browser) -> None:
    first = _context(browser)
    page = _new_page(first)
    _log_in(page, server, "demo.labour", "en")
    first.close()
    second = _context(browser)  # another browser: no cookie says English, the account does
    page = _new_page(second)
    page.goto(server + "/")
    page.get_by_label("Tên đăng nhập").fill("demo.labour")
    page.get_by_label("Mật khẩu").fill(PASSWORDS["demo.labour"])
    page.get_by_role("button", name="Đăng nhập").click()
    _wait_for_cookie(second)
    page.wait_for_url("**/overview")
    _assert_on(page, "nav.overview", "en")
    second.close()


@pytest.fixture(scope="module")
def second_replica(tmp_path_factory: pytest.TempPathFactory, server_database: str) -> Iterator[str]:
    """Another replica on the same database, as behind nginx (cookies are per host, not per port)."""
    yield from serve(tmp_path_factory, server_database)


def test_logout_on_one_replica_ends_the_session_everywhere_and_a_stolen_cookie_opens_nothing(
    server: str, second_replica: str, browser: Browser
) -> None:
    official = _context(browser)
    page = _new_page(official)
    _log_in(page, server, "demo.ict", "vi")
    cookie = next(c for c in official.cookies() if c["name"] == "zr_session")
    thief = _context(browser)
    thief.add_cookies([{"name": cookie["name"], "value": cookie["value"], "url": second_replica}])
    stolen = _new_page(thief)
    stolen.goto(second_replica + "/province")  # the session made on one replica, on the other
    settle(stolen)
    _assert_on(stolen, "nav.province", "vi")
    other_replica = _new_page(official)
    other_replica.goto(second_replica + "/overview")
    settle(other_replica)
    _assert_on(other_replica, "nav.overview", "vi")
    other_replica.get_by_role("button", name="Đăng xuất").click()
    other_replica.get_by_label("Tên đăng nhập").wait_for()
    assert not [c for c in official.cookies() if c["name"] == "zr_session"]
    for tab in (page, stolen):
        tab.reload()
        tab.get_by_label("Tên đăng nhập").wait_for()
    official.close()
    thief.close()


def test_an_address_that_is_no_page_says_so_in_the_users_language(server: str, browser: Browser) -> None:
    context = _context(browser)
    page = _new_page(context)
    page.goto(server + "/no-such-page")
    expect(page.get_by_text(word("notice.unknown_page", "vi"))).to_be_visible()
    _log_in(page, server, "demo.company", "en")
    page.goto(server + "/overview")  # another role's page
    page.wait_for_url("**/home")
    expect(page.get_by_text(word("notice.not_yours", "en"))).to_be_visible()
    page.goto(server + "/nonsense")
    settle(page)
    expect(page.get_by_text(word("notice.unknown_page", "en"))).to_be_visible()
    assert "Page not found" not in page.inner_text("body")
    context.close()
