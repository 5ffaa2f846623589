"""100,000 company rows to Excel: the styled workbook of app.exports (XlsxWriter, constant memory)
beside the strongest baseline, bare XlsxWriter calls writing the same sheets and formats with
nothing in between, and beside openpyxl's write-only mode writing the same cells unstyled (the
writer it replaced). Time, and peak Python memory (tracemalloc,
measured in a separate run so that tracing does not slow the timed one)."""

from __future__ import annotations

import io
import random
import resource
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from openpyxl import Workbook

from app.assessment import registry
from app.config import ROOT
from app.exports.report import AreaLine, CompanyLine, Filing, LevelInfo, OverviewReport
from app.exports.xlsx import overview_workbook
from bench.harness import Figure, paired


def _report(rows: int) -> OverviewReport:
    rng = random.Random(7)
    ruleset = registry.get("bg-kcn-2021").ruleset
    level_ids = [lv.id for lv in ruleset.levels]
    criteria_ids = [c.id for c in ruleset.criteria()]
    start = datetime(2021, 6, 7, 8)
    companies = []
    for n in range(rows):
        filed = rng.random() < 0.8
        companies.append(
            CompanyLine(
                tax_code=f"24{n:08d}",
                name=f"Công ty TNHH Điện tử Hồng Phát {n}",
                zone="KCN Quang Châu",
                district="Việt Yên",
                sector="Linh kiện điện tử",
                workers=rng.randint(30, 12_000),
                status="Đã duyệt" if filed else "Chưa nộp",
                submitted_at=start + timedelta(minutes=n) if filed else None,
                on_time=rng.random() < 0.8 if filed else None,
                risk_index=round(rng.uniform(5, 90), 2) if filed else None,
                level=rng.choice(level_ids) if filed else None,
                may_operate=rng.random() < 0.95 if filed else None,
                ruleset="bg-kcn-2021 v1" if filed else "",
                contact_name="Nguyễn Thị Hương",
                contact_phone="0912 345 678",
                contact_email=f"hr{n}@dn.vn",
                criteria={c: rng.randint(0, 10) for c in criteria_ids} if filed else {},
            )
        )
    return OverviewReport(
        lang="vi",
        title="Tổng hợp",
        period_name="Tuần 23/2021",
        due_on=start.date(),
        filters_text="không lọc",
        author="bench",
        generated_at=start,
        levels=[LevelInfo(lv.id, lv.label.vi, lv.color) for lv in ruleset.levels],
        filing=Filing(rows, int(rows * 0.8), int(rows * 0.64), int(rows * 0.16)),
        level_counts=[(lv, rows // 6, rows * 100) for lv in level_ids],
        may_not_operate=12,
        adoption=(0.9, 0.95),
        areas=[
            AreaLine(
                "KCN Quang Châu",
                "industrial_zone",
                rows,
                int(rows * 0.8),
                int(rows * 0.64),
                {},
                rows * 500,
                0.9,
                0.95,
            )
        ],
        companies=companies,
        non_filers=[c for c in companies if c.level is None],
        criteria_ids=criteria_ids,
    )


def _plain(report: OverviewReport) -> bytes:
    """The same cells, no styles, no widths, no filters: openpyxl's write-only floor."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Companies")
    for c in report.companies:
        sheet.append(
            [
                c.tax_code,
                c.name,
                c.zone,
                c.district,
                c.sector,
                c.workers,
                c.status,
                c.submitted_at,
                c.on_time,
                c.risk_index,
                c.level,
                c.may_operate,
                c.ruleset,
            ]
        )
    missing = workbook.create_sheet("Non-filers")
    for c in report.non_filers:
        missing.append(
            [
                c.tax_code,
                c.name,
                c.zone,
                c.sector,
                c.workers,
                c.contact_name,
                c.contact_phone,
                c.contact_email,
            ]
        )
    criteria = workbook.create_sheet("Criteria")
    for c in report.companies:
        if c.criteria:
            criteria.append([c.tax_code, c.name, *(c.criteria.get(i) for i in report.criteria_ids)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsxwriter(report: OverviewReport) -> bytes:
    """The same three sheets with the same formats (header fill, dates, integers, index, level
    fills, widths, frozen header, filter) written by XlsxWriter in constant-memory mode."""
    import xlsxwriter

    buffer = io.BytesIO()
    # the product's own options: constant memory (in_memory would turn it off), strings as given
    book = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    header = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79"})
    date = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    integer = book.add_format({"num_format": "#,##0"})
    decimal = book.add_format({"num_format": "0.00"})
    fills = {lv.id: book.add_format({"bg_color": lv.color}) for lv in report.levels}
    labels = {lv.id: lv.label for lv in report.levels}

    def sheet(name: str, headers: list[str], widths: list[int]) -> Any:
        ws = book.add_worksheet(name)
        for n, (title, width) in enumerate(zip(headers, widths, strict=True)):
            ws.set_column(n, n, width)
            ws.write(0, n, title, header)
        ws.freeze_panes(1, 0)
        return ws

    companies = sheet(
        "Companies", [f"c{n}" for n in range(13)], [14, 40, 22, 14, 20, 10, 12, 17, 8, 9, 16, 8, 16]
    )
    for r, c in enumerate(report.companies, start=1):
        companies.write_string(r, 0, c.tax_code)
        companies.write_string(r, 1, c.name)
        companies.write_string(r, 2, c.zone)
        companies.write_string(r, 3, c.district)
        companies.write_string(r, 4, c.sector)
        companies.write_number(r, 5, c.workers or 0, integer)
        companies.write_string(r, 6, c.status)
        if c.submitted_at is not None:
            companies.write_datetime(r, 7, c.submitted_at, date)
        companies.write_string(r, 8, "" if c.on_time is None else ("Có" if c.on_time else "Không"))
        if c.risk_index is not None:
            companies.write_number(r, 9, c.risk_index, decimal)
        companies.write_string(r, 10, labels.get(c.level or "", ""), fills.get(c.level or ""))
        companies.write_string(r, 11, "" if c.may_operate is None else ("Có" if c.may_operate else "Không"))
        companies.write_string(r, 12, c.ruleset)
    companies.autofilter(0, 0, len(report.companies), 12)
    missing = sheet("Non-filers", [f"n{n}" for n in range(8)], [14, 40, 22, 20, 10, 20, 14, 24])
    for r, c in enumerate(report.non_filers, start=1):
        for n, value in enumerate((c.tax_code, c.name, c.zone, c.sector)):
            missing.write_string(r, n, value)
        missing.write_number(r, 4, c.workers or 0, integer)
        for n, value in enumerate((c.contact_name, c.contact_phone, c.contact_email), start=5):
            missing.write_string(r, n, value)
    criteria = sheet(
        "Criteria", ["tax", "name", *report.criteria_ids], [14, 40, *([6] * len(report.criteria_ids))]
    )
    r = 0
    for c in report.companies:
        if c.criteria:
            r += 1
            criteria.write_string(r, 0, c.tax_code)
            criteria.write_string(r, 1, c.name)
            for n, i in enumerate(report.criteria_ids, start=2):
                criteria.write_number(r, n, c.criteria.get(i) or 0)
    book.close()
    return buffer.getvalue()


def _peak_mb(work: Callable[[], object]) -> float:
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def _chairman(quick: bool, companies: int | None = None, rounds: int | None = None) -> list[Figure]:
    """The chairman's PDF at province scale beside the queries it needs (its report's reads): what
    the rendering, the register number and the log add."""
    from app.services.context import Actor
    from app.services.documents import chairman_reports
    from bench.monitoring import _database, _ensure_seeded, _postgres_url

    default = (1_000, 12) if quick else (10_000, 52)
    companies, periods = companies or default[0], rounds or default[1]
    folder = ROOT / "data" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    databases = [("sqlite", f"sqlite:///{folder / f'monitoring-{companies}x{periods}.db'}")]
    postgres = _postgres_url(f"zonerisk_bench_{companies}x{periods}")
    if postgres:
        databases.append(("postgresql", postgres))
    ict = Actor(user_id=None, username="bench", role="ict")
    figures = []
    for label, url in databases:
        _ensure_seeded(url, companies, periods)
        with _database(url):
            export, reads = paired(
                3,
                lambda: chairman_reports.export_chairman_pdf(ict, None),
                lambda: chairman_reports.chairman_report(ict, None),
            )
        figures.append(
            Figure(
                f"exports.chairman_pdf[{label} {companies // 1000}k×{periods}]",
                export,
                reads,
                "baseline: the report's own queries; aim ≤1.5x and <5 s",
            )
        )
    return figures


def run(quick: bool, companies: int | None = None, rounds: int | None = None) -> list[Figure]:
    """`--companies/--rounds` set the chairman's report's province (e.g. 50000 52)."""
    return _workbook(quick) + _chairman(quick, companies, rounds)


def _workbook(quick: bool) -> list[Figure]:
    rows = 10_000 if quick else 100_000
    report = _report(rows)
    runs = 1 if not quick else 3
    # run by run, product and baseline in turn: a burst of load elsewhere falls on both
    styled, fastest = paired(runs, lambda: overview_workbook(report), lambda: _xlsxwriter(report))
    styled_again, plain = paired(runs, lambda: overview_workbook(report), lambda: _plain(report))
    styled = min(styled, styled_again)
    styled_mb, plain_mb = _peak_mb(lambda: overview_workbook(report)), _peak_mb(lambda: _plain(report))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    return [
        Figure(
            f"exports.xlsx[{rows:,}] vs XlsxWriter",
            styled,
            fastest,
            "baseline: bare XlsxWriter calls, constant memory, the same sheets and formats; aim ≤1.3x",
        ),
        Figure(
            f"exports.xlsx[{rows:,}] vs openpyxl unstyled",
            styled,
            plain,
            f"peak +{styled_mb:.0f} MB vs +{plain_mb:.0f} MB over the report; "
            f"process max RSS {rss_mb:.0f} MB; aim <500 MB",
        ),
    ]
