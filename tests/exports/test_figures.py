"""Every figure a report prints, recomputed from SQL: the workbook's areas and summary, the
chairman's filing, levels, adoption and non-filers, the company report's result; numbers written
the language's way; fonts embedded; the workbook printable on few pages; numbers never shared."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import threading
import traceback
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pypdf
import pytest
from openpyxl import load_workbook

from app.assessment import registry
from app.formatting import number, percent
from app.services.documents import chairman_reports, company_reports, reports
from app.services.filing import assessments
from app.services.oversight.filters import Filters
from tests.databases import rows, scalar
from tests.services.helpers import GOOD_ANSWERS, RISKY_ANSWERS, actor, latest_period_id

ZONES_SQL = """
SELECT z.name, count(*), count(a.id),
       coalesce(sum(CASE WHEN a.first_submitted_at <= p.due_at THEN 1 ELSE 0 END), 0),
       coalesce(sum(a.workers), 0)
FROM periodcompany pc
JOIN company c ON c.id = pc.company_id
JOIN zone z ON z.id = c.zone_id
JOIN period p ON p.id = pc.period_id
LEFT JOIN assessment a ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND a.is_latest = TRUE
WHERE pc.period_id = :p AND z.kind = 'industrial_zone'
GROUP BY z.name
"""


def text_of(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def vi_int(text: str) -> int:
    return int(text.replace(".", ""))


FILING_LINE = re.compile(
    r"Phải nộp ([\d.]+); đã nộp ([\d.]+) \(([\d,]+ %)\), trong đó đúng hạn ([\d.]+), muộn ([\d.]+); "
    r"chưa nộp ([\d.]+)\."
)


def filing_line(text: str) -> tuple[list[int], str]:
    """Section I's line as printed: expected, filed, on time, late, missing; and the share filed."""
    line = FILING_LINE.search(text.replace("\xa0", " "))
    assert line, text[:1500]
    return [vi_int(line.group(n)) for n in (1, 2, 4, 5, 6)], line.group(3)


def _file(answers: dict[str, object], key: str) -> int:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, answers)
    return assessments.submit(me, draft.id, key).id


def test_workbook_areas_match_sql_and_add_up_to_the_summary(seeded: str) -> None:
    period = latest_period_id()
    data, _ = reports.export_overview_xlsx(actor("zone_board"), period, Filters())
    book = load_workbook(io.BytesIO(data))
    sheet = book["Theo khu vực"]
    header = [c.value for c in sheet[3]]
    printed = {
        r[0]: dict(zip(header, r, strict=False)) for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]
    }
    expected = {name: (e, s, o, w) for name, e, s, o, w in rows(seeded, ZONES_SQL, p=period)}
    assert set(printed) == set(expected)
    for name, (e, s, o, w) in expected.items():
        line = printed[name]
        assert (line["Phải nộp"], line["Đã nộp"], line["Đúng hạn"], line["Số NLĐ"]) == (e, s, o, w), name
    levels = rows(
        seeded,
        "SELECT z.name, a.level, count(*) FROM assessment a JOIN company c ON c.id = a.company_id "
        "JOIN zone z ON z.id = c.zone_id JOIN periodcompany pc ON pc.company_id = a.company_id "
        "AND pc.period_id = a.period_id "
        "WHERE a.period_id = :p AND a.is_latest = TRUE AND z.kind = 'industrial_zone' "
        "GROUP BY z.name, a.level",
        p=period,
    )
    labels = {lv.id: lv.label.vi for lv in registry.get("bg-kcn-2021").ruleset.levels}
    for name, level, count in levels:
        assert printed[name][labels[str(level)]] == count, (name, level)
    summary = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert sum(line["Đúng hạn"] for line in printed.values()) == summary["Đúng hạn"]
    assert sum(line["Đã nộp"] for line in printed.values()) == summary["Đã nộp"]
    assert book["Tổng hợp"].auto_filter.ref is None


def test_criteria_columns_in_rule_set_order(seeded: str) -> None:
    data, _ = reports.export_overview_xlsx(actor("ict"), latest_period_id(), Filters())
    header = [c.value for c in load_workbook(io.BytesIO(data))["Tiêu chí"][3]][2:]
    assert header == [f"CS{n}" for n in range(1, 16)]


def test_chairman_figures_match_sql(seeded: str) -> None:
    _file(RISKY_ANSWERS, "risky")
    period = latest_period_id()
    text = text_of(chairman_reports.export_chairman_pdf(actor("ict"), period))
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
    counts, share = filing_line(text)
    assert counts == [expected, filed, on_time, late, expected - filed]
    assert share == percent(filed / expected, "vi").replace("\xa0", " ")
    phones, bluezone, workers, declared = rows(
        seeded,
        "SELECT sum(smartphone_owners), sum(bluezone_installed), sum(workers), sum(health_declared) "
        "FROM assessment a JOIN periodcompany pc "
        "ON pc.company_id = a.company_id AND pc.period_id = a.period_id "
        "WHERE a.period_id = :p AND a.is_latest = TRUE",
        p=period,
    )[0]
    bluezone_share = percent(bluezone / phones, "vi")
    health_share = percent(declared / workers, "vi")
    adoption = f"Tỷ lệ cài Bluezone: {bluezone_share}; tỷ lệ khai báo y tế: {health_share}."
    assert adoption.replace("\xa0", " ") in text
    for level in registry.get("bg-kcn-2021").ruleset.levels:
        count, people = rows(
            seeded,
            "SELECT count(*), coalesce(sum(a.workers), 0) FROM assessment a JOIN periodcompany pc "
            "ON pc.company_id = a.company_id AND pc.period_id = a.period_id "
            "WHERE a.period_id = :p AND a.is_latest = TRUE AND a.level = :lv",
            p=period,
            lv=level.id,
        )[0]
        found = re.search(re.escape(level.label.vi) + r" ([\d.]+) ([\d.]+) [\d,]+ %", text)
        assert found and (vi_int(found.group(1)), vi_int(found.group(2))) == (count, people), level.id
    section = text[text.index("IV. ") : text.index("V. Thay đổi")]
    missing = rows(
        seeded,
        "SELECT z.name, count(*) FROM periodcompany pc JOIN company c ON c.id = pc.company_id "
        "JOIN zone z ON z.id = c.zone_id LEFT JOIN assessment a ON a.company_id = pc.company_id "
        "AND a.period_id = pc.period_id AND a.is_latest = TRUE WHERE pc.period_id = :p AND a.id IS NULL "
        "GROUP BY z.name",
        p=period,
    )
    for name, count in missing:
        assert re.search(re.escape(str(name)) + r" [\d.]+ " + str(count) + r"\b", section), name
    # the total is the round's, not the sum of the areas listed (areas with no non-filer are left
    # out of the rows and counted on a line of their own)
    assert f"Tổng cộng {number(expected, 'vi')} {number(expected - filed, 'vi')}" in section, section


def _vietnamese_numbers_only(text: str, ours_only: bool = True) -> None:
    """`ours_only`: the text holds no rule-set wording, whose band labels ("Đến 5%") are quoted."""
    assert not re.search(r"\d,\d{3}(?!\d)", text), "English thousands separator"
    assert not re.search(r"(?<![\w./])\d+\.\d{1,2}(?!\d)\s?%", text), "English decimal percent"
    if ours_only:
        assert not re.search(r"\d%", text), "a percent sign without its space"
    assert not re.search(r"(?<![\w.,/-])\d{5,9}(?![\w.,/-])", text), "an ungrouped amount"


def _english_numbers_only(text: str, ours_only: bool = True) -> None:
    assert not re.search(r"\d,\d{1,2}\s?%", text), "Vietnamese decimal comma"
    assert not re.search(r"(?<![\w./])\d{1,3}(\.\d{3})+(?![\d,])", text.replace("v1.", "")), (
        "Vietnamese grouping"
    )
    assert not re.search(r"(?<![\w.,/-])\d{5,9}(?![\w.,/-])", text), "an ungrouped amount"


def test_numbers_are_written_the_languages_way(seeded: str) -> None:
    filed = _file(GOOD_ANSWERS, "good")
    period = latest_period_id()
    for lang, check in (("vi", _vietnamese_numbers_only), ("en", _english_numbers_only)):
        chairman = text_of(chairman_reports.export_chairman_pdf(actor("ict"), period, lang))
        company = text_of(company_reports.export_company_pdf(actor("company"), filed, lang))
        check(chairman)
        check(company.split("http")[0], ours_only=False)  # the link is an address, not a figure
        if lang == "en":  # issue 26: headers whole, not "Poin ts", "Provenanc e"
            assert "Points Max Provenance" in company, company[:2000]


def test_every_pdf_font_is_embedded(seeded: str, tmp_path: Path) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    filed = _file(GOOD_ANSWERS, "fonts")
    for name, data in (
        ("chairman", chairman_reports.export_chairman_pdf(actor("ict"), latest_period_id())),
        ("company", company_reports.export_company_pdf(actor("company"), filed)),
    ):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        fonts = listing.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), listing
        assert "Helvetica" not in listing


def test_company_report_marks_a_late_filing_and_lists_criteria_in_order(seeded: str) -> None:
    late_id = scalar(
        seeded,
        "SELECT a.id FROM assessment a JOIN period p ON p.id = a.period_id "
        "WHERE a.is_latest = TRUE AND a.first_submitted_at > p.due_at ORDER BY a.id LIMIT 1",
    )
    if late_id is None:
        pytest.skip("the small seed has no late filing")
    company = scalar(seeded, "SELECT company_id FROM assessment WHERE id = :i", i=late_id)
    official = (
        actor("zone_board")
        if scalar(
            seeded, "SELECT z.kind FROM company c JOIN zone z ON z.id = c.zone_id WHERE c.id = :c", c=company
        )
        == "industrial_zone"
        else actor("labour")
    )
    text = text_of(company_reports.export_company_pdf(official, int(late_id)))
    assert "NỘP MUỘN" in text
    positions = [text.index(f"CS{n} · ") for n in range(1, 16)]
    assert positions == sorted(positions)
    assert "ĐẠI DIỆN DOANH NGHIỆP" in text and "Địa chỉ" in text


def test_two_exports_at_once_never_share_a_number(seeded: str) -> None:
    """Four threads, as four Streamlit sessions of one process: each its own number, and each
    PDF laid out whole (ReportLab's shared state once broke a concurrent build)."""
    errors: list[str] = []

    def export() -> None:
        try:
            chairman_reports.export_chairman_pdf(
                actor("ict"), latest_period_id(), issued_on=date(2026, 11, 29)
            )
        except BaseException:
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=export) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [], errors[0] if errors else ""
    numbers = [str(n) for (n,) in rows(seeded, "SELECT number FROM exportlog WHERE report = 'chairman.pdf'")]
    assert sorted(numbers) == sorted({*numbers}) and len(numbers) == 4
    assert sorted(numbers) == [f"Số: {n}/BC-STTTT" for n in range(1, 5)]
    assert scalar(seeded, "SELECT count(*) FROM auditevent WHERE action = 'export.chairman.pdf'") == 4


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-calc-nogui) is absent")
def test_the_companies_sheet_prints_on_few_landscape_pages(seeded: str, tmp_path: Path) -> None:
    """LibreOffice, a client nobody here wrote, prints the Companies sheet as an official would."""
    data, count = reports.export_overview_xlsx(actor("ict"), latest_period_id(), Filters())
    book = load_workbook(io.BytesIO(data))
    for name in book.sheetnames:
        if name != "Doanh nghiệp":
            del book[name]
    only = tmp_path / "companies.xlsx"
    book.save(only)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(only)],
        capture_output=True,
        check=True,
        timeout=180,
    )
    printed = pypdf.PdfReader(tmp_path / "companies.pdf")
    first = printed.pages[0].mediabox
    assert first.width > first.height  # landscape
    assert len(printed.pages) <= max(1, count // 27 + 1)  # ≤ 15 pages for 400 companies
    assert "Mã số thuế" in printed.pages[-1].extract_text()  # the header row repeats


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-calc-nogui) is absent")
def test_the_workbook_also_as_ods(seeded: str, tmp_path: Path) -> None:
    import zipfile

    from app.exports.ods import to_ods

    data, _ = reports.export_overview_xlsx(actor("ict"), latest_period_id(), Filters())
    ods = to_ods(data)
    with zipfile.ZipFile(io.BytesIO(ods)) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        content = archive.read("content.xml").decode()
    assert "Hòa Bình Quang Châu" in content and "Theo khu vực" in content


def test_the_chairmans_reminder_line_matches_sql(seeded: str, smtp: object) -> None:
    """Đôn đốc, as the chairman reads it: reminded, filed after, still missing, per channel; the
    seed's history of reminders and one more sent now, every figure recomputed here."""
    from app.services.reminding import outbox, reminders

    period = latest_period_id()
    ict = actor("ict")
    reminders.queue_manual(ict, reminders.manual(ict, period, list(range(1, 41))))
    outbox.drain()
    text = text_of(chairman_reports.export_chairman_pdf(ict, period))
    first = """(SELECT company_id, min(sent_at) AS first_at FROM outboxmessage WHERE status = 'sent'
                AND period_id = :p AND reason IN ('reminder', 'manual') GROUP BY company_id) f"""
    reminded = scalar(seeded, f"SELECT count(*) FROM {first}", p=period)
    after = scalar(
        seeded,
        f"""SELECT count(*) FROM {first} JOIN assessment a ON a.company_id = f.company_id
            AND a.period_id = :p AND a.is_latest WHERE a.first_submitted_at > f.first_at""",
        p=period,
    )
    missing = scalar(
        seeded,
        f"""SELECT count(*) FROM {first} WHERE NOT EXISTS (SELECT 1 FROM assessment a
            WHERE a.company_id = f.company_id AND a.period_id = :p AND a.is_latest)""",
        p=period,
    )
    before = scalar(
        seeded,
        f"""SELECT count(*) FROM {first} JOIN assessment a ON a.company_id = f.company_id
            AND a.period_id = :p AND a.is_latest WHERE a.first_submitted_at <= f.first_at""",
        p=period,
    )
    assert int(str(reminded)) > 0
    assert int(str(reminded)) == int(str(after)) + int(str(missing)) + int(str(before))  # parts add up
    assert (
        f"Đôn đốc: đã nhắc {reminded} doanh nghiệp chưa nộp; {after} đã nộp sau khi được nhắc, {missing} vẫn"
        in text
    )
    if int(str(before)):
        assert f"{before} đã nộp trước khi tin nhắc được gửi." in text
    else:
        assert "trước khi tin nhắc được gửi" not in text
    for channel, label in (("email", "Email"), ("sms", "SMS"), ("zalo", "Zalo")):
        sent, failed = rows(
            seeded,
            """SELECT coalesce(sum(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), 0),
                      coalesce(sum(CASE WHEN status IN ('failed', 'gave_up') THEN 1 ELSE 0 END), 0)
               FROM outboxmessage
               WHERE period_id = :p AND channel = :c AND reason IN ('reminder', 'manual')""",
            p=period,
            c=channel,
        )[0]
        if sent or failed:
            assert f"{label}: gửi {sent}, lỗi {failed}, nộp trong 24 giờ" in text


def test_the_chairmans_inspection_section_matches_sql(seeded: str) -> None:
    """Section VI: with no visit finished in the round it says so; after two, every figure it
    prints is recomputed here (count, mean gap, official levels, stop orders, open/overdue fixes)."""
    from datetime import timedelta

    from app.formatting import number, today_vietnam
    from app.services.onsite import inspections, visits

    period = latest_period_id()
    ict = actor("ict")
    assert "Trong kỳ chưa có lượt kiểm tra thực tế nào hoàn tất." in text_of(
        chairman_reports.export_chairman_pdf(ict, period)
    )
    _file(RISKY_ANSWERS, "risky")  # the demo company, inside a zone: its fixes open
    board = actor("zone_board")
    plan = visits.get_plan(board, visits.save_plan(board, visits.propose(board, period, 2)))
    today = date(2030, 1, 1)
    for n, row in enumerate(plan.rows):
        draft = inspections.start(board, row.company_id, period)
        inspections.save(board, draft.id, RISKY_ANSWERS if n else GOOD_ANSWERS)
        inspections.complete(
            board,
            draft.id,
            today - timedelta(days=1),
            official_level=n == 0,
            stop_operation=n == 1,
            today=today,
        )
    text = text_of(chairman_reports.export_chairman_pdf(ict, period))
    gap = scalar(
        seeded,
        """SELECT avg(i.risk_index - a.risk_index) FROM inspection i JOIN assessment a
           ON a.company_id = i.company_id AND a.period_id = i.period_id AND a.is_latest
           WHERE i.period_id = :p AND i.status = 'done'""",
        p=period,
    )
    done = scalar(
        seeded, "SELECT count(*) FROM inspection WHERE period_id = :p AND status = 'done'", p=period
    )
    if gap is None:  # neither inspected company filed this round: nothing to compare with
        gap_text = "chưa so được với tự đánh giá"
    else:
        shown = Decimal(str(gap)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # half up, once
        direction = "cao hơn" if shown > 0 else "thấp hơn"  # the word carries the sign, not "cao hơn -3,33"
        gap_text = f"{direction} tự đánh giá trung bình {str(abs(shown)).replace('.', ',')} điểm"
        if shown == 0:
            gap_text = "ngang với tự đánh giá"
    assert (
        f"Đã kiểm tra thực tế {done} doanh nghiệp; chỉ số nguy cơ theo kiểm tra {gap_text}; "
        "1 trường hợp lấy kết quả kiểm tra làm mức chính thức; 1 doanh nghiệp bị tạm dừng hoạt động."
    ) in text
    open_actions = scalar(seeded, "SELECT count(*) FROM remediationaction WHERE status IN ('open', 'done')")
    overdue = scalar(
        seeded,
        "SELECT count(*) FROM remediationaction WHERE status = 'open' AND due_on < :d",
        d=today_vietnam(),
    )
    assert (
        f"Việc khắc phục đang mở: {number(open_actions, 'vi')}, trong đó quá hạn: {number(overdue, 'vi')}."
        in text
    )
    # once the round is closed, its report says what stood at its end, not today's figures
    from app.services import periods

    periods.close_period(actor("admin"), period)
    due_at = scalar(seeded, "SELECT due_at FROM period WHERE id = :p", p=period)
    due_day = scalar(seeded, "SELECT due_on FROM period WHERE id = :p", p=period)
    then = """FROM remediationaction WHERE created_at <= :t AND (closed_at IS NULL OR closed_at > :t)"""
    open_then = scalar(seeded, f"SELECT count(*) {then}", t=due_at)
    overdue_then = scalar(
        seeded,
        f"SELECT count(*) {then} AND due_on < :d AND NOT (status = 'done' AND updated_at <= :t)",
        t=due_at,
        d=due_day,
    )
    assert open_then != open_actions  # the fixes raised today did not stand at the round's end
    closed_text = text_of(chairman_reports.export_chairman_pdf(ict, period))
    assert (
        f"Việc khắc phục đang mở: {number(open_then, 'vi')}, trong đó quá hạn: {number(overdue_then, 'vi')}."
        in closed_text
    )


def test_a_direction_is_worded_from_the_sign_of_the_printed_figure() -> None:
    from app.exports.pdf_chairman import _gap_words

    assert _gap_words(-3.333, "vi") == "thấp hơn tự đánh giá trung bình 3,33 điểm"
    assert _gap_words(3.335, "vi") == "cao hơn tự đánh giá trung bình 3,34 điểm"  # half up, once
    assert _gap_words(-0.004, "vi") == "ngang với tự đánh giá"  # prints as 0,00: no direction
    assert _gap_words(-3.333, "en") == "on average 3.33 points below the self-assessed one"
    assert _gap_words(None, "vi") == "chưa so được với tự đánh giá"
