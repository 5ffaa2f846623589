"""One figure, one string: the round's filing counts and adoption shares read back from the
officials' workbook (openpyxl, shown as its number format shows it), the chairman's PDF (pdftotext)
and the ICT department's overview page (AppTest) are the same text, and agree with SQL written
here. The Bluezone share is made to land exactly on a half (381/400 = 95,25 %), where Python's
round() and a half-up rounding part ways."""

from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import load_workbook
from sqlalchemy import func, update
from sqlmodel import col

from app.services.context import unit_of_work
from app.services.documents import chairman_reports, reports
from app.services.oversight.filters import Filters
from db.models import Assessment
from tests.databases import rows
from tests.exports.test_figures import text_of
from tests.pages.apptest import figures, logged_in
from tests.services.helpers import actor, latest_period_id


def _shown(value: object, number_format: str) -> str:
    """A cell as Excel shows it in a Vietnamese office: '#,##0' grouped with dots, '0.0%' one
    decimal, half up (Excel rounds the decimal it shows, not the binary float), a comma."""
    if isinstance(value, str):
        return value
    if number_format == "#,##0":
        return f"{int(value):,}".replace(",", ".")  # type: ignore[call-overload]
    assert number_format == "0.0%", number_format
    shown = (Decimal(str(value)) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{shown}".replace(".", ",") + " %"


def _summary(book_bytes: bytes) -> dict[str, list[str]]:
    sheet = load_workbook(io.BytesIO(book_bytes)).worksheets[0]
    found: dict[str, list[str]] = {}
    for row in sheet.iter_rows():
        cells = [c for c in row if c.value is not None]
        if len(cells) >= 2 and isinstance(cells[0].value, str):
            found[cells[0].value] = [_shown(c.value, c.number_format) for c in cells[1:]]
    return found


def test_the_same_figure_is_the_same_string_in_workbook_pdf_and_page(seeded: str) -> None:
    period = latest_period_id()
    with unit_of_work(write=True) as session:  # through the ORM, so the pages' caches see it
        session.execute(
            update(Assessment)
            .where(col(Assessment.period_id) == period, col(Assessment.is_latest).is_(True))
            .values(
                workers=func.max(Assessment.workers, 400)
                if session.get_bind().dialect.name == "sqlite"
                else func.greatest(Assessment.workers, 400),
                smartphone_owners=400,
                bluezone_installed=381,
            )
        )
    expected, filed, phones, bluezone = rows(
        seeded,
        "SELECT count(*), count(a.id), sum(a.smartphone_owners), sum(a.bluezone_installed) "
        "FROM periodcompany pc LEFT JOIN assessment a ON a.company_id = pc.company_id "
        "AND a.period_id = pc.period_id AND a.is_latest = TRUE WHERE pc.period_id = :p",
        p=period,
    )[0]
    assert Decimal(bluezone) / Decimal(phones) == Decimal("0.9525")
    half = "95,3 %"  # round(95.25, 1) would say 95,2

    summary = _summary(reports.export_overview_xlsx(actor("ict"), period, Filters())[0])
    assert summary["Phải nộp"][0] == str(expected)
    assert summary["Chưa nộp"][0] == str(expected - filed)
    bluezone_row = next(v for k, v in summary.items() if k.startswith("Cài Bluezone"))
    assert bluezone_row == [half]

    pdf = text_of(chairman_reports.preview_chairman_pdf(actor("ict"), period)).replace("\xa0", " ")
    assert f"Tỷ lệ cài Bluezone: {half};" in pdf
    line = re.search(r"Phải nộp ([\d.]+); đã nộp [\d.]+ \([\d,]+ %\), .*?; chưa nộp ([\d.]+)\.", pdf)
    assert line and line.groups() == (str(expected), str(expected - filed))

    at = logged_in("demo.ict")
    metrics = {k: v.replace("\xa0", " ") for k, v in figures(at).items()}
    assert metrics["Phải nộp"] == str(expected)
    assert metrics["Chưa nộp"] == str(expected - filed)
    assert metrics["Cài Bluezone"] == half
