"""The HR officer's journey through the real app (AppTest), on a real seeded database."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button, Radio

from app.formatting import typed_number
from app.services.context import unit_of_work
from db.models import Assessment, Company, LoginSession, User, utcnow
from tests.databases import rows, scalar
from tests.pages.apptest import app, figures, fill, logged_in, markdown_source, static_tables, texts
from tests.services.helpers import GOOD_ANSWERS


def _my_company_id() -> int:
    with unit_of_work() as session:
        return session.exec(select(User.company_id).where(User.username == "demo.company")).one()  # type: ignore[return-value]


def _draft() -> Assessment | None:
    with unit_of_work() as session:
        return session.exec(
            select(Assessment).where(Assessment.company_id == _my_company_id(), Assessment.status == "draft")
        ).first()


def _button(at: AppTest, label: str) -> Button:
    return next(b for b in at.button if b.label == label)


def test_login_failure_says_so_and_nothing_else_shows(seeded: str) -> None:
    at = app()
    at.run()
    at.text_input(key="login_username").input("demo.company")
    at.text_input(key="login_password").input("not-the-password")
    at.button[0].click().run()
    assert "Sai tên đăng nhập hoặc mật khẩu" in texts(at)
    assert "Hòa Bình" not in texts(at)


def test_home_shows_round_due_date_status_and_latest_level(seeded: str) -> None:
    at = logged_in("demo.company")
    page = texts(at)
    assert "Công ty TNHH May mặc Hòa Bình Quang Châu" in page
    assert "Hạn nộp" in page and "Chưa bắt đầu" in page
    assert "zr-level" in page  # the coloured level badge
    assert "ZoneRisk xây dựng lại" in page  # the reconstructed-rules banner
    # the round's figures: its due date and the days left as the stored round and today make them
    from app.formatting import today_vietnam
    from app.services.filing import portal
    from tests.services.helpers import actor

    shown_round = portal.current_round(actor("company"), None).period
    assert shown_round is not None
    due_on, closed = rows(seeded, "SELECT due_on, closed FROM period WHERE id = :p", p=shown_round.id)[0]
    due = due_on if isinstance(due_on, date) else date.fromisoformat(due_on)
    left = (due - today_vietnam()).days
    figures_shown = figures(at)
    assert figures_shown["Hạn nộp"] == f"{due:%d/%m/%Y}"
    assert figures_shown["Còn lại (ngày)"] == (
        "Đã đóng" if closed else str(left) if left >= 0 else f"Quá hạn {-left} ngày"
    )
    assert figures_shown["Trạng thái"] == "Chưa bắt đầu"


def test_fill_in_validate_save_resume_and_submit(seeded: str) -> None:
    at = logged_in("demo.company")
    at.switch_page("app/pages/assessment.py").run()
    at.button(key="start_draft").click().run()
    draft = _draft()
    assert draft is not None
    # a bad value is shown next to its field, in the scorer's words, and kept in the draft
    fill(at, str(draft.id), {"workers": -5})
    _button(at, "Lưu nháp").click().run()
    # issue 26: a sentence (capitalised), the bound written the Vietnamese way (200.000, not 200000)
    assert "Nằm ngoài giới hạn. Cho phép: số nguyên ≥1 – ≤200.000." in [e.value for e in at.error]
    assert _draft().answers["workers"] == -5  # type: ignore[union-attr]

    # a new session (as after a time-out) resumes the saved draft
    at = logged_in("demo.company")
    at.switch_page("app/pages/assessment.py").run()
    assert at.number_input(key=f"in_{draft.id}_workers").value == -5

    # fill every section and move on with "save and continue"
    for _ in range(5):
        fill(at, str(draft.id), GOOD_ANSWERS)
        _button(at, "Lưu và tiếp tục").click().run()
        assert not at.exception
    page = texts(at)
    assert "Nếu nộp, doanh nghiệp sẽ được xếp" in page and "Nguy cơ rất thấp" in page
    at.checkbox(key=f"confirm_{draft.id}").check().run()
    at.button(key="submit").click().run()
    assert not at.exception
    with unit_of_work() as session:
        rows = session.exec(
            select(Assessment)
            .where(Assessment.company_id == _my_company_id(), col(Assessment.is_latest))
            .order_by(col(Assessment.submitted_at).desc())
        ).all()
    newest = rows[0]
    assert newest.id == draft.id and newest.status == "submitted" and newest.total == 45
    assert "Kết quả" in texts(at) and "15,00\xa0%" in texts(at)


def test_result_page_explains_and_says_what_to_fix_first(seeded: str) -> None:
    at = logged_in("demo.company")
    at.switch_page("app/pages/result.py").run()
    page = texts(at)
    assert "Chỉ số nguy cơ" in page and "Nghĩa vụ" in page
    assert "Cần khắc phục trước" in page
    # where the points come from: drawn in HTML, one bar per section, and the fifteen criteria in an
    # HTML table, with no plotly and no data grid for the browser to load before the page shows
    assert not at.get("plotly_chart") and not at.dataframe
    html = markdown_source(at)
    assert "Điểm nguy cơ đến từ đâu?" in html and len(re.findall(r'class="zr-total">\d+/\d+<', html)) >= 5
    criteria = static_tables(at)[-1]
    assert len(criteria) == 15 and all(row["Nguồn"] for row in criteria)
    assert [row["Tiêu chí"].split(" · ")[0] for row in criteria][:3] == ["CS1", "CS2", "CS3"]


def test_what_if_changes_the_projection_and_saves_nothing(seeded: str) -> None:
    def state() -> tuple[Any, ...]:
        return scalar(seeded, "SELECT count(*) FROM assessment"), scalar(
            seeded, "SELECT max(updated_at) FROM assessment"
        )

    before = state()
    at = logged_in("demo.company")
    at.switch_page("app/pages/whatif.py").run()
    first = at.metric[0].value
    at.selectbox(key="wi_cs13").set_value("no_measures").run()
    at.selectbox(key="wi_cs14").set_value("unmanaged").run()
    at.selectbox(key="wi_cs6").set_value("lt_1m").run()
    assert at.metric[0].value != first
    assert not at.exception
    assert state() == before


def test_history_compares_two_submissions(seeded: str) -> None:
    at = logged_in("demo.company")
    at.switch_page("app/pages/history.py").run()
    assert not at.exception
    table = static_tables(at)[0]  # every submission, newest first, with its index
    stored = rows(
        seeded,
        "SELECT risk_index FROM assessment WHERE company_id = :c AND status <> 'draft' "
        "ORDER BY submitted_at DESC, id DESC",
        c=_my_company_id(),
    )
    assert len(table) == len(stored) > 1
    hundredths = Decimal("0.01")
    written = [
        f"{Decimal(str(value)).quantize(hundredths, rounding=ROUND_HALF_UP)}".replace(".", ",") + "\u00a0%"
        for (value,) in stored
    ]
    assert [row["Chỉ số nguy cơ"] for row in table] == written
    assert "So sánh hai bản nộp" in texts(at)
    # the two newest compared: each changed criterion's points before and after, which add up to
    # the change of the stored totals
    totals = rows(
        seeded,
        "SELECT total FROM assessment WHERE company_id = :c AND status <> 'draft' "
        "ORDER BY submitted_at DESC, id DESC LIMIT 2",
        c=_my_company_id(),
    )
    changes = static_tables(at)[1]
    for row in changes:
        assert int(row["Thay đổi"]) == int(row["Điểm sau"]) - int(row["Điểm trước"]), row
    assert sum(int(row["Thay đổi"]) for row in changes) == totals[0][0] - totals[1][0]


def test_another_companys_assessment_cannot_be_opened_by_link_or_session(seeded: str) -> None:
    other = scalar(seeded, "SELECT min(id) FROM assessment WHERE company_id <> :c", c=_my_company_id())
    other_name = scalar(
        seeded,
        "SELECT c.name FROM company c JOIN assessment a ON a.company_id = c.id WHERE a.id = :a",
        a=other,
    )
    at = logged_in("demo.company")
    at.query_params["assessment"] = str(other)
    at.switch_page("app/pages/result.py").run()
    assert "Không tìm thấy bản đánh giá trong phạm vi của bạn" in texts(at)
    assert str(other_name) not in texts(at)
    at = logged_in("demo.company")
    at.session_state["show_assessment"] = other
    at.switch_page("app/pages/result.py").run()
    assert "Không tìm thấy bản đánh giá trong phạm vi của bạn" in texts(at)


def test_a_forged_session_value_does_not_log_anyone_in(seeded: str) -> None:
    at = app()
    at.session_state["session_token"] = "a-token-nobody-was-given"
    at.run()
    assert next(w.label for w in at.text_input) == "Tên đăng nhập"


def test_english_switch_changes_labels_and_level_names(seeded: str) -> None:
    at = logged_in("demo.company", lang="en")
    page = texts(at)
    assert "Due" in page and "Not started" in page and "risk" in page
    assert "Hạn nộp" not in page


def test_profile_edit_is_validated_and_saved(seeded: str) -> None:
    at = logged_in("demo.company")
    at.switch_page("app/pages/profile.py").run()
    # the figures the questionnaire starts from are the newest submission's, as stored
    import json

    newest = "WHERE company_id = :c AND status <> 'draft' ORDER BY submitted_at DESC, id DESC LIMIT 1"
    company = scalar(seeded, "SELECT company_id FROM app_user WHERE username = 'demo.company'")
    stored = scalar(seeded, f"SELECT answers FROM assessment {newest}", c=company)
    answers = stored if isinstance(stored, dict) else json.loads(stored)
    shown = figures(at)
    assert shown["Người lao động"] == f"{answers['workers']:,}".replace(",", ".")
    assert shown["Đã cài Bluezone"] == f"{answers['bluezone_installed']:,}".replace(",", ".")
    at.text_input(key="pf_email").input("not an email")
    _button(at, "Lưu hồ sơ").click().run()
    assert any("email" in e.value for e in at.error)
    at.text_input(key="pf_email").input("hr@hoabinh.vn")
    at.number_input(key="pf_workers").set_value(3050)
    _button(at, "Lưu hồ sơ").click().run()
    with unit_of_work() as session:
        company = session.get(Company, _my_company_id())
    assert company is not None and company.contact_email == "hr@hoabinh.vn" and company.workers == 3050


def test_an_expired_session_asks_to_log_in_again_and_the_draft_is_kept(seeded: str) -> None:
    at = logged_in("demo.company")
    at.switch_page("app/pages/assessment.py").run()
    at.button(key="start_draft").click().run()
    draft = _draft()
    assert draft is not None
    fill(at, str(draft.id), {"workers": 3123})
    _button(at, "Lưu nháp").click().run()
    # the officer leaves the tab for longer than the idle limit (the session's row says so)
    with unit_of_work(write=True) as session:
        session.exec(update(LoginSession).values(last_seen_at=utcnow() - timedelta(hours=3)))
    at.run()
    assert "Phiên làm việc đã hết hạn" in texts(at)
    at = logged_in("demo.company")
    at.switch_page("app/pages/assessment.py").run()
    assert at.number_input(key=f"in_{draft.id}_workers").value == 3123


def test_decimals_are_typed_and_shown_the_reader_s_way_and_a_non_number_is_kept(seeded: str) -> None:
    """Issue 26: Streamlit's number field wrote "22998.50" in Vietnamese. The area is typed
    22.998,5 (or 92.5 by an English habit), shown 22.998,5 in Vietnamese and 22,998.5 in English,
    and a text that is no number is refused under its field and kept as typed."""
    at = logged_in("demo.company")
    at.switch_page("app/pages/assessment.py").run()
    at.button(key="start_draft").click().run()
    draft = _draft()
    assert draft is not None and draft.id is not None
    area = at.text_input(key=f"in_{draft.id}_workshop_area_m2_vi")
    prefilled = draft.answers["workshop_area_m2"]
    assert area.value == typed_number(prefilled, "vi") and (prefilled < 1000 or "." in area.value)
    area.input("22.998,5")
    _button(at, "Lưu nháp").click().run()
    assert _draft().answers["workshop_area_m2"] == 22998.5  # type: ignore[union-attr]

    fresh = logged_in("demo.company")
    fresh.switch_page("app/pages/assessment.py").run()
    assert fresh.text_input(key=f"in_{draft.id}_workshop_area_m2_vi").value == "22.998,5"
    english = logged_in("demo.company", lang="en")
    english.switch_page("app/pages/assessment.py").run()
    assert english.text_input(key=f"in_{draft.id}_workshop_area_m2_en").value == "22,998.5"

    fresh.text_input(key=f"in_{draft.id}_workshop_area_m2_vi").input("hai mươi nghìn")
    _button(fresh, "Lưu nháp").click().run()
    assert "Phải là một số" in " ".join(e.value for e in fresh.error), [e.value for e in fresh.error]
    assert _draft().answers["workshop_area_m2"] == "hai mươi nghìn"  # type: ignore[union-attr]
    assert fresh.text_input(key=f"in_{draft.id}_workshop_area_m2_vi").value == "hai mươi nghìn"

    fresh.text_input(key=f"in_{draft.id}_workshop_area_m2_vi").input("92.5")
    _button(fresh, "Lưu nháp").click().run()
    assert _draft().answers["workshop_area_m2"] == 92.5  # type: ignore[union-attr]


def _nav(at: AppTest, draft_id: int) -> Radio[Any]:
    return next(r for r in at.radio if str(r.key).startswith(f"nav_{draft_id}_"))


def test_a_correction_after_an_error_is_stored_and_the_section_moves_on(seeded: str) -> None:
    """Issue 11: an error in section 5, fixed and saved with "save and continue", is stored, and
    the questionnaire moves on; the ⚠ mark comes back in a new session while the value is wrong."""
    at = logged_in("demo.company")
    at.switch_page("app/pages/assessment.py").run()
    at.button(key="start_draft").click().run()
    draft = _draft()
    assert draft is not None and draft.id is not None
    assert "điền sẵn từ bản nộp gần nhất" in texts(at)  # the prefill is said
    _nav(at, draft.id).set_value(4).run()
    phones = draft.answers["smartphone_owners"]
    fill(at, str(draft.id), {"bluezone_installed": phones + 100})
    _button(at, "Lưu và tiếp tục").click().run()
    assert any("điện thoại thông minh" in e.value for e in at.error), [e.value for e in at.error]
    assert _nav(at, draft.id).value == 4  # still on section 5, not thrown back to section 1
    assert _draft().answers["bluezone_installed"] == phones + 100  # type: ignore[union-attr]

    fresh = logged_in("demo.company")  # a new session shows the same mark
    fresh.switch_page("app/pages/assessment.py").run()
    assert "⚠" in _nav(fresh, draft.id).options[4]

    fill(at, str(draft.id), {"bluezone_installed": phones - 10})
    _button(at, "Lưu và tiếp tục").click().run()
    assert _draft().answers["bluezone_installed"] == phones - 10  # type: ignore[union-attr]
    assert _nav(at, draft.id).value == 5 and "Nếu nộp, doanh nghiệp sẽ được xếp" in texts(at)
    assert "Tổng số người lao động làm việc tập trung" in texts(at)  # the review shows the answers


def test_a_new_round_never_hides_a_returned_submission(seeded: str) -> None:
    """Issue 11: week 49 opens while week 48's return is still to be corrected; Home shows both
    and opens the returned one first, with one click to its questionnaire."""
    from datetime import timedelta

    from app.services import periods
    from app.services.filing import assessments
    from app.services.periods import Expected
    from tests.services.helpers import actor, latest_period_id

    me = actor("company")
    week_48 = latest_period_id()
    draft = assessments.start_draft(me, week_48)
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    filed = assessments.submit(me, draft.id, "w48")
    assessments.review(actor("zone_board"), filed.id, "return", "Bổ sung số liệu khai báo y tế.")
    with unit_of_work() as session:
        from db.models import Period

        due = session.get(Period, week_48).due_on  # type: ignore[union-attr]
    periods.open_period(
        actor("admin"),
        "Tuần kế tiếp",
        due + timedelta(days=1),
        due + timedelta(days=7),
        Expected(all_companies=True),
    )
    at = logged_in("demo.company")
    page = texts(at)
    assert "Bổ sung số liệu khai báo y tế." in page and "Bị trả lại" in page
    assert "Tuần kế tiếp" in page  # the new round is listed too, under the other rounds

    # issue 26: the new round is filed and returned as well: Home says why for each round
    week_49 = latest_period_id()
    draft = assessments.start_draft(me, week_49)
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    filed = assessments.submit(me, draft.id, "w49")
    assessments.review(actor("zone_board"), filed.id, "return", "Số NLĐ không khớp hồ sơ.")
    at = logged_in("demo.company")
    page = texts(at)
    assert "Bổ sung số liệu khai báo y tế." in page and "Số NLĐ không khớp hồ sơ." in page
    at.button(key="go_assessment").click().run()
    assert not at.exception
    assert _draft() is not None and _draft().period_id == week_48  # type: ignore[union-attr]
    # correcting: the questionnaire keeps the reason in sight
    assert "Cơ quan quản lý trả lại: «Bổ sung số liệu khai báo y tế.»" in texts(at)


def test_an_official_finds_a_company_by_name_and_reads_its_answers(seeded: str) -> None:
    at = logged_in("demo.zoneboard")
    at.switch_page("app/pages/company_detail.py").run()
    at.text_input(key="detail_search").input("hòa bình").run()
    options = at.selectbox(key="detail_pick").options
    assert any("Hòa Bình Quang Châu" in o for o in options)
    at.button(key="detail_open").click().run()
    page = texts(at)
    assert "Câu trả lời và điểm từng tiêu chí" in page
    table = static_tables(at)[0]  # the latest submission's answers, a row per criterion
    assert [row["Tiêu chí"] for row in table][:2] == [
        "CS1 · Số lượng NLĐ làm việc tập trung",
        "CS2 · Diện tích làm việc cho một NLĐ",
    ]
    # the points shown add up to the stored total of that submission
    company = int(at.query_params["company"])
    newest = "WHERE company_id = :c AND status <> 'draft' ORDER BY submitted_at DESC, id DESC LIMIT 1"
    stored = rows(seeded, f"SELECT total, max_total FROM assessment {newest}", c=company)[0]
    points = [row["Điểm"].split("/") for row in table]
    assert (sum(int(p) for p, _ in points), sum(int(m) for _, m in points)) == tuple(stored)
    # issue 26: with a company open, another is a search away (no going back to an empty page)
    first = at.query_params["company"]
    at.text_input(key="detail_search").input("kingtech").run()
    at.button(key="detail_open").click().run()
    assert not at.exception and at.query_params["company"] != first
    assert "Kingtech" in texts(at)


def test_a_profile_error_reads_in_vietnamese_with_the_field_label(seeded: str) -> None:
    at = logged_in("demo.company")
    at.switch_page("app/pages/profile.py").run()
    at.number_input(key="pf_workers").set_value(-5)
    next(b for b in at.button if b.label == "Lưu hồ sơ").click().run()
    errors = " ".join(e.value for e in at.error)
    assert "Tổng số người lao động: phải lớn hơn hoặc bằng 0" in errors
    assert "Input should be" not in errors and "workers:" not in errors


def test_result_names_its_round_and_shows_the_plan_only_beside_the_targets_it_came_from(seeded: str) -> None:
    """Issue 26: one target per criterion. The newest submission's page names its round over the
    advice and the plan, and the plan's steps are the advice's; an older submission's page does not
    show the newer plan beside its own advice."""
    from app.services.filing import assessments
    from tests.services.helpers import RISKY_ANSWERS, actor, latest_period_id

    me = actor("company")
    older = scalar(
        seeded,
        "SELECT max(id) FROM assessment WHERE company_id = :c AND status <> 'draft'",
        c=_my_company_id(),
    )
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, RISKY_ANSWERS)
    newest = assessments.submit(me, draft.id, "page-plan")
    at = logged_in("demo.company")
    at.query_params["assessment"] = str(newest.id)
    at.switch_page("app/pages/result.py").run()
    page = texts(at)
    assert f"Cần khắc phục trước · {newest.period_name}" in page
    assert f"Kế hoạch khắc phục · {newest.period_name}" in page
    # the level box's figures are the stored submission's, the index rounded half up to 2 decimals
    stored = rows(seeded, "SELECT risk_index, total, max_total FROM assessment WHERE id = :a", a=newest.id)[0]
    level_box = figures(at)
    rounded = Decimal(str(stored[0])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert level_box["Chỉ số nguy cơ"].replace("\u00a0", " ") == f"{rounded}".replace(".", ",") + " %"
    assert level_box["Tổng điểm"] == f"{stored[1]}/{stored[2]}"
    table = static_tables(at)[0]  # recoverable points
    table_targets = {
        part.split(" → ")[0]: part.split(" → ")[1] for row in table for part in row["Cách làm"].split("; ")
    }
    plan_lines = [  # the plan's lines, not the advice's list nor the table above (one line of HTML)
        line for line in page.splitlines() if " → " in line and not line.startswith("- ") and "<t" not in line
    ]
    plan_targets = {
        step.split(": ")[0]: step.split(" → ")[1] for line in plan_lines for step in line.split("; ")
    }
    advice = dict(re.findall(r"- \*\*([^*]+)\*\*: [^\n]+? → \*\*([^*]+)\*\*", page))
    assert advice and plan_targets
    for label, target in {**plan_targets, **advice}.items():
        assert table_targets[label] == target, label
    for label, target in advice.items():
        assert plan_targets.get(label, target) == target, label

    at.query_params["assessment"] = str(older)
    at.switch_page("app/pages/result.py").run()
    assert "Kế hoạch khắc phục theo bản nộp mới hơn" in texts(at)
    assert not [t for t in at.text_input if str(t.key).startswith("fix_owner_")]  # not the newer plan


def test_what_if_starts_from_what_was_filed_last_and_names_it(seeded: str) -> None:
    """Issue 26: right after filing the newest round, What if started from an older round an
    official had returned, and never said which. It starts from the company's last filing (or
    draft), says which round, and its "now" is that filing's index."""
    from app.services.filing import assessments
    from app.ui.format import index
    from tests.services.helpers import GOOD_ANSWERS, actor, latest_period_id

    me = actor("company")
    older = scalar(
        seeded,
        "SELECT max(id) FROM assessment WHERE company_id = :c AND is_latest AND period_id <> :p",
        c=_my_company_id(),
        p=latest_period_id(),
    )
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    newest = assessments.submit(me, draft.id, "what-if-newest")
    assessments.review(actor("zone_board"), int(older), "return", "Thiếu số liệu", ["evidence_missing"])
    at = logged_in("demo.company")
    at.switch_page("app/pages/whatif.py").run()
    assert not at.exception
    page = texts(at)
    assert f"Bắt đầu từ bản đã nộp **{newest.period_name}**" in page
    assert f"({index(newest.risk_index or 0, 'vi')})" in page
    at.query_params["assessment"] = str(older)  # from History: that filing, named
    at.switch_page("app/pages/whatif.py").run()
    older_name = scalar(
        seeded, "SELECT p.name FROM period p JOIN assessment a ON a.period_id = p.id WHERE a.id = :a", a=older
    )
    assert f"Bắt đầu từ bản đã nộp **{older_name}**" in texts(at)


def test_history_trend_runs_in_round_order_whatever_the_filing_order(seeded: str) -> None:
    """Issue 26: the trend's axis ran Tuần 38, 39, 41, 40, 42 when Tuần 40 was filed late."""
    import json
    from datetime import timedelta

    from app.services import periods
    from app.services.filing import assessments
    from app.services.periods import Expected
    from db.models import Period
    from tests.services.helpers import actor, latest_period_id

    with unit_of_work() as session:
        due = session.get(Period, latest_period_id()).due_on  # type: ignore[union-attr]
    admin, me = actor("admin"), actor("company")
    made = {}
    for name, start in (("Tuần A sớm", 1), ("Tuần B muộn", 8)):
        made[name] = periods.open_period(
            admin,
            name,
            due + timedelta(days=start),
            due + timedelta(days=start + 6),
            Expected(all_companies=True),
        )
    for name in ("Tuần B muộn", "Tuần A sớm"):  # the later round is filed first
        draft = assessments.start_draft(me, made[name].id or 0)
        assessments.save_draft(me, draft.id, GOOD_ANSWERS)
        assessments.submit(me, draft.id, name)
    at = logged_in("demo.company")
    at.switch_page("app/pages/history.py").run()
    assert not at.exception
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    axis = [x for trace in figure["data"] for x in trace["x"]]
    assert axis.index("Tuần A sớm") < axis.index("Tuần B muộn")
    assert axis[-1] == "Tuần B muộn"


def test_the_action_plan_is_one_card_per_action_with_its_owner_and_done_beside_it(seeded: str) -> None:
    """Issue 26: the plan's table hid the owner, done and status columns at 1366 px, and on a
    phone scrolling to them hid which criterion the row was. Each action is a card: what, what to
    do, due, status, and its own owner box and done tick; overdue marked on the card itself."""
    from sqlalchemy import text

    from app.services.filing import assessments
    from app.services.onsite import remediation
    from tests.services.helpers import RISKY_ANSWERS, actor, latest_period_id

    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, RISKY_ANSWERS)
    assessments.submit(me, draft.id, "cards")
    open_ = [a for a in remediation.plan(me) if a.status == "open"]
    late = open_[0]
    with unit_of_work(write=True) as session:
        session.execute(
            text("UPDATE remediationaction SET due_on = '2021-01-01' WHERE id = :i"), {"i": late.id}
        )
    at = logged_in("demo.company")
    at.switch_page("app/pages/result.py").run()
    owners = {t.key: t for t in at.text_input if str(t.key).startswith("fix_owner_")}
    assert set(owners) == {f"fix_owner_{a.id}" for a in open_}
    assert {c.key for c in at.checkbox if str(c.key).startswith("fix_done_")} == {
        f"fix_done_{a.id}" for a in open_
    }
    marked = [m.value for m in at.markdown if ":red-badge[Quá hạn]" in m.value]
    assert len(marked) == 1 and late.criterion_id in marked[0]
    owners[f"fix_owner_{late.id}"].input("Chị Hương")
    at.checkbox(key=f"fix_done_{late.id}").check()
    next(b for b in at.button if b.label == "Lưu kế hoạch khắc phục").click().run()
    assert not at.exception
    after = next(a for a in remediation.plan(me) if a.id == late.id)
    assert (after.owner, after.status) == ("Chị Hương", "done")


def test_the_login_form_offers_the_other_language_itself(seeded: str) -> None:
    """Issue 26: on a phone the language switch sat behind the sidebar's "»"."""
    at = app()
    at.run()
    at.button(key="login_lang").click().run()
    assert not at.exception
    assert at.session_state["lang"] == "en"
    assert "Username" in [t.label for t in at.text_input] and at.button(key="login_lang").label.startswith(
        "Chuyển sang"
    )
