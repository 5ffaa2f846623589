"""The new-user walk-through of issue 11, repeated in Chromium: every page of each role's sidebar, in
Vietnamese and English, on a laptop (1366×768) and a phone (390×844), a screenshot of each step that
finds a problem in artifacts/screenshots/; and a scan of every page's text for rule-set ids,
Streamlit's own English words, and the other language's interface words. Then two journeys: a
correction after an error is stored, and the officials' round carries across pages in the address."""

from __future__ import annotations

import re
from functools import cache

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from app.assessment import registry
from app.i18n import strings
from tests.browser.conftest import ARTIFACTS, new_context, settle
from tests.pages.apptest import PASSWORDS

pytestmark = pytest.mark.browser

SIZES = {"laptop": (1366, 768), "phone": (390, 844)}
ROLE_PAGES = {
    "demo.company": [
        "nav.home",
        "nav.assessment",
        "nav.result",
        "nav.whatif",
        "nav.history",
        "nav.my_inspections",
        "nav.profile",
    ],
    "demo.zoneboard": ["nav.overview", "nav.lists", "nav.company_detail"],
    "demo.labour": ["nav.overview", "nav.lists", "nav.epidemic_levels"],
    "demo.ict": ["nav.overview", "nav.lists", "nav.province"],
    "demo.admin": [
        "nav.admin_users",
        "nav.admin_companies",
        "nav.admin_rounds",
        "nav.admin_rulesets",
        "nav.admin_audit",
    ],
}
STREAMLIT_ENGLISH = [
    "Choose options",
    "Select all",
    "Browse files",
    "per file",
    "Drag and drop",
    "No results",
]


def word(key: str, lang: str) -> str:
    return strings()[key][lang]


@cache
def rule_set_ids() -> list[str]:
    """Ids a person must never read: inputs and options written as codes (with '_' or digits)."""
    found: set[str] = set()
    for loaded in registry.latest():
        for item in loaded.ruleset.inputs:
            found.add(item.id)
            found.update(o.id for o in item.options or [])
    return sorted(i for i in found if "_" in i or re.fullmatch(r"f\d", i))


@cache
def other_language_words(lang: str) -> list[str]:
    """The interface's sentences in the other language (long ones, that differ between the two)."""
    other = "en" if lang == "vi" else "vi"
    return sorted(
        {
            texts[other]
            for texts in strings().values()
            if "{" not in texts[other] and len(texts[other]) >= 14 and texts[other] != texts[lang]
        }
    )


def findings(text: str, lang: str) -> list[str]:
    found = [i for i in rule_set_ids() if re.search(rf"(?<![\w.]){re.escape(i)}(?![\w])", text)]
    found += [w for w in STREAMLIT_ENGLISH if w in text]
    found += [w for w in other_language_words(lang) if w in text]
    return found


SIDEWAYS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const wide = [];
  for (const el of main.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > window.innerWidth + 1 && !el.closest('[data-testid="stDataFrame"]')
        && getComputedStyle(el).position !== 'fixed') {
      wide.push((el.getAttribute('data-testid') || el.tagName) + ':' + Math.round(box.right) + ':'
                + (el.textContent || '').slice(0, 60));
    }
  }
  return {scroll: Math.max(document.documentElement.scrollWidth, main.scrollWidth) - window.innerWidth,
          wide: wide.slice(0, 5)};
}"""


# A headline figure: Streamlit's metric, or ours in HTML (`app.ui.widgets.headline_figures`).
FIGURE = "[data-testid=stMetric], .zr-figures > div"

CLIPPED = f"""() => [...document.querySelectorAll('{FIGURE}')]
  .flatMap(el => [el, ...el.querySelectorAll('*')])
  .filter(el => el.scrollWidth > el.clientWidth + 1)
  .map(el => el.textContent.slice(0, 40))"""


def clipped(page: Page) -> list[str]:
    """A headline figure, its label or its note cut off with "…" ("Đã nộp – chờ du…" at 1366 px)."""
    return [f"clipped: {text}" for text in page.evaluate(CLIPPED)]


def sideways(page: Page) -> list[str]:
    """What makes a phone page scroll sideways: the page wider than the screen, or an element
    reaching past its right edge (a table scrolls inside its own frame, which is fine)."""
    measured = page.evaluate(SIDEWAYS)
    if measured["scroll"] > 1 or measured["wide"]:
        return [f"sideways {measured['scroll']} px: {', '.join(measured['wide'])}"]
    return []


# The page's layout as the checks read it: where each headline figure is and how wide the page is.
# Unchanged for five frames in a row, the page has stopped moving (columns wrap on a phone a few
# frames after the run has drawn them). An element whose code the browser is still fetching stands
# as a grey placeholder (Streamlit's stSkeleton) that moves nothing while it waits, so none may be
# left (a phone's Overview was once measured with two figures' neighbours still grey).
LAYOUT_STILL = """() => {
  if (document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')) {
    window.__zoneriskLayout = null;
    return false;
  }
  const now = JSON.stringify([document.documentElement.scrollWidth,
    ...[...document.querySelectorAll('{FIGURE}')]
      .map(m => { const r = m.getBoundingClientRect(); return [Math.round(r.top), Math.round(r.left)]; })]);
  const seen = window.__zoneriskLayout ??= {last: null, still: 0};
  seen.still = now === seen.last ? seen.still + 1 : 0;
  seen.last = now;
  return seen.still >= 5;
}""".replace("{FIGURE}", FIGURE)


def layout_settled(page: Page) -> None:
    page.evaluate("() => { window.__zoneriskLayout = null; }")
    page.wait_for_function(LAYOUT_STILL, polling="raf", timeout=10_000)


SIDEBAR_SHOWN = (
    "() => document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect().right > 0"
)


def _expand_sidebar(page: Page) -> None:
    opener = page.locator(
        '[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button'
    )
    if opener.count() and opener.first.is_visible():
        opener.first.click()
        page.wait_for_function(SIDEBAR_SHOWN, timeout=10_000)  # a link in it waits until it stops moving


# Streamlit's own word on the sidebar: collapsing (it may still be sliding out) or not.
SIDEBAR_COLLAPSING = (
    "() => document.querySelector('[data-testid=\"stSidebar\"]').dataset.collapsed === 'true'"
)


def _collapse_sidebar(page: Page, phone: bool) -> None:
    """On a phone the open sidebar covers the page. Its button is drawn anew whenever the app reruns
    (a click once waited 30 s on a detached one), so press it until the sidebar has gone. A language
    chosen before logging in reloads the page, whose sidebar then slides shut by itself, with no
    button to press (a press aimed at it waited out its 3 s on every phone login): that one is
    only waited for."""
    if not phone:
        return
    closer = page.get_by_role("button", name="Collapse sidebar")
    for _ in range(10):
        if page.evaluate(SIDEBAR_COLLAPSING):
            page.wait_for_function(f"() => !({SIDEBAR_SHOWN})()", timeout=10_000)
        if not page.evaluate(SIDEBAR_SHOWN):
            return
        try:
            closer.click(timeout=3_000)
            page.wait_for_function(f"() => !({SIDEBAR_SHOWN})()", timeout=3_000)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError("the sidebar would not close on the phone")


def _preview_fits(page: Page, lang: str) -> list[str]:
    """The report's preview shows a whole page's width on a phone (it showed the left half, the
    rest scrolled sideways inside its box)."""
    page.get_by_text(word("download.preview", lang), exact=True).click()
    canvas = page.locator('[class*="st-key-pdfview-"] canvas').first
    canvas.wait_for(state="visible")  # drawn with a size, however slow the machine
    box = canvas.bounding_box()
    screen = page.evaluate("() => window.innerWidth")
    if box is None or box["x"] < 0 or box["x"] + box["width"] > screen or box["width"] < screen / 2:
        return [f"the preview's page is {box} on a screen {screen} px wide"]
    return []


def open_page(page: Page, title: str, phone: bool) -> None:
    """Choose a page in the sidebar; on a phone the sidebar must then get out of the way."""
    _expand_sidebar(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()
    settle(page)
    if phone:
        page.wait_for_function(f"() => !({SIDEBAR_SHOWN})()", timeout=10_000)


def log_in_as(page: Page, base: str, username: str, lang: str, phone: bool) -> None:
    page.goto(base + "/", wait_until="domcontentloaded")
    page.get_by_label(word("login.username", "vi")).wait_for()
    settle(page)  # the load's own run: the wait after "English" is then for that choice's run
    if lang == "en":
        _expand_sidebar(page)
        page.get_by_text("English", exact=True).click()
        settle(page, run_asked=True)
        _collapse_sidebar(page, phone)
    page.get_by_label(word("login.username", lang), exact=True).fill(username)
    page.get_by_label(word("login.password", lang), exact=True).fill(PASSWORDS[username])
    page.get_by_role("button", name=word("login.submit", lang)).click()
    page.get_by_role("button", name=word("session.log_out", lang)).or_(
        page.get_by_role("button", name=word("session.log_out", "en" if lang == "vi" else "vi"))
    ).wait_for()
    settle(page)
    language = page.get_by_role("radio", name={"vi": "Tiếng Việt", "en": "English"}[lang])
    if not language.is_checked():  # the account chose the other language in an earlier test
        _expand_sidebar(page)
        page.get_by_text({"vi": "Tiếng Việt", "en": "English"}[lang], exact=True).click()
        settle(page, run_asked=True)
        _collapse_sidebar(page, phone)


# every language and every screen size, in two walks rather than four: the words do not depend on
# the width, nor the layout on the language (CI's 15 minutes). English on a phone is its own file,
# tests/browser/test_walkthrough_phone.py, so that the two minute-long walks run on two workers.
def test_every_page_of_every_role_reads_in_vietnamese_on_a_laptop(server: str, browser: Browser) -> None:
    walk(server, browser, "vi", "laptop")


def walk(server: str, browser: Browser, lang: str, size: str) -> None:
    """Every page of every role, in `lang` at `size`: no word of the other language on any."""
    width, height = SIZES[size]
    problems: dict[str, list[str]] = {}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for username, keys in ROLE_PAGES.items():
        context = new_context(browser, viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            log_in_as(page, server, username, lang, size == "phone")
            for number, key in enumerate(keys):
                if number or username == "demo.admin":  # the first page is where the login lands
                    open_page(page, word(key, lang), size == "phone")
                layout_settled(page)
                step = f"walk-{username.split('.')[1]}-{lang}-{size}-{key.split('.')[1]}"
                found = findings(page.inner_text("body"), lang)
                if size == "phone" and username == "demo.company":
                    found += sideways(page)
                found += clipped(page)
                if size == "phone" and key == "nav.result":
                    found += _preview_fits(page, lang)
                if size == "phone" and key == "nav.overview":  # figures two to a row, not a tower
                    tops = page.evaluate(
                        f"() => [...document.querySelectorAll('{FIGURE}')]"
                        ".map(m => Math.round(m.getBoundingClientRect().top))"
                    )
                    if len(tops) > 2 and 3 * len(set(tops)) > 2 * len(tops):
                        found.append(f"figures one per row on a phone: {len(tops)} in {len(set(tops))} rows")
                if found:  # a picture of what is wrong (of every page it cost CI a core for seconds)
                    page.screenshot(path=str(ARTIFACTS / f"{step}.png"), full_page=size == "laptop")
                    problems[step] = found
        finally:
            context.close()
    assert problems == {}


def test_a_correction_after_an_error_is_stored(server: str, page: Page, server_database: str) -> None:
    """In section 5, more Bluezone installs than smartphone owners: refused and kept on the
    section; corrected, saved and continued: stored, and the review shows."""
    from tests.databases import scalar

    log_in_as(page, server, "demo.company", "vi", phone=False)
    open_page(page, word("nav.assessment", "vi"), phone=False)
    start = page.get_by_role("button", name=re.compile("Bắt đầu|Sửa và nộp lại|Tạo bản mới"))
    steps = page.locator('[data-testid="stMain"] [data-testid="stRadio"]').first
    start.or_(steps).first.wait_for()  # the page has drawn one or the other (a busy machine is slow)
    if start.count():
        start.first.click()
        settle(page)
    page.locator('[data-testid="stMain"] [data-testid="stRadio"]').first.get_by_text(
        re.compile(r"^5\. ")
    ).click()
    settle(page)
    phones = page.get_by_label("Số NLĐ có điện thoại thông minh")
    owners = int(phones.input_value() or "100")
    bluezone = page.get_by_label("Số NLĐ đã cài Bluezone")
    bluezone.fill(str(owners + 50))
    bluezone.press("Tab")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    settle(page)
    page.get_by_text("hai số liệu mâu thuẫn").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "walk-company-error-section5.png"), full_page=True)
    # issue 26: the navigator still shows section 5 as the one open (its mark turned ⚠ after the
    # error, which once left no step selected)
    steps = page.locator('[data-testid="stMain"] [data-testid="stRadio"]').first
    expect(steps.locator("label:has(input:checked)")).to_have_count(1)
    expect(steps.locator("label:has(input:checked)")).to_contain_text(re.compile(r"^5\. "))
    bluezone = page.get_by_label("Số NLĐ đã cài Bluezone")
    expect(bluezone).to_have_count(1)  # the rerun's stale copy of the form has gone
    bluezone.fill(str(owners - 5))
    bluezone.press("Tab")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    settle(page)
    page.get_by_text("Nếu nộp, doanh nghiệp sẽ được xếp").wait_for()
    stored = scalar(
        server_database,
        "SELECT answers FROM assessment a JOIN app_user u ON u.company_id = a.company_id "
        "WHERE u.username = 'demo.company' AND a.status = 'draft'",
    )
    import json

    answers = stored if isinstance(stored, dict) else json.loads(str(stored))
    assert answers["bluezone_installed"] == owners - 5
    page.screenshot(path=str(ARTIFACTS / "walk-company-corrected-review.png"), full_page=True)


def test_the_round_carries_across_pages_in_the_address(server: str, page: Page) -> None:
    log_in_as(page, server, "demo.zoneboard", "vi", phone=False)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    option = page.get_by_role("option").last
    chosen = option.inner_text().split(" · ")[0]
    option.click()
    settle(page)
    expect(page).to_have_url(re.compile("round="))
    open_page(page, word("nav.lists", "vi"), phone=False)
    expect(page).to_have_url(re.compile("round="))
    page.get_by_text(chosen).first.wait_for()
