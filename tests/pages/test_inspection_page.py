"""The inspector's page as the zones board uses it on site: a planned visit, the questionnaire
section by section with an error made and corrected, the visit closed with its decisions; then the
company detail shows the inspection beside the self-assessment."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from app.services.context import unit_of_work
from app.services.onsite import inspection_evidence, visits
from db.models import InspectionEvidence
from tests.databases import rows, scalar
from tests.inspection.test_evidence import photo
from tests.pages.apptest import fill, logged_in, markdown_source, texts
from tests.services.helpers import GOOD_ANSWERS, actor, latest_period_id


def _button(at: AppTest, label: str) -> Button:
    return next(b for b in at.button if b.label == label)


def test_inspect_a_planned_visit_and_see_it_beside_the_self_assessment(seeded: str) -> None:
    board = actor("zone_board")
    period = latest_period_id()
    plan = visits.save_plan(board, visits.propose(board, period, 2, today=date(2030, 1, 1)), "Đợt 1")
    company = visits.get_plan(board, plan).rows[0]

    at = logged_in("demo.zoneboard")
    at.switch_page("app/pages/inspections.py").run()
    assert not at.exception
    assert f"Đợt 1 · #1 · {company.tax_code}" in at.selectbox(key="i_visit").format_func(
        at.selectbox(key="i_visit").value
    )
    # issue 26: looking at a visit starts nothing (no draft, no "inspection started" in the log)
    assert scalar(seeded, "SELECT count(*) FROM inspection WHERE company_id = :c", c=company.company_id) == 0
    assert scalar(seeded, "SELECT count(*) FROM auditevent WHERE action = 'inspection.start'") == 0
    _button(at, "Bắt đầu kiểm tra doanh nghiệp này").click().run()
    assert not at.exception
    draft = int(scalar(seeded, "SELECT id FROM inspection WHERE company_id = :c", c=company.company_id))

    # an error: fewer workers than smartphone owners is refused in the section and kept as typed
    fill(at, f"i{draft}", {"workers": -3})
    _button(at, "Lưu nháp").click().run()
    assert any("Nằm ngoài giới hạn" in e.value for e in at.error)
    assert scalar(seeded, "SELECT count(*) FROM inspection WHERE id = :i", i=draft) == 1
    for _ in range(5):
        fill(at, f"i{draft}", GOOD_ANSWERS)
        _button(at, "Lưu và tiếp tục").click().run()
        assert not at.exception
    inspection_evidence.add_evidence(board, draft, "nhà ăn.jpg", photo(4000, 3000))
    at.text_area(key="i_notes").input("Khu nhà ăn chưa có vách ngăn.")
    at.checkbox(key="i_official").check()
    _button(at, "Hoàn tất kiểm tra").click().run()
    assert not at.exception
    done = rows(seeded, "SELECT status, total, notes, official_level FROM inspection WHERE id = :i", i=draft)
    assert tuple(done[0])[:3] == ("done", 45, "Khu nhà ăn chưa có vách ngăn.") and bool(done[0][3])

    with unit_of_work(write=True) as session:  # a file stored before photos were checked
        session.add(
            InspectionEvidence(
                inspection_id=draft,
                file_name="cũ.jpg",
                media_type="image/jpeg",
                size=84,
                sha256="0" * 64,
                data=b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 72,
                uploaded_by="demo.zoneboard",
            )
        )
    at.query_params["company"] = str(company.company_id)
    at.switch_page("app/pages/company_detail.py").run()
    assert not at.exception
    source = markdown_source(at)
    # the photo is written into the page, small; no /media/ address opens it without a session
    assert source.count("data:image/jpeg;base64,") == 1 and "/media/" not in source
    assert any("Không hiển thị được ảnh cũ" in w.value for w in at.warning)  # said, not a crash
    page = texts(at)
    assert "beside" not in page and "so với bản tự đánh giá" in page
    assert "Mức nguy cơ theo kiểm tra là mức chính thức của kỳ này." in page


def test_the_calibration_section_is_there_for_the_ict_department(seeded: str) -> None:
    at = logged_in("demo.ict")
    at.switch_page("app/pages/inspections.py").run()
    assert not at.exception
    count = scalar(seeded, "SELECT count(*) FROM inspection WHERE status = 'done'")
    assert f"{count} lượt kiểm tra. Chênh lệch dương" in texts(at)
    assert len(at.get("plotly_chart")) == 1
    # issue 26: headers a person reads, not the code's field names
    headers = [str(c) for table in at.dataframe for c in table.value.columns]
    assert "Mã số thuế" in headers and "Chỉ số kiểm tra" in headers
    assert not {"tax_code", "name", "zone", "self_index", "inspector_index", "gap"} & set(headers)


def test_the_company_reads_its_inspection_in_both_languages(seeded: str) -> None:
    """Issue 26: the company's own page of its inspections: when, who (a person and an agency),
    the level found, the decision, the notes, what was worse than declared, and the photo."""
    from datetime import timedelta

    from app import formatting
    from app.services.filing import assessments
    from app.services.onsite import inspections
    from tests.services.helpers import RISKY_ANSWERS

    board, me = actor("zone_board"), actor("company")
    period = latest_period_id()
    draft = assessments.start_draft(me, period)
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    assessments.submit(me, draft.id, "inspected")
    visit = inspections.start(board, me.company_id or 0, period)
    inspections.save(board, visit.id, RISKY_ANSWERS, "Nhà ăn không có vách ngăn.")
    inspection_evidence.add_evidence(board, visit.id, "nhà ăn.jpg", photo(64, 48))
    on = date.today() - timedelta(days=1)
    inspections.complete(board, visit.id, on, stop_operation=True, today=date.today())
    earlier = inspections.start(board, me.company_id or 0, period)  # an older visit, chosen below
    inspections.save(board, earlier.id, GOOD_ANSWERS, "Lần trước: đạt.")
    inspections.complete(board, earlier.id, on - timedelta(days=1), today=date.today())
    name = scalar(seeded, "SELECT full_name FROM app_user WHERE username = 'demo.zoneboard'")

    at = logged_in("demo.company")
    at.switch_page("app/pages/my_inspections.py").run()
    assert not at.exception
    page = texts(at)
    heading = f"Kiểm tra ngày {on:%d/%m/%Y} – {name} – Ban Quản lý các KCN"
    assert heading in page.splitlines()  # the newest is shown
    assert "demo.zoneboard" not in page and "Lần trước: đạt." not in page
    assert "Nhà ăn không có vách ngăn." in page and "Đoàn kiểm tra đã quyết định tạm dừng hoạt động." in page
    worse = at.dataframe[0].value
    assert "CS12 · Bữa ăn tập trung" in list(worse.iloc[:, 0])
    assert 'src="data:image/jpeg;base64,' in markdown_source(at)
    at.selectbox(key="mi_pick").set_value(earlier.id).run()  # the older one, on request
    assert "Lần trước: đạt." in texts(at) and "Nhà ăn không có vách ngăn." not in texts(at)

    at = logged_in("demo.company", "en")
    at.switch_page("app/pages/my_inspections.py").run()
    page = texts(at)
    assert f"Inspection of {formatting.day(on, 'en')} – {name} – Industrial zones board" in page.splitlines()
    assert "found riskier than you declared" in page
