"""The officials' pages through the real app, per role, checked against the database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from app.assessment import registry
from app.formatting import number, percent
from app.services.admin import rulesets
from app.services.filing import assessments
from tests.databases import rows, scalar
from tests.pages.apptest import figure_rows, figures, logged_in, markdown_source, static_tables, texts
from tests.services.helpers import GOOD_ANSWERS, RISKY_ANSWERS, actor, latest_period_id

EXPECTED_IN = {
    "demo.zoneboard": "z.kind = 'industrial_zone'",
    "demo.labour": "z.kind = 'district'",
    "demo.ict": "1 = 1",
}


def _metric(at: AppTest, label: str) -> str:
    return figures(at)[label]


@pytest.mark.parametrize("username", list(EXPECTED_IN))
def test_overview_counts_only_the_officials_scope(seeded: str, username: str) -> None:
    at = logged_in(username)
    assert not at.exception
    period = latest_period_id()
    where = EXPECTED_IN[username]
    expected = scalar(
        seeded,
        "SELECT count(*) FROM periodcompany pc JOIN company c ON c.id = pc.company_id "
        f"JOIN zone z ON z.id = c.zone_id WHERE pc.period_id = :p AND {where}",
        p=period,
    )
    filed = scalar(
        seeded,
        "SELECT count(*) FROM assessment a JOIN company c ON c.id = a.company_id "
        f"JOIN zone z ON z.id = c.zone_id WHERE a.period_id = :p AND a.is_latest AND {where}",
        p=period,
    )
    assert _metric(at, "Phải nộp") == str(expected)
    if filed:
        assert _metric(at, "Đã nộp") == str(filed)
    # the first chart, companies by level per area: every bar's every segment, recomputed in SQL
    drawn = _bars(markdown_source(at))
    per_area = rows(
        seeded,
        "SELECT z.name, a.level, count(*) FROM periodcompany pc JOIN company c ON c.id = pc.company_id "
        "JOIN zone z ON z.id = c.zone_id LEFT JOIN assessment a ON a.company_id = pc.company_id "
        "AND a.period_id = pc.period_id AND a.is_latest AND a.status <> 'draft' "
        f"WHERE pc.period_id = :p AND {where} GROUP BY z.name, a.level",
        p=period,
    )
    labels: dict[str | None, str] = {
        None: "Chưa nộp",
        **{lv.id: lv.label.get("vi") for lv in rulesets.default().ruleset.levels},
    }
    expected_bars: dict[str, dict[str, int]] = {}
    for area, level, count in per_area:
        expected_bars.setdefault(str(area), {})[labels[level]] = int(count)
    assert drawn == expected_bars
    # the table under the bars: each area's expected, filed, share filed and high or above
    high = ("high", "very_high")  # "cao trở lên"
    expected_table = {}
    for area, counts in expected_bars.items():
        area_expected = sum(counts.values())
        area_filed = area_expected - counts.get("Chưa nộp", 0)
        expected_table[area] = {
            "Phải nộp": number(area_expected),
            "Đã nộp": number(area_filed),
            "Tỷ lệ đã nộp": percent(area_filed / area_expected),
            "Nguy cơ cao trở lên": number(sum(counts.get(labels[lv], 0) for lv in high)),
        }
    shown_table = {
        row["Khu vực"]: {column: row[column] for column in expected_table[row["Khu vực"]]}
        for row in static_tables(at)[0]
    }
    assert shown_table == expected_table
    assert len(at.get("plotly_chart")) == 0  # no 4.7 MB script for the first view


def _bars(markdown: str) -> dict[str, dict[str, int]]:
    """Area → {segment label: count}, read back from the stacked bars' HTML as a browser shows them."""
    import html
    import re

    found: dict[str, dict[str, int]] = {}
    for row in markdown.split('<div class="zr-row">')[1:]:
        name = re.search(r'<span class="zr-name">(.*?)</span>', row)
        assert name is not None
        found[html.unescape(name.group(1))] = {
            html.unescape(label): int(count) for label, count in re.findall(r'title="(.*?): (\d+)"', row)
        }
    return found


def test_lists_non_filers_with_contacts(seeded: str) -> None:
    at = logged_in("demo.zoneboard")
    at.switch_page("app/pages/lists.py").run()
    at.segmented_control(key="list_kind").set_value("missing").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert "Điện thoại" in table.columns and len(table) > 0
    missing = scalar(
        seeded,
        "SELECT count(*) FROM periodcompany pc JOIN company c ON c.id = pc.company_id "
        "JOIN zone z ON z.id = c.zone_id LEFT JOIN assessment a "
        "ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND a.is_latest "
        "WHERE pc.period_id = :p AND z.kind = 'industrial_zone' AND a.id IS NULL",
        p=latest_period_id(),
    )
    assert len(table) == missing


def test_a_filter_that_matches_nothing_says_so(seeded: str) -> None:
    at = logged_in("demo.ict")
    at.text_input(key="f_search").input("không có doanh nghiệp nào tên này").run()
    assert not at.exception
    assert "Không có doanh nghiệp nào phải nộp khớp bộ lọc này" in texts(at)
    assert len(at.get("plotly_chart")) == 0 and "zr-bars" not in markdown_source(at)


def test_review_return_reaches_the_company_and_refreshes_the_overview(seeded: str) -> None:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, {**GOOD_ANSWERS, "cs14": "unmanaged", "cs13": "no_measures"})
    done = assessments.submit(me, draft.id, "k")

    at = logged_in("demo.zoneboard")
    at.query_params["company"] = str(me.company_id)
    at.switch_page("app/pages/company_detail.py").run()
    assert "Công ty TNHH May mặc Hòa Bình Quang Châu" in texts(at)
    at.button(key="return").click().run()  # without a comment: refused, nothing changes
    assert any("cần có nhận xét" in e.value for e in at.error)
    at.text_area(key="review_comment").input("Bổ sung phương án ký túc xá.")
    at.button(key="return").click().run()
    assert not at.exception
    assert assessments.get_assessment(me, done.id).status == "returned"
    assert scalar(seeded, "SELECT count(*) FROM auditevent WHERE action = 'assessment.return'") == 1

    company = logged_in("demo.company")
    assert "Bổ sung phương án ký túc xá." in texts(company)


def test_labour_cannot_open_a_zone_company_by_link(seeded: str) -> None:
    inside = scalar(
        seeded,
        "SELECT min(c.id) FROM company c JOIN zone z ON z.id = c.zone_id WHERE z.kind = 'industrial_zone'",
    )
    at = logged_in("demo.labour")
    at.query_params["company"] = str(inside)
    at.switch_page("app/pages/company_detail.py").run()
    assert "Không tìm thấy doanh nghiệp trong phạm vi của bạn" in texts(at)


def test_ict_province_view_shows_zones_and_districts(seeded: str) -> None:
    at = logged_in("demo.ict")
    at.switch_page("app/pages/province.py").run()
    assert not at.exception
    assert len(at.dataframe) == 2
    # the two sections' headline figures: inside the zones, then outside; together the province
    by_kind = rows(
        seeded,
        "SELECT z.kind = 'industrial_zone', count(*), count(a.id) FROM periodcompany pc "
        "JOIN company c ON c.id = pc.company_id JOIN zone z ON z.id = c.zone_id LEFT JOIN assessment a "
        "ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND a.is_latest "
        "WHERE pc.period_id = :p GROUP BY z.kind = 'industrial_zone' ORDER BY 1 DESC",
        p=latest_period_id(),
    )
    assert len(by_kind) == 2  # companies inside the zones and outside them
    shown = [(value, note) for label, value, note in figure_rows(at) if label in ("Phải nộp", "Đã nộp")]
    assert shown == [
        item
        for _, expected, filed in by_kind
        for item in ((number(expected), ""), (number(filed), percent(filed / expected)))
    ]


def test_a_round_with_no_submissions_shows_an_empty_state(seeded: str) -> None:
    from datetime import date

    from app.services import periods
    from app.services.periods import Expected

    periods.open_period(
        actor("admin"), "Tuần trống", date(2021, 9, 6), date(2021, 9, 12), Expected(all_companies=True)
    )
    at = logged_in("demo.ict")
    assert "Chưa có doanh nghiệp nào nộp trong kỳ này" in texts(at)
    assert not at.exception


def test_cached_overview_updates_when_a_submission_lands(seeded: str) -> None:
    at = logged_in("demo.zoneboard")
    before = int(_metric(at, "Đã nộp"))
    me = actor("company")
    company = logged_in("demo.company")
    company.switch_page("app/pages/assessment.py").run()
    company.button(key="start_draft").click().run()
    draft = assessments.company_round(me, me.company_id, latest_period_id())[0]  # type: ignore[arg-type]
    assert draft is not None
    for _ in range(5):
        next(b for b in company.button if b.label == "Lưu và tiếp tục").click().run()
    company.checkbox(key=f"confirm_{draft.id}").check().run()
    company.button(key="submit").click().run()
    at.run()
    assert int(_metric(at, "Đã nộp")) == before + 1


def test_the_chosen_round_shows_on_the_overview(seeded: str) -> None:
    """The round is a widget bound to the address (`?round=…`); that it carries across pages and
    a shared link is checked in Chromium (tests/browser/test_walkthrough.py), as AppTest has no URL."""
    from app.services import periods

    older = periods.list_periods(actor("ict"))[-1]
    at = logged_in("demo.zoneboard")
    at.selectbox(key="round").set_value(older.id).run()
    assert older.name in texts(at)


def test_the_default_round_is_the_running_one_not_a_new_empty_one() -> None:
    from datetime import date, datetime, time

    from app.services.periods import Round, current_round

    def week(n: int, opens: date, due: date, closed: bool = False) -> Round:
        return Round(n, f"Tuần {n}", "x", 1, opens, due, datetime.combine(due, time(17)), closed)

    w48 = week(48, date(2026, 11, 23), date(2026, 11, 29))
    w49 = week(49, date(2026, 11, 29), date(2026, 12, 6))
    assert current_round([w49, w48], date(2026, 11, 29)) is w48  # due today: still the default
    assert current_round([w49, w48], date(2026, 11, 30)) is w49
    assert current_round([week(47, date(2021, 5, 17), date(2021, 5, 23), True)], date(2026, 1, 1)) == week(
        47, date(2021, 5, 17), date(2021, 5, 23), True
    )


def test_every_overview_figure_of_the_province_matches_sql(seeded: str) -> None:
    """Each metric the ICT department reads on its overview (filing, levels, may not operate,
    adoption) recomputed from the tables, as written in Vietnamese."""
    at = logged_in("demo.ict")
    assert not at.exception
    period = latest_period_id()
    expected, filed, on_time, late = rows(
        seeded,
        "SELECT count(*), count(a.id), "
        "coalesce(sum(CASE WHEN a.first_submitted_at <= p.due_at THEN 1 ELSE 0 END), 0), "
        "coalesce(sum(CASE WHEN a.first_submitted_at > p.due_at THEN 1 ELSE 0 END), 0) "
        "FROM periodcompany pc JOIN period p ON p.id = pc.period_id LEFT JOIN assessment a "
        "ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND a.is_latest = TRUE "
        "WHERE pc.period_id = :p",
        p=period,
    )[0]
    assert filed, "the demo round has submissions"
    assert {
        label: _metric(at, label) for label in ("Phải nộp", "Đã nộp", "Đúng hạn", "Nộp muộn", "Chưa nộp")
    } == {
        "Phải nộp": number(expected),
        "Đã nộp": number(filed),
        "Đúng hạn": number(on_time),
        "Nộp muộn": number(late),
        "Chưa nộp": number(expected - filed),
    }
    latest = (
        "FROM assessment a JOIN periodcompany pc ON pc.company_id = a.company_id "
        "AND pc.period_id = a.period_id WHERE a.period_id = :p AND a.is_latest = TRUE"
    )
    notes = {label: note for label, _, note in figure_rows(at)}
    assert notes["Đã nộp"] == percent(filed / expected)  # the share filed, under the count
    all_workers = scalar(seeded, f"SELECT sum(a.workers) {latest}", p=period)
    for level in registry.get("bg-kcn-2021").ruleset.levels:
        by_level = f"SELECT count(*), coalesce(sum(a.workers), 0) {latest} AND a.level = :lv"
        count, workers = rows(seeded, by_level, p=period, lv=level.id)[0]
        assert _metric(at, level.label.vi) == number(count), level.id
        assert notes[level.label.vi] == f"{percent(workers / all_workers)} NLĐ", level.id
    barred = scalar(seeded, f"SELECT count(*) {latest} AND a.may_operate = FALSE", p=period)
    assert _metric(at, "Không được hoạt động") == number(barred)
    phones, bluezone, workers, declared = rows(
        seeded,
        "SELECT sum(smartphone_owners), sum(bluezone_installed), sum(workers), sum(health_declared) "
        + latest,
        p=period,
    )[0]
    assert _metric(at, "Cài Bluezone") == percent(bluezone / phones)
    assert _metric(at, "Khai báo y tế") == percent(declared / workers)


def test_the_high_risk_list_marks_a_filing_late_only_when_it_came_after_the_due_time(seeded: str) -> None:
    import sqlalchemy as sa

    from db.engine import get_engine

    me = actor("company")
    period = latest_period_id()
    draft = assessments.start_draft(me, period)
    assessments.save_draft(me, draft.id, RISKY_ANSWERS)
    done = assessments.submit(me, draft.id, "risky")
    assert done.level in ("high", "very_high")
    high_sql = (
        "SELECT c.tax_code, a.first_submitted_at > p.due_at FROM assessment a "
        "JOIN company c ON c.id = a.company_id JOIN period p ON p.id = a.period_id "
        "WHERE a.period_id = :p AND a.is_latest = TRUE AND a.level IN ('high', 'very_high')"
    )

    def marked_late() -> dict[str, bool]:
        at = logged_in("demo.ict")
        at.switch_page("app/pages/lists.py").run()
        at.segmented_control(key="list_kind").set_value("high").run()
        assert not at.exception
        table = at.dataframe[0].value
        return {
            code: filed_at.endswith(" (muộn)")
            for code, filed_at in zip(table["Mã số thuế"], table["Nộp lúc"], strict=True)
        }

    tax_code = str(scalar(seeded, "SELECT tax_code FROM company WHERE id = :c", c=me.company_id))

    def due_at(moment: datetime) -> dict[str, bool]:
        """Move the round's due time; what SQL then says is late, per tax code."""
        with get_engine(seeded).begin() as conn:
            conn.execute(sa.text("UPDATE period SET due_at = :t WHERE id = :p"), {"t": moment, "p": period})
            conn.execute(sa.text("UPDATE dataversion SET version = version + 1"))  # raw SQL says so itself
        return {code: bool(late) for code, late in rows(seeded, high_sql, p=period)}

    filed = done.first_submitted_at
    assert filed is not None
    on_time = due_at(filed + timedelta(hours=1))
    assert on_time[tax_code] is False
    assert marked_late() == on_time
    late = due_at(filed - timedelta(hours=1))
    assert late[tax_code] is True
    assert marked_late() == late


def test_an_official_sees_the_doubt_and_the_company_never_does(seeded: str) -> None:
    me = actor("company")
    register = int(scalar(seeded, "SELECT workers FROM company WHERE id = :c", c=me.company_id))
    declared = register * 3 + 100
    answers = {
        **GOOD_ANSWERS,
        "workers": declared,
        "workshop_area_m2": declared * 4,
        "smartphone_owners": declared - 300,
        "bluezone_installed": declared - 400,
        "health_declared": declared - 50,
    }
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, answers)
    assessments.submit(me, draft.id, "k")

    at = logged_in("demo.zoneboard")
    at.query_params["company"] = str(me.company_id)
    at.switch_page("app/pages/company_detail.py").run()
    assert not at.exception
    page = texts(at)
    assert "Dấu hiệu cần xem lại (1)" in page
    assert (
        f"Số NLĐ khai ({declared:,}) khác xa số trong hồ sơ doanh nghiệp ({register:,})".replace(",", ".")
        in page
    )

    company = logged_in("demo.company")
    for target in ("app/pages/home.py", "app/pages/result.py", "app/pages/history.py"):
        company.switch_page(target).run()
        assert not company.exception
        assert "khác xa số trong hồ sơ" not in texts(company) and "Dấu hiệu cần xem lại" not in texts(company)


def test_bulk_approve_from_the_lists_and_return_with_reasons(seeded: str) -> None:
    from app.services.oversight import lists

    board = actor("zone_board")
    waiting = lists.company_rows(board, latest_period_id(), only_to_review=True)
    at = logged_in("demo.zoneboard")
    at.switch_page("app/pages/lists.py").run()
    at.segmented_control(key="list_kind").set_value("to_review").run()
    assert not at.exception
    assert f"{len(waiting)}" in texts(at)
    pick = at.multiselect(key="bulk_pick")
    pick.set_value([w.assessment_id for w in waiting[:2]])
    next(b for b in at.button if b.label == "Duyệt các bản đã chọn").click().run()
    assert not at.exception
    assert "Đã duyệt 2 bản nộp." in texts(at)
    # issue 26: the list is read again: the two have left it and the count says so
    left = {str(t) for t in at.dataframe[0].value["Mã số thuế"]} if at.dataframe else set()
    assert not left & {w.tax_code for w in waiting[:2]}
    assert f"{len(waiting) - 2} doanh nghiệp" in texts(at) or len(waiting) == 2
    assert not at.dataframe or at.dataframe[0].proto.selection_mode == []  # no tick box that opens
    approved = [
        scalar(seeded, "SELECT status FROM assessment WHERE id = :a", a=w.assessment_id) for w in waiting[:2]
    ]
    assert approved == ["approved", "approved"]

    # returned with a reason from the list only: the company reads it
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    done = assessments.submit(me, draft.id, "k")
    at.query_params["company"] = str(me.company_id)
    at.switch_page("app/pages/company_detail.py").run()
    at.pills(key="review_reasons").set_value(["headcount_mismatch"]).run()
    at.button(key="return").click().run()
    assert not at.exception
    assert assessments.get_assessment(me, done.id).status == "returned"
    company = logged_in("demo.company")
    assert "Số lao động không khớp hồ sơ doanh nghiệp." in texts(company)


def test_a_session_keeps_one_prepared_workbook_however_many_filters_it_tries(seeded: str) -> None:
    """Memory per session is bounded: preparing the workbook under a new filter drops the last one."""
    at = logged_in("demo.ict")
    for text in ("", "Công ty", "May"):
        at.text_input(key="f_search").input(text).run()
        at.button(key="prepare_xlsx").click().run()
        assert not at.exception, at.exception
        held = [k for k in at.session_state if str(k).startswith("xlsx_")]
        assert len(held) == 1, held
        assert any(b.key == "download_xlsx" for b in at.get("download_button"))


def test_sectors_and_filters_read_in_english(seeded: str) -> None:
    """Issue 26: "Dệt may" on English pages. The province's usual sectors have their English
    name; the filter summary names zones, not their ids."""
    from app.sectors import sector_name

    at = logged_in("demo.zoneboard", "en")
    at.switch_page("app/pages/lists.py").run()
    assert not at.exception
    shown = {str(v) for table in at.dataframe for v in table.value.get("Sector", [])}
    assert shown and "Dệt may" not in shown and "Garments and textiles" in shown
    assert sector_name("Dệt may", "vi") == "Dệt may" and sector_name("Sản xuất nấm", "en") == "Sản xuất nấm"
    at = logged_in("demo.company", "en")
    assert "Garments and textiles" in texts(at) and "Dệt may" not in texts(at)


def test_accepting_a_new_name_says_so(seeded: str) -> None:
    """Issue 26: accepting a company's new name showed nothing."""
    from sqlalchemy import text

    from app.services.context import unit_of_work

    company = actor("company").company_id
    with unit_of_work(write=True) as session:
        session.execute(
            text("UPDATE company SET pending_name = 'Công ty TNHH Mới' WHERE id = :c"), {"c": company}
        )
    at = logged_in("demo.zoneboard")
    at.query_params["company"] = str(company)
    at.switch_page("app/pages/company_detail.py").run()
    at.button(key="name_accept").click().run()
    assert not at.exception
    assert [t.value for t in at.toast] == ["Đã chấp nhận tên mới: Công ty TNHH Mới"]
    assert scalar(seeded, "SELECT name FROM company WHERE id = :c", c=company) == "Công ty TNHH Mới"
