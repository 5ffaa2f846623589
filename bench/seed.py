"""The demo seed at scale: time per submission and the process's peak memory, in a fresh process
on a fresh SQLite file and a fresh PostgreSQL database. Baseline: the database copying the same
submission rows with one `INSERT … SELECT` (its own floor for writing them, with no Python in
between)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import sqlalchemy as sa

from app.config import ROOT
from bench.harness import Figure, best_of
from bench.monitoring import _postgres_url
from db.engine import get_engine

CHILD = """
import resource, sys
from datetime import date
from app.config import database_override
from db.migrate import upgrade
from seed.build import build
url = sys.argv[1]
upgrade(url)
with database_override(url):
    summary = build(companies=int(sys.argv[2]), periods=int(sys.argv[3]), start=date(2021, 5, 17))
print(summary.submissions, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run(quick: bool, companies: int | None = None, rounds: int | None = None) -> list[Figure]:
    default = (1_000, 12) if quick else (10_000, 52)
    companies, rounds = companies or default[0], rounds or default[1]
    folder = ROOT / "data" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"seed-{companies}x{rounds}.db"
    path.unlink(missing_ok=True)
    figures = [_seeded("sqlite", f"sqlite:///{path}", companies, rounds)]
    name = f"zonerisk_seed_{companies}x{rounds}"
    admin = _postgres_url("test")
    if admin is not None:
        with get_engine(admin).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        figures.append(_seeded("postgresql", admin.rsplit("/", 1)[0] + "/" + name, companies, rounds))
    return figures


def _seeded(label: str, url: str, companies: int, rounds: int) -> Figure:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(companies), str(rounds)],
        cwd=ROOT,
        env={**os.environ, "ZONERISK_ENV": "test"},
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    submissions, peak_kb = (int(x) for x in done.stdout.split()[-2:])
    engine = get_engine(url)

    def copy() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS assessment_copy")
            conn.exec_driver_sql("CREATE TABLE assessment_copy AS SELECT * FROM assessment WHERE 1 = 0")
            conn.exec_driver_sql("INSERT INTO assessment_copy SELECT * FROM assessment")

    floor = best_of(2, copy)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS assessment_copy"))
    scale = f"{companies // 1000}k×{rounds}" if companies >= 1000 else f"{companies}×{rounds}"
    per = seconds / max(submissions, 1) * 1e6
    return Figure(
        f"seed[{label} {scale}]",
        seconds,
        floor,
        f"{submissions:,} submissions, {per:.0f} µs each, peak RSS {peak_kb / 1024:.0f} MB; "
        "baseline INSERT…SELECT of the same rows",
    )
