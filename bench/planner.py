"""`python -m bench planner`: credibility flags and a visit plan at province scale (10,000
companies × 52 rounds), beside the overview's own queries for the same round: what an official
waits for when opening the planner, against what the dashboard already costs."""

from __future__ import annotations

import sys
import time

import sqlalchemy as sa

from app.config import ROOT
from app.services import credibility, monitoring, visits
from app.services.context import Actor
from bench.harness import Figure, best_of
from bench.monitoring import _database, _ensure_seeded, _postgres_url
from db.engine import get_engine

ICT = Actor(user_id=None, username="bench", role="ict")


def _flags_ready(url: str) -> float | None:
    """A database seeded before flags existed gets them, every round: that time is a figure too."""
    with get_engine(url).connect() as conn:
        if conn.execute(sa.text("SELECT count(*) FROM submissionflag")).scalar():
            return None
    print("  computing the flags of every round …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    with _database(url):
        credibility.recompute_all()
    return time.perf_counter() - started


def _figures(label: str, url: str, companies: int, rounds: int) -> list[Figure]:
    _ensure_seeded(url, companies, rounds)
    every_round = _flags_ready(url)
    with get_engine(url).connect() as conn:
        period = int(conn.execute(sa.text("SELECT id FROM period ORDER BY due_on DESC LIMIT 1")).scalar_one())
        submissions = int(conn.execute(sa.text("SELECT count(*) FROM assessment")).scalar_one())
    scale = f"{label} {companies // 1000}k×{rounds}"
    with _database(url):
        overview = best_of(5, lambda: monitoring.overview(ICT, period))
        flags = best_of(3, lambda: credibility.recompute_round(period))
        plan = best_of(3, lambda: visits.propose(ICT, period, 50))
        listed = best_of(3, lambda: credibility.flagged(ICT, period))
    figures = [
        Figure(
            f"planner.flags[{scale}]", flags, overview, "one round's flags recomputed; baseline: the overview"
        ),
        Figure(
            f"planner.plan[{scale}]",
            plan,
            overview,
            "50 visits ranked over the province; baseline: the overview",
        ),
        Figure(f"planner.flags+plan[{scale}]", flags + plan, overview, "aim ≤2x the overview's queries"),
        Figure(f"planner.flagged_list[{scale}]", listed, overview, "the CLI's / page's list of flagged"),
    ]
    if every_round is not None:
        figures.append(
            Figure(
                f"planner.flags_every_round[{scale}]",
                every_round,
                overview * rounds,
                f"{submissions:,} submissions once; baseline: {rounds} overviews",
            )
        )
    return figures


def run(quick: bool, companies: int | None = None, rounds: int | None = None) -> list[Figure]:
    default = (1_000, 12) if quick else (10_000, 52)
    companies, rounds = companies or default[0], rounds or default[1]
    folder = ROOT / "data" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    figures = _figures(
        "sqlite", f"sqlite:///{folder / f'monitoring-{companies}x{rounds}.db'}", companies, rounds
    )
    pg = _postgres_url(f"zonerisk_bench_{companies}x{rounds}")
    if pg is not None:
        figures += _figures("postgresql", pg, companies, rounds)
    return figures
