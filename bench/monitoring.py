"""The officials' overview at province scale (10,000 companies × 52 weekly rounds), on SQLite and on
PostgreSQL, each beside one hand-written SQL query that returns the same numbers.

The seeded databases are kept between runs (data/bench/ for SQLite, a `zonerisk_bench_*` database
on PostgreSQL), since seeding 520,000 submissions takes minutes and is not what is measured.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlalchemy as sa

from app.config import ROOT, database_override
from app.services.context import Actor
from app.services.oversight import lists, monitoring, trends
from bench.harness import Figure, best_of, paired
from db.engine import get_engine

ICT = Actor(user_id=None, username="bench", role="ict")
START = date(2021, 5, 17)

HAND_WRITTEN_OVERVIEW = """
SELECT c.zone_id, a.level,
       count(*) AS expected,
       count(a.id) AS submitted,
       coalesce(sum(CASE WHEN a.first_submitted_at <= p.due_at THEN 1 ELSE 0 END), 0) AS on_time,
       coalesce(sum(CASE WHEN a.first_submitted_at > p.due_at THEN 1 ELSE 0 END), 0) AS late,
       coalesce(sum(a.workers), 0), coalesce(sum(a.smartphone_owners), 0),
       coalesce(sum(a.bluezone_installed), 0), coalesce(sum(a.health_declared), 0),
       coalesce(sum(CASE WHEN a.may_operate = false THEN 1 ELSE 0 END), 0)
FROM periodcompany pc
JOIN period p ON p.id = pc.period_id
JOIN company c ON c.id = pc.company_id
LEFT JOIN assessment a ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND {latest}
WHERE pc.period_id = :period
GROUP BY c.zone_id, a.level
"""

HAND_WRITTEN_MAP = """
SELECT c.lat, c.lon, a.level, coalesce(a.workers, c.workers, 0), c.name, a.risk_index
FROM periodcompany pc
JOIN company c ON c.id = pc.company_id
JOIN assessment a ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND {latest}
WHERE pc.period_id = :period AND c.lat IS NOT NULL AND c.lon IS NOT NULL AND a.level IS NOT NULL
"""

HAND_WRITTEN_TREND = """
SELECT pc.period_id, a.level, count(*), count(a.id),
       coalesce(sum(CASE WHEN a.first_submitted_at <= p.due_at THEN 1 ELSE 0 END), 0)
FROM periodcompany pc
JOIN period p ON p.id = pc.period_id
LEFT JOIN assessment a ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND {latest}
GROUP BY pc.period_id, a.level
"""


@contextmanager
def _database(url: str) -> Iterator[None]:
    with database_override(url):
        yield


def _ensure_seeded(url: str, companies: int, periods: int) -> None:
    from db.migrate import upgrade
    from seed.build import build
    from seed.database import reset_database

    engine = get_engine(url)
    try:
        with engine.connect() as conn:
            have = conn.execute(sa.text("SELECT count(*) FROM company")).scalar()
            rounds = conn.execute(sa.text("SELECT count(*) FROM period")).scalar()
        if have == companies and rounds == periods:
            upgrade(url)  # a database seeded by an older version gains the newer tables
            return
    except sa.exc.SQLAlchemyError:
        pass
    print(f"  seeding {companies:,} companies × {periods} rounds into {url} …", file=sys.stderr, flush=True)
    reset_database(url)
    upgrade(url)
    with _database(url):
        summary = build(companies=companies, periods=periods, start=START)
    print(
        f"  seeded {summary.submissions:,} submissions in {summary.seconds:.0f}s", file=sys.stderr, flush=True
    )


def _postgres_url(name: str) -> str | None:
    admin = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    try:
        engine = get_engine(admin)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.SQLAlchemyError as exc:
        print(f"  PostgreSQL not reachable ({exc.__class__.__name__}); skipped", file=sys.stderr)
        return None
    return admin.rsplit("/", 1)[0] + "/" + name


def _hand_written(sql: str, url: str) -> str:
    """Written as one would for each database: SQLite matches its partial index on `= 1`."""
    return sql.format(latest="a.is_latest = 1" if url.startswith("sqlite") else "a.is_latest")


def _same_numbers(url: str, period_id: int, view: monitoring.Overview) -> None:
    with get_engine(url).connect() as conn:
        rows = conn.execute(sa.text(_hand_written(HAND_WRITTEN_OVERVIEW, url)), {"period": period_id}).all()
    expected = sum(r[2] for r in rows)
    submitted = sum(r[3] for r in rows)
    levels: dict[str, Any] = {}
    for r in rows:
        if r[1] is not None:
            levels[r[1]] = levels.get(r[1], 0) + r[3]
    assert (expected, submitted) == (view.filing.expected, view.filing.submitted), "overview differs"
    assert levels == {lv.level: lv.companies for lv in view.levels if lv.companies}, "levels differ"


def _figures(label: str, url: str, companies: int, periods: int) -> list[Figure]:
    _ensure_seeded(url, companies, periods)
    engine = get_engine(url)
    with engine.connect() as conn:
        period_id = int(
            conn.execute(sa.text("SELECT id FROM period ORDER BY opens_on DESC LIMIT 1")).scalar_one()
        )
    with _database(url):
        view = monitoring.overview(ICT, period_id)  # warm caches and check the numbers agree
        _same_numbers(url, period_id, view)

        def hand_overview() -> None:
            with engine.connect() as conn:
                conn.execute(sa.text(_hand_written(HAND_WRITTEN_OVERVIEW, url)), {"period": period_id}).all()

        def hand_trend() -> None:
            with engine.connect() as conn:
                conn.execute(sa.text(_hand_written(HAND_WRITTEN_TREND, url))).all()

        scale = f"{companies // 1000}k×{periods}"
        # each beside its hand-written query, run by run
        overview_time, overview_base = paired(5, lambda: monitoring.overview(ICT, period_id), hand_overview)
        trend_time, trend_base = paired(3, lambda: trends.trend(ICT), hand_trend)

        def hand_map() -> None:
            with engine.connect() as conn:
                conn.execute(sa.text(_hand_written(HAND_WRITTEN_MAP, url)), {"period": period_id}).all()

        map_time, map_base = paired(5, lambda: lists.map_points(ICT, period_id), hand_map)
        rows_time = best_of(3, lambda: lists.company_rows(ICT, period_id, filed=True))
        return [
            Figure(
                f"monitoring.overview[{label} {scale}]",
                overview_time,
                overview_base,
                "aim ≤1.5x, <1s",
            ),
            Figure(f"monitoring.trend[{label} {scale}]", trend_time, trend_base, f"{periods} rounds"),
            Figure(
                f"monitoring.map[{label} {scale}]",
                map_time,
                map_base,
                f"aim ≤1.5x the six-column query; the lists' query took {rows_time:.3f}s",
            ),
        ]


def run(quick: bool) -> list[Figure]:
    companies, periods = (1_000, 12) if quick else (10_000, 52)
    folder = ROOT / "data" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    figures = _figures(
        "sqlite", f"sqlite:///{folder / f'monitoring-{companies}x{periods}.db'}", companies, periods
    )
    pg = _postgres_url(f"zonerisk_bench_{companies}x{periods}")
    if pg is not None:
        figures += _figures("postgresql", pg, companies, periods)
    return figures
