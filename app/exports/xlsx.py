"""The officials' Excel workbook, streamed in openpyxl's write-only mode so that 100,000 companies
fit in little memory. Text is always written as text: a company named "=HYPERLINK(…)" stays a name."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from app.exports.labels import L
from app.exports.report import CONTROL_CHARACTERS, AreaLine, CompanyLine, OverviewReport, clean

Progress = Callable[[int, int], None]
Row = TypeVar("Row")

TITLE_FONT = Font(bold=True, size=14)
META_FONT = Font(italic=True, size=9, color="555555")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
THIN = Border(bottom=Side(style="thin", color="999999"))
DATE_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT_FORMAT = "0.0%"
INDEX_FORMAT = "0.00"
INT_FORMAT = "#,##0"
HEADER_ROW = 3  # row 1: title, row 2: filters, author and time
FORMULA_STARTS = frozenset("=+-@")


class _Sheet:
    """A write-only sheet with a title block, one styled header row and typed cells."""

    def __init__(self, ws: WriteOnlyWorksheet, report: OverviewReport, title: str) -> None:
        self.ws = ws
        self.report = report
        self.title = title

    def _cell(
        self, value: Any, number_format: str | None = None, fill: PatternFill | None = None
    ) -> WriteOnlyCell:
        value = clean(value)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the first character
        if number_format:
            cell.number_format = number_format
        if fill is not None:
            cell.fill = fill
        return cell

    def start(self, headers: Sequence[str], widths: Sequence[float], rows: int, table: bool = True) -> None:
        """Widths, frozen header, autofilter (for a list, not the summary) and the page setup must
        be set before the first row is streamed."""
        for n, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(n)].width = width
        self.ws.freeze_panes = f"A{HEADER_ROW + 1}"
        last = get_column_letter(len(headers))
        if table:
            self.ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(rows, 1)}"
        print_ready(self.ws, last, HEADER_ROW + max(rows, 1))
        title = self._cell(
            L("title_line", self.report.lang, title=self.title, period=self.report.period_name)
        )
        title.font = TITLE_FONT
        self.ws.append([title])
        meta = self._cell(
            L(
                "meta_line",
                self.report.lang,
                filters=self.report.filters_text,
                author=self.report.author,
                at=f"{self.report.generated_at:%H:%M %d/%m/%Y}",
            )
        )
        meta.font = META_FONT
        self.ws.append([meta])
        header_cells = []
        for header in headers:
            cell = self._cell(header)
            cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGN, THIN
            header_cells.append(cell)
        self.ws.append(header_cells)

    def row(self, values: Iterable[Any]) -> None:
        self.ws.append(_as_cells(self.ws, values))

    def empty(self) -> None:
        self.ws.append([self._cell(L("no_data", self.report.lang))])


def print_ready(ws: WriteOnlyWorksheet, last_column: str, last_row: int) -> None:
    """A4 landscape, one page wide (as many pages tall as it takes), the header row repeated on
    every page, the title rows and the table as the print area, centred, with page numbers."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{last_column}{last_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "&P / &N"


def _as_cells(ws: WriteOnlyWorksheet, values: Iterable[Any], dates: bool = False) -> list[Any]:
    """Plain values go in as they are (openpyxl's fast path); text that could be read as a formula
    becomes a text cell, and with `dates` a datetime gets the date format."""
    out = []
    for value in values:
        if isinstance(value, str):
            value = CONTROL_CHARACTERS.sub("", value)
            if value[:1] in FORMULA_STARTS:
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"
                value = cell
        elif dates and isinstance(value, datetime):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = DATE_FORMAT
            value = cell
        out.append(value)
    return out


def _fit(
    headers: Sequence[str], sample: Iterable[Sequence[Any]], minimum: float = 8, maximum: float = 60
) -> list[float]:
    widths = [max(minimum, min(maximum, len(h) * 0.9 + 2)) for h in headers]
    for row in sample:
        for n, value in enumerate(row[: len(widths)]):
            text = (
                f"{value:%d/%m/%Y %H:%M}"
                if isinstance(value, datetime)
                else str(value if value is not None else "")
            )
            widths[n] = max(widths[n], min(maximum, len(text) * 1.1 + 2))
    return widths


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column of a list sheet: its header, how a row gives its value, and how it is shown."""

    header: str
    value: Callable[[Row], Any]
    number_format: str | None = None
    fill: Callable[[Row], PatternFill | None] | None = None


def _list_sheet(
    workbook: Workbook,
    report: OverviewReport,
    name: str,
    columns: Sequence[Column[Row]],
    items: Sequence[Row],
    tick: Callable[[], None],
) -> None:
    """A list sheet streamed row by row: plain values as they are (openpyxl's fast path), cells only
    where a column has a number format or a fill."""
    sheet = _Sheet(workbook.create_sheet(name), report, report.title)
    headers = [c.header for c in columns]
    sample = ([c.value(item) for c in columns] for item in items[:500])
    sheet.start(headers, _fit(headers, sample), len(items))
    styled = [(n, c) for n, c in enumerate(columns) if c.number_format or c.fill]
    for item in items:
        values = [c.value(item) for c in columns]
        for n, column in styled:
            fill = column.fill(item) if column.fill else None
            values[n] = sheet._cell(values[n], column.number_format, fill)
        sheet.row(values)
        tick()
    if not items:
        sheet.empty()


def _summary_sheet(workbook: Workbook, report: OverviewReport, fills: dict[str, PatternFill]) -> None:
    lang = report.lang
    labels = {lv.id: lv.label for lv in report.levels}
    summary = _Sheet(workbook.create_sheet(L("sheet.summary", lang)), report, report.title)
    summary.start([L("filing", lang), L("companies", lang), L("share", lang)], [46, 18, 14], 25, table=False)
    filing = report.filing
    for key, value in (
        ("expected", filing.expected),
        ("submitted", filing.submitted),
        ("on_time", filing.on_time),
        ("late", filing.late),
        ("missing", filing.missing),
    ):
        share = value / filing.expected if filing.expected else None
        summary.row([L(key, lang), summary._cell(value, INT_FORMAT), summary._cell(share, PERCENT_FORMAT)])
    summary.row([])
    summary.row([L("levels", lang), L("companies", lang), L("workers", lang), L("worker_share", lang)])
    workers_total = sum(w for _, _, w in report.level_counts)
    for level_id, companies, workers in report.level_counts:
        summary.row(
            [
                summary._cell(labels.get(level_id, level_id), fill=fills.get(level_id)),
                summary._cell(companies, INT_FORMAT),
                summary._cell(workers, INT_FORMAT),
                summary._cell(workers / workers_total if workers_total else None, PERCENT_FORMAT),
            ]
        )
    summary.row([L("may_not_operate", lang), summary._cell(report.may_not_operate, INT_FORMAT)])
    summary.row([])
    summary.row([L("adoption", lang)])
    summary.row([L("bluezone", lang), summary._cell(report.adoption[0], PERCENT_FORMAT)])
    summary.row([L("health", lang), summary._cell(report.adoption[1], PERCENT_FORMAT)])
    if report.note:
        summary.row([])
        summary.row([report.note])


def _level_count(level: str) -> Callable[[AreaLine], int]:
    return lambda a: a.levels.get(level, 0)


def _criterion_points(criterion: str) -> Callable[[CompanyLine], int | None]:
    return lambda c: c.criteria.get(criterion)


def _area_columns(report: OverviewReport) -> list[Column[AreaLine]]:
    lang = report.lang
    counts: list[Column[AreaLine]] = [
        Column(L(key, lang), getter, INT_FORMAT)
        for key, getter in (
            ("expected", lambda a: a.expected),
            ("submitted", lambda a: a.submitted),
            ("on_time", lambda a: a.on_time),
        )
    ]
    levels = [Column(lv.label, _level_count(lv.id), INT_FORMAT) for lv in report.levels]
    return [
        Column(L("area", lang), lambda a: a.name),
        Column(L("kind", lang), lambda a: L(f"kind.{a.kind}", lang)),
        *counts,
        *levels,
        Column(L("workers", lang), lambda a: a.workers, INT_FORMAT),
        Column(L("bluezone", lang), lambda a: a.bluezone_share, PERCENT_FORMAT),
        Column(L("health", lang), lambda a: a.health_share, PERCENT_FORMAT),
    ]


def _company_columns(report: OverviewReport, fills: dict[str, PatternFill]) -> list[Column[CompanyLine]]:
    lang = report.lang
    labels = {lv.id: lv.label for lv in report.levels}
    yes, no = L("yes", lang), L("no", lang)

    def yes_no(value: bool | None) -> str | None:
        return None if value is None else (yes if value else no)

    def level_fill(c: CompanyLine) -> PatternFill | None:
        return fills.get(c.level or "")

    return [
        Column(L("tax_code", lang), lambda c: c.tax_code),
        Column(L("name", lang), lambda c: c.name),
        Column(L("zone", lang), lambda c: c.zone),
        Column(L("district", lang), lambda c: c.district),
        Column(L("sector", lang), lambda c: c.sector),
        Column(L("workers", lang), lambda c: c.workers, INT_FORMAT),
        Column(L("status", lang), lambda c: c.status),
        Column(L("submitted_at", lang), lambda c: c.submitted_at, DATE_FORMAT),
        Column(L("on_time_col", lang), lambda c: yes_no(c.on_time)),
        Column(L("index", lang), lambda c: c.risk_index, INDEX_FORMAT),
        Column(
            L("level", lang), lambda c: labels.get(c.level or "", ""), fill=lambda c: fills.get(c.level or "")
        ),
        Column(L("may_operate", lang), lambda c: yes_no(c.may_operate)),
        Column(L("ruleset", lang), lambda c: c.ruleset),
    ]


def _non_filer_columns(report: OverviewReport) -> list[Column[CompanyLine]]:
    lang = report.lang
    return [
        Column(L("tax_code", lang), lambda c: c.tax_code),
        Column(L("name", lang), lambda c: c.name),
        Column(L("zone", lang), lambda c: c.zone),
        Column(L("sector", lang), lambda c: c.sector),
        Column(L("workers", lang), lambda c: c.workers, INT_FORMAT),
        Column(L("contact", lang), lambda c: c.contact_name),
        Column(L("phone", lang), lambda c: c.contact_phone),
        Column(L("email", lang), lambda c: c.contact_email),
    ]


def _criteria_columns(report: OverviewReport) -> list[Column[CompanyLine]]:
    lang = report.lang
    return [
        Column(L("tax_code", lang), lambda c: c.tax_code),
        Column(L("name", lang), lambda c: c.name),
        *(Column(i, _criterion_points(i)) for i in report.criteria_ids),
    ]


def overview_workbook(report: OverviewReport, progress: Progress | None = None) -> bytes:
    """Summary, By area, Companies, Non-filers, Criteria; level cells in the level's colour."""
    lang = report.lang
    fills = {lv.id: PatternFill("solid", fgColor=lv.color.lstrip("#").upper()) for lv in report.levels}
    workbook = Workbook(write_only=True)
    filed = [c for c in report.companies if c.criteria]
    total_rows = len(report.companies) + len(report.non_filers) + len(filed)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % 2000 == 0 or done == total_rows):
            progress(done, total_rows)

    _summary_sheet(workbook, report, fills)
    _list_sheet(workbook, report, L("sheet.areas", lang), _area_columns(report), report.areas, lambda: None)
    companies = _company_columns(report, fills)
    _list_sheet(workbook, report, L("sheet.companies", lang), companies, report.companies, tick)
    _list_sheet(
        workbook, report, L("sheet.non_filers", lang), _non_filer_columns(report), report.non_filers, tick
    )
    _list_sheet(workbook, report, L("sheet.criteria", lang), _criteria_columns(report), filed, tick)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_workbook(title: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    """One plain sheet with a styled, frozen, filterable header: for lists such as the audit log."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title[:31].replace("/", "-"))
    widths = _fit(headers, rows[:500])
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows), 1) + 1}"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append(_as_cells(ws, row, dates=True))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
