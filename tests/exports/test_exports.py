"""Reports read back the way a recipient would: openpyxl for the workbook, PDF text for the PDFs."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pypdf
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from app.assessment import registry
from app.services import periods
from app.services.context import unit_of_work
from app.services.documents import chairman_reports, company_reports, reports, verification
from app.services.filing import assessments, companies
from app.services.oversight.filters import Filters
from app.services.periods import Expected
from db.models import ExportLog
from tests.databases import scalar
from tests.pages.apptest import app, texts
from tests.services.helpers import RISKY_ANSWERS, actor, latest_period_id

ROOT = Path(__file__).resolve().parents[2]
RISKY = RISKY_ANSWERS


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks folded, as a reader would read a wrapped table cell."""
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def _submit_risky() -> int:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, RISKY)
    return assessments.submit(me, draft.id, "risky").id


def test_workbook_sheets_counts_colours_and_layout(seeded: str) -> None:
    _submit_risky()
    period = latest_period_id()
    data, rows = reports.export_overview_xlsx(actor("zone_board"), period, Filters())
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Tổng hợp", "Theo khu vực", "Doanh nghiệp", "Chưa nộp", "Tiêu chí"]
    expected = scalar(
        seeded,
        "SELECT count(*) FROM periodcompany pc JOIN company c ON c.id = pc.company_id "
        "JOIN zone z ON z.id = c.zone_id WHERE pc.period_id = :p AND z.kind = 'industrial_zone'",
        p=period,
    )
    filed = scalar(
        seeded,
        "SELECT count(*) FROM assessment a JOIN company c ON c.id = a.company_id "
        "JOIN zone z ON z.id = c.zone_id "
        "WHERE a.period_id = :p AND a.is_latest AND z.kind = 'industrial_zone'",
        p=period,
    )
    sheet = book["Doanh nghiệp"]
    header = [c.value for c in sheet[3]]
    assert header[:2] == ["Mã số thuế", "Tên doanh nghiệp"] and "Mức nguy cơ" in header
    assert sheet.max_row - 3 == expected == rows
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3:")
    assert book["Chưa nộp"].max_row - 3 == expected - filed
    assert book["Tiêu chí"].max_row - 3 == filed
    # the level cell is filled in the level's colour
    levels = {lv.label.vi: lv.color.lstrip("#").upper() for lv in registry.get("bg-kcn-2021").ruleset.levels}
    level_column = header.index("Mức nguy cơ") + 1
    coloured = 0
    for row in sheet.iter_rows(min_row=4):
        cell = row[level_column - 1]
        if cell.value:
            assert cell.fill.fgColor.rgb[-6:] == levels[cell.value]
            coloured += 1
    assert coloured == filed
    assert "Hòa Bình Quang Châu" in " ".join(str(c.value) for c in sheet["B"])
    with unit_of_work() as session:
        log = session.exec(select(ExportLog)).one()
    assert (log.actor, log.report, log.rows) == ("demo.zoneboard", "overview.xlsx", rows)


def test_a_formula_looking_name_is_stored_as_text(seeded: str) -> None:
    companies.create_company(
        actor("admin"),
        {
            "tax_code": "2400777771",
            "name": '=HYPERLINK("http://x","y")',
            "zone_id": "kcn-van-trung",
            "sector": "Nhựa",
        },
    )
    companies.create_company(
        actor("admin"),
        {"tax_code": "2400777789", "name": "+84 Plastics\x07", "zone_id": "kcn-van-trung", "sector": "Nhựa"},
    )
    companies.create_company(
        actor("admin"),
        {
            "tax_code": "2400777796",
            "name": "Công ty \u202egnahT\u202c An",
            "zone_id": "kcn-van-trung",
            "sector": "Nhựa",
        },
    )
    new = periods.open_period(
        actor("admin"), "Tuần thử", date(2021, 9, 6), date(2021, 9, 12), Expected(all_companies=True)
    )
    data, _ = reports.export_overview_xlsx(actor("ict"), new.id, Filters(search="2400777"))
    sheet = load_workbook(io.BytesIO(data))["Chưa nộp"]
    names = {c.value: c.data_type for c in sheet["B"][3:]}
    assert names == {'=HYPERLINK("http://x","y")': "s", "+84 Plastics": "s", "Công ty gnahT An": "s"}


def test_an_export_with_no_rows_is_a_valid_file_that_says_so(seeded: str) -> None:
    data, rows = reports.export_overview_xlsx(actor("ict"), latest_period_id(), Filters(search="không có ai"))
    assert rows == 0
    book = load_workbook(io.BytesIO(data))
    assert book["Doanh nghiệp"]["A4"].value == "Không có dữ liệu cho bộ lọc này."


def test_chairman_report_in_vietnamese(seeded: str) -> None:
    _submit_risky()
    data = chairman_reports.export_chairman_pdf(actor("ict"), latest_period_id(), issued_on=date(2021, 6, 14))
    text = pdf_text(data)
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "Bắc Giang, ngày 14 tháng 6 năm 2021",  # Decree 30/2020: months 3–12 take no leading zero
        "Kính gửi: Chủ tịch UBND tỉnh Bắc Giang",
        "Công ty TNHH May mặc Hòa Bình Quang Châu",  # listed as high risk, letter for letter
        "kính báo cáo Chủ tịch UBND tỉnh Bắc Giang./.",  # the closing line, then the signature
    ):
        assert phrase in text, phrase
    missing = scalar(
        seeded,
        "SELECT min(c.name) FROM periodcompany pc JOIN company c ON c.id = pc.company_id "
        "LEFT JOIN assessment a ON a.company_id = pc.company_id "
        "AND a.period_id = pc.period_id AND a.is_latest WHERE pc.period_id = :p AND a.id IS NULL",
        p=latest_period_id(),
    )
    assert missing is None or str(missing) in text
    assert re.search(r"Số: \d+/BC-STTTT", text)


def test_chairman_report_only_for_the_ict_department(seeded: str) -> None:
    from app.services.errors import Forbidden

    with pytest.raises(Forbidden):
        chairman_reports.export_chairman_pdf(actor("zone_board"), latest_period_id())


def test_pdfs_are_deterministic_in_invariant_mode(seeded: str) -> None:
    kwargs = {"invariant": True, "issued_on": date(2021, 6, 14), "number": 7}
    first = chairman_reports.export_chairman_pdf(actor("ict"), latest_period_id(), **kwargs)  # type: ignore[arg-type]
    again = chairman_reports.export_chairman_pdf(actor("ict"), latest_period_id(), **kwargs)  # type: ignore[arg-type]
    assert first == again


def test_a_right_to_left_override_does_not_reach_the_pdf(seeded: str) -> None:
    me = actor("company")
    assert me.company_id is not None
    view = companies.get_company(actor("admin"), me.company_id)
    fields = {k: getattr(view, k) for k in ("sector", "address", "workers", "contact_phone", "contact_email")}
    hostile = "Công ty \u202egnahT\u202c An\u200b Phát"
    companies.update_profile(
        actor("admin"), me.company_id, {**fields, "name": hostile, "contact_name": hostile}
    )
    text = pdf_text(company_reports.export_company_pdf(me, _submit_risky()))
    assert "Công ty gnahT An Phát" in text and "\u202e" not in text and "\u200b" not in text


def test_company_report_and_its_qr_verification(seeded: str) -> None:
    assessment_id = _submit_risky()
    me = actor("company")
    report = company_reports.company_report(me, assessment_id)
    data = company_reports.export_company_pdf(me, assessment_id)
    text = pdf_text(data)
    assert "Công ty TNHH May mặc Hòa Bình Quang Châu" in text
    assert "Cần khắc phục trước" in text and "Nguy cơ" in text
    match = re.search(r"verify\?a=(\d+)&t=([A-Za-z0-9_.\-]+)", report.verify_url)
    assert match and match.group(1) == str(assessment_id)
    found = verification.verify(match.group(1), match.group(2))
    assert found is not None and found.total == report.total and found.level == report.level.id
    assert (
        verification.verify(match.group(1), match.group(2)[:-1] + ("A" if match.group(2)[-1] != "A" else "B"))
        is None
    )
    other = scalar(
        seeded, "SELECT min(id) FROM assessment WHERE id <> :a AND status <> 'draft'", a=assessment_id
    )
    assert verification.verify(str(other), match.group(2)) is None


def test_a_company_cannot_export_another_companys_report(seeded: str) -> None:
    from app.services.errors import Forbidden

    other = scalar(
        seeded, "SELECT min(id) FROM assessment WHERE company_id <> :c", c=actor("company").company_id
    )
    with pytest.raises(Forbidden):
        company_reports.export_company_pdf(actor("company"), other)


def test_verify_page_says_genuine_or_not(seeded: str) -> None:
    assessment_id = _submit_risky()
    url = company_reports.company_report(actor("company"), assessment_id).verify_url
    a, token = re.search(r"a=(\d+)&t=(.+)$", url).groups()  # type: ignore[union-attr]
    at = app()
    at.query_params["a"] = a
    at.query_params["t"] = token
    at.switch_page("app/pages/verify.py").run()
    assert "Phiếu hợp lệ" in texts(at) and "Hòa Bình" in texts(at)
    at = app()
    at.query_params["a"] = a
    at.query_params["t"] = "forged-token"
    at.switch_page("app/pages/verify.py").run()
    assert "không hợp lệ" in texts(at)


def test_command_line_exports(seeded: str, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": seeded}
    workbook = tmp_path / "overview.xlsx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "export",
            "xlsx",
            "--report",
            "overview",
            "--zone",
            "kcn-quang-chau",
            "--out",
            str(workbook),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(workbook)["Doanh nghiệp"]
    assert {c.value for c in sheet["C"][3:]} == {"KCN Quang Châu"}
    chairman = tmp_path / "chairman.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "export", "pdf", "--report", "chairman", "--out", str(chairman)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "BÁO CÁO" in pdf_text(chairman.read_bytes())
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "export",
            "pdf",
            "--report",
            "company",
            "--company",
            "0000000000",
            "--out",
            str(tmp_path / "x.pdf"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "0000000000" in bad.stderr
    assert scalar(seeded, "SELECT count(*) FROM exportlog WHERE actor = 'cli'") == 2


def test_production_issues_no_numbered_report_without_its_signer(
    seeded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.config import get_settings
    from app.services.errors import Invalid

    monkeypatch.setenv("ZONERISK_ENV", "production")
    monkeypatch.setenv("ZONERISK_REPORT_SIGNER_NAME", " ")
    get_settings.cache_clear()
    with pytest.raises(Invalid) as refused:
        chairman_reports.export_chairman_pdf(actor("ict"), latest_period_id())
    assert "ZONERISK_REPORT_SIGNER_NAME" in refused.value.en
    assert scalar(seeded, "SELECT count(*) FROM documentregister") == 0  # no number was taken
    assert chairman_reports.preview_chairman_pdf(actor("ict"), latest_period_id())[:5] == b"%PDF-"
    monkeypatch.setenv("ZONERISK_REPORT_SIGNER_NAME", "Nguyễn Văn An")
    get_settings.cache_clear()
    issued = pdf_text(chairman_reports.export_chairman_pdf(actor("ict"), latest_period_id()))
    assert "Nguyễn Văn An" in issued


def test_every_sheet_prints_every_column_and_row_it_holds(seeded: str) -> None:
    """The printed page is the sheet: no column (the Summary's "Tỷ lệ NLĐ") or row left off the
    print area, in the officials' workbook and the visit plan's."""
    from openpyxl.utils import column_index_from_string

    from app.services.onsite import visits

    board = actor("zone_board")
    plan = visits.save_plan(board, visits.propose(board, latest_period_id(), 8))
    books = {
        "overview": reports.export_overview_xlsx(board, latest_period_id(), Filters())[0],
        "plan": visits.export_plan(board, plan, "xlsx"),
    }
    for name, data in books.items():
        for sheet in load_workbook(io.BytesIO(data)).worksheets:
            area = sheet.print_area
            assert area, (name, sheet.title)
            found = re.search(r"\$([A-Z]+)\$(\d+)$", area if isinstance(area, str) else area[0])
            assert found, area
            assert column_index_from_string(found.group(1)) >= sheet.max_column, (name, sheet.title, area)
            assert int(found.group(2)) >= sheet.max_row, (name, sheet.title, area)
            assert sheet.page_setup.orientation == "landscape", (name, sheet.title)
