"""100,000 company rows to Excel: the styled, streamed workbook of app.exports beside openpyxl's
write-only mode writing the same cells with no styling. Time, and peak Python memory (tracemalloc,
measured in a separate run so that tracing does not slow the timed one)."""

from __future__ import annotations

import io
import random
import resource
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta

from openpyxl import Workbook

from app.assessment import registry
from app.config import ROOT
from app.exports.report import AreaLine, CompanyLine, Filing, LevelInfo, OverviewReport
from app.exports.xlsx import overview_workbook
from bench.harness import Figure, best_of


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


def _peak_mb(work: Callable[[], object]) -> float:
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def _chairman(quick: bool) -> list[Figure]:
    """The chairman's PDF at province scale beside the queries it needs (its report's reads): what
    the rendering, the register number and the log add."""
    from app.services import chairman_reports
    from app.services.context import Actor
    from bench.monitoring import _database, _ensure_seeded

    companies, periods = (1_000, 12) if quick else (10_000, 52)
    folder = ROOT / "data" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / f'monitoring-{companies}x{periods}.db'}"
    _ensure_seeded(url, companies, periods)
    ict = Actor(user_id=None, username="bench", role="ict")
    with _database(url):
        reads = best_of(3, lambda: chairman_reports.chairman_report(ict, None))
        export = best_of(3, lambda: chairman_reports.export_chairman_pdf(ict, None))
    return [
        Figure(
            f"exports.chairman_pdf[sqlite {companies // 1000}k×{periods}]",
            export,
            reads,
            "baseline: the report's own queries; aim <5 s",
        )
    ]


def run(quick: bool) -> list[Figure]:
    return _workbook(quick) + _chairman(quick)


def _workbook(quick: bool) -> list[Figure]:
    rows = 10_000 if quick else 100_000
    report = _report(rows)
    styled = best_of(1 if not quick else 3, lambda: overview_workbook(report))
    plain = best_of(1 if not quick else 3, lambda: _plain(report))
    styled_mb, plain_mb = _peak_mb(lambda: overview_workbook(report)), _peak_mb(lambda: _plain(report))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    return [
        Figure(
            f"exports.xlsx[{rows:,} companies]",
            styled,
            plain,
            f"peak +{styled_mb:.0f} MB vs +{plain_mb:.0f} MB over the report; "
            f"process max RSS {rss_mb:.0f} MB; aim ≤2x, <500 MB",
        )
    ]
