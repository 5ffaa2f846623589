"""The officials' Excel workbook, written by XlsxWriter in constant-memory mode: each row goes to
disk as it is written, so 100,000 companies fit in little memory, at the speed of the fastest
Python writer (openpyxl's write-only mode, styled, measured 1.64x slower; docs/benchmarks.md).
openpyxl still reads workbooks (imports, tests). Text is always written as text: a company named
"=HYPERLINK(…)" stays a name."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from app.exports.labels import L
from app.exports.report import AreaLine, CompanyLine, OverviewReport
from app.formatting import wall_clock
from app.safe_text import without_unseen

Progress = Callable[[int, int], None]
Row = TypeVar("Row")

DATE_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT_FORMAT = "0.0%"
INDEX_FORMAT = "0.00"
INT_FORMAT = "#,##0"
HEADER_ROW = 2  # zero-based: row 1 the title, row 2 filters, author and time, row 3 the header
HEADER_STYLE = {
    "bold": True,
    "font_color": "#FFFFFF",
    "bg_color": "#1F4E79",
    "text_wrap": True,
    "valign": "vcenter",
    "bottom": 1,
    "bottom_color": "#999999",
}
MAX_TEXT = 32_767  # Excel's limit for one cell


class _Formats:
    """XlsxWriter wants one Format object per distinct look; these are made once per workbook and
    shared, keyed by (number format, fill colour)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.meta = book.add_format({"italic": True, "font_size": 9, "font_color": "#555555"})
        self.header = book.add_format(HEADER_STYLE)
        self._made: dict[tuple[str | None, str | None], Format | None] = {(None, None): None}

    def get(self, number_format: str | None = None, fill: str | None = None) -> Format | None:
        key = (number_format, fill)
        if key not in self._made:
            style: dict[str, Any] = {}
            if number_format:
                style["num_format"] = number_format
            if fill:
                style.update(bg_color=fill, pattern=1)
            self._made[key] = self.book.add_format(style)
        return self._made[key]


def _writer(ws: Worksheet, formats: _Formats) -> Callable[[int, int, Any, Format | None], None]:
    """One cell by its Python type. Strings go through write_string, never write(), which would
    turn "=…" into a formula and "http…" into a link; dates always carry a date format."""
    date_format = formats.get(DATE_FORMAT)
    write_string, write_number = ws.write_string, ws.write_number

    def write(row: int, column: int, value: Any, style: Format | None) -> None:
        kind = type(value)  # exact types first: at 100,000 rows this dispatch is the writer's cost
        if kind is str:
            clean = value.isprintable() and len(value) <= MAX_TEXT
            write_string(row, column, value if clean else _text(value), style)
        elif kind is int or kind is float:
            if kind is int or math.isfinite(value):
                write_number(row, column, value, style)
        elif value is None:
            if style is not None:
                ws.write_blank(row, column, None, style)
        elif kind is bool:
            ws.write_boolean(row, column, value, style)
        elif isinstance(value, datetime | date):
            ws.write_datetime(row, column, value, style or date_format)
        elif isinstance(value, int | float):
            write(row, column, float(value), style)
        else:
            write_string(row, column, _text(str(value)), style)

    return write


def _text(value: str) -> str:
    """Control characters (they break spreadsheets) and bidirectional overrides dropped, cut to
    what one cell holds."""
    return without_unseen(value)[:MAX_TEXT]


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


def print_ready(ws: Worksheet, last_column: int, last_row: int, header_row: int = HEADER_ROW) -> None:
    """A4 landscape, one page wide (as many pages tall as it takes), the header row repeated on
    every page, the title rows and the table as the print area, centred, with page numbers."""
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.print_area(0, 0, last_row, last_column)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer("&C&P / &N")


class _Sheet:
    """A sheet with a title block, one styled header row and typed cells, written row by row (the
    constant-memory mode allows no going back)."""

    def __init__(self, book: xlsxwriter.Workbook, formats: _Formats, report: OverviewReport, name: str):
        self.ws = book.add_worksheet(name)
        self.formats = formats
        self.report = report
        self.write = _writer(self.ws, formats)
        self.next_row = 0

    def start(self, headers: Sequence[str], widths: Sequence[float], rows: int, table: bool = True) -> None:
        """Widths, frozen header, autofilter (for a list, not the summary) and the page setup; the
        print area spans every column given a width (the summary's blocks are wider than its
        first header)."""
        for n, width in enumerate(widths):
            self.ws.set_column(n, n, width)
        self.ws.freeze_panes(HEADER_ROW + 1, 0)
        last_column, last_row = max(len(headers), len(widths)) - 1, HEADER_ROW + max(rows, 1)
        if table:
            self.ws.autofilter(HEADER_ROW, 0, last_row, last_column)
        print_ready(self.ws, last_column, last_row)
        report = self.report
        title = L("title_line", report.lang, title=report.title, period=report.period_name)
        self.write(0, 0, title, self.formats.title)
        at = wall_clock(report.generated_at, report.lang)
        meta = L("meta_line", report.lang, filters=report.filters_text, author=report.author, at=at)
        self.write(1, 0, meta, self.formats.meta)
        for n, header in enumerate(headers):
            self.write(HEADER_ROW, n, header, self.formats.header)
        self.next_row = HEADER_ROW + 1

    def row(self, values: Iterable[Any], styles: Sequence[Format | None] = ()) -> None:
        r = self.next_row
        for n, value in enumerate(values):
            self.write(r, n, value, styles[n] if n < len(styles) else None)
        self.next_row += 1

    def empty(self) -> None:
        self.row([L("no_data", self.report.lang)])


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column of a list sheet: its header, how a row gives its value, and how it is shown."""

    header: str
    value: Callable[[Row], Any]
    number_format: str | None = None
    fill: Callable[[Row], str | None] | None = None


def _list_sheet(
    sheet: _Sheet, columns: Sequence[Column[Row]], items: Sequence[Row], tick: Callable[[], None]
) -> None:
    """A list sheet streamed row by row; the value getters and the cell writer are looked up once,
    not per cell, because at 100,000 rows the loop is the cost."""
    headers = [c.header for c in columns]
    sample = ([c.value(item) for c in columns] for item in items[:500])
    sheet.start(headers, _fit(headers, sample), len(items))
    formats = sheet.formats
    getters = [c.value for c in columns]
    plain_styles = [formats.get(c.number_format) for c in columns]
    filled = [(n, c.fill, c.number_format) for n, c in enumerate(columns) if c.fill is not None]
    write = sheet.write
    row = sheet.next_row
    for item in items:
        styles = plain_styles
        if filled:
            styles = list(plain_styles)
            for n, fill, number_format in filled:
                colour = fill(item)
                if colour:
                    styles[n] = formats.get(number_format, colour)
        for n, getter in enumerate(getters):
            write(row, n, getter(item), styles[n])
        row += 1
        tick()
    sheet.next_row = row
    if not items:
        sheet.empty()


def _summary_sheet(book: xlsxwriter.Workbook, formats: _Formats, report: OverviewReport) -> None:
    lang = report.lang
    labels = {lv.id: lv.label for lv in report.levels}
    colours = {lv.id: lv.color for lv in report.levels}
    summary = _Sheet(book, formats, report, L("sheet.summary", lang))
    summary.start(
        [L("filing", lang), L("companies", lang), L("share", lang)], [46, 18, 14, 14], 25, table=False
    )
    integer, percent = formats.get(INT_FORMAT), formats.get(PERCENT_FORMAT)
    filing = report.filing
    for key, value in (
        ("expected", filing.expected),
        ("submitted", filing.submitted),
        ("on_time", filing.on_time),
        ("late", filing.late),
        ("missing", filing.missing),
    ):
        share = value / filing.expected if filing.expected else None
        summary.row([L(key, lang), value, share], [None, integer, percent])
    summary.row([])
    summary.row([L("levels", lang), L("companies", lang), L("workers", lang), L("worker_share", lang)])
    workers_total = sum(w for _, _, w in report.level_counts)
    for level_id, companies, workers in report.level_counts:
        share = workers / workers_total if workers_total else None
        fill = formats.get(None, colours.get(level_id))
        summary.row(
            [labels.get(level_id, level_id), companies, workers, share], [fill, integer, integer, percent]
        )
    summary.row([L("may_not_operate", lang), report.may_not_operate], [None, integer])
    summary.row([])
    summary.row([L("adoption", lang)])
    summary.row([L("bluezone", lang), report.adoption[0]], [None, percent])
    summary.row([L("health", lang), report.adoption[1]], [None, percent])
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


def _company_columns(report: OverviewReport) -> list[Column[CompanyLine]]:
    lang = report.lang
    labels = {lv.id: lv.label for lv in report.levels}
    colours = {lv.id: lv.color for lv in report.levels}
    yes, no = L("yes", lang), L("no", lang)

    def yes_no(value: bool | None) -> str | None:
        return None if value is None else (yes if value else no)

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
            L("level", lang),
            lambda c: labels.get(c.level or "", ""),
            fill=lambda c: colours.get(c.level or ""),
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
        *(
            [Column(L("failed_conditions", lang), lambda c: ", ".join(c.failed_conditions) or None)]
            if report.condition_ids
            else []
        ),
    ]


def _new_book(buffer: io.BytesIO) -> xlsxwriter.Workbook:
    """Constant memory (rows flushed to a temporary file as written); strings inline; no guessing of
    formulas, numbers or links from text, whichever write method is used."""
    return xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )


def overview_workbook(report: OverviewReport, progress: Progress | None = None) -> bytes:
    """Summary, By area, Companies, Non-filers, Criteria; level cells in the level's colour."""
    lang = report.lang
    buffer = io.BytesIO()
    book = _new_book(buffer)
    formats = _Formats(book)
    filed = [c for c in report.companies if c.criteria]
    total_rows = len(report.companies) + len(report.non_filers) + len(filed)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % 2000 == 0 or done == total_rows):
            progress(done, total_rows)

    def named(key: str) -> _Sheet:
        return _Sheet(book, formats, report, L(key, lang))

    _summary_sheet(book, formats, report)
    _list_sheet(named("sheet.areas"), _area_columns(report), report.areas, lambda: None)
    _list_sheet(named("sheet.companies"), _company_columns(report), report.companies, tick)
    _list_sheet(named("sheet.non_filers"), _non_filer_columns(report), report.non_filers, tick)
    _list_sheet(named("sheet.criteria"), _criteria_columns(report), filed, tick)
    book.close()
    return buffer.getvalue()


def table_workbook(title: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    """One plain sheet with a styled, frozen, filterable header, set up to print like the officials'
    workbook (A4 landscape, every column on one page wide, the header on every page): for lists such
    as the visit plan and the audit log."""
    buffer = io.BytesIO()
    book = _new_book(buffer)
    formats = _Formats(book)
    ws = book.add_worksheet(title[:31].translate(str.maketrans("/\\[]:*?", "-------")))
    for n, width in enumerate(_fit(headers, rows[:500])):
        ws.set_column(n, n, width)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    write = _writer(ws, formats)
    for n, header in enumerate(headers):
        write(0, n, header, formats.header)
    for r, row in enumerate(rows, start=1):
        for n, value in enumerate(row):
            write(r, n, value, None)
    print_ready(ws, len(headers) - 1, max(len(rows), 1), header_row=0)
    book.close()
    return buffer.getvalue()
