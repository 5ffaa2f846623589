"""`python -m bench planner`: credibility flags and a visit plan at province scale (10,000
companies × 52 rounds), beside the overview's own queries for the same round: what an official
waits for when opening the planner, against what the dashboard already costs."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import sqlalchemy as sa

from app.config import ROOT
from app.services.context import Actor
from app.services.filing import credibility
from app.services.onsite import visits
from app.services.oversight import monitoring
from bench.harness import Figure, best_of, paired
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


RAW = {
    "scope": "SELECT id, workers FROM company WHERE active",
    "levels": "SELECT company_id, level FROM assessment WHERE period_id IN ({now}, {before}) AND {latest}"
    " ORDER BY period_id = {now}",
    "flags": "SELECT f.company_id, f.severity FROM submissionflag f"
    " JOIN assessment a ON a.id = f.assessment_id WHERE f.period_id = {now} AND {latest_a}",
    "visits": "SELECT company_id, max(visited_on) FROM inspection WHERE status = 'done' GROUP BY company_id",
    "missed": "SELECT pc.company_id, count(*) FROM periodcompany pc WHERE pc.period_id IN ({past})"
    " AND NOT EXISTS (SELECT 1 FROM assessment a WHERE a.company_id = pc.company_id"
    " AND a.period_id = pc.period_id AND {latest_a}) GROUP BY pc.company_id",
}


def _raw_plan(url: str, visits: int = 50) -> Callable[[], list[int]]:
    """The strongest baseline: the planner's five inputs by hand through the raw driver, ranked by
    the same vectorised terms; what the service adds is SQLAlchemy, scope and the rows it shows."""
    from datetime import date

    import numpy as np

    from app.inspection.priority import Columns, order_of, shipped_weights, terms_array

    engine = get_engine(url)
    sqlite = url.startswith("sqlite")
    with engine.connect() as conn:
        ids = [
            r[0] for r in conn.execute(sa.text("SELECT id FROM period ORDER BY due_on DESC LIMIT 4")).all()
        ]
    latest = "is_latest = 1" if sqlite else "is_latest"
    values = {
        "now": ids[0],
        "before": ids[1],
        "past": ",".join(map(str, ids)),
        "latest": latest,
        "latest_a": f"a.{latest}",
    }
    sql = {k: v.format(**values) for k, v in RAW.items()}
    weights = shipped_weights()
    bands = {lv: n for n, lv in enumerate(("very_low", "low", "medium", "high", "very_high"))}
    today = date.today()

    def plan() -> list[int]:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            got = {}
            for name, text in sql.items():
                cursor.execute(text)
                got[name] = cursor.fetchall()
        finally:
            raw.close()
        level = {c: bands.get(lv, -1) for c, lv in got["levels"]}
        doubt: dict[int, float] = {}
        for c, severity in got["flags"]:
            doubt[c] = doubt.get(c, 0.0) + weights.doubt_by_severity.get(severity, 0.0)
        seen = {c: v for c, v in got["visits"]}
        missed = dict(got["missed"])
        ids_ = np.array([c for c, _ in got["scope"]], dtype=np.int64)
        position = np.array([level.get(c, -1) for c, _ in got["scope"]], dtype=float)
        visited = [seen.get(c) for c, _ in got["scope"]]
        cols = Columns(
            ids_,
            np.where(position < 0, np.nan, position),
            np.where(position < 0, 0, 5).astype(float),
            np.array([max(w or 0, 0) for _, w in got["scope"]], dtype=float),
            np.array([doubt.get(c, 0.0) for c, _ in got["scope"]]),
            np.array(
                [np.nan if v is None else (today - date.fromisoformat(str(v)[:10])).days / 7 for v in visited]
            ),
            np.array([missed.get(c, 0) for c, _ in got["scope"]], dtype=float),
        )
        return [int(i) for i in ids_[order_of(cols, terms_array(cols, weights))[:visits]]]

    return plan


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
        plan, floor = paired(3, lambda: visits.propose(ICT, period, 50), _raw_plan(url))
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
        Figure(
            f"planner.plan vs raw[{scale}]",
            plan,
            floor,
            "baseline: the five inputs by hand through the raw driver, ranked by the same numpy terms",
        ),
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
