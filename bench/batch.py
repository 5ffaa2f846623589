"""Batch work at province scale: the impact preview an admin waits for before publishing a rule
set, and the audit that re-scores every stored submission, each beside its strong baseline: the
same rows' JSON text fetched through the raw database driver, parsed into columns by Arrow's JSON
reader and scored by the vectorised arithmetic (the floor: nothing of the service's own work but
fetching, parsing into columns and scoring). The weaker floor it replaced (a `json.loads` per row,
then `score_many` building columns from dicts) is printed beside it.

`python -m bench batch --companies 10000 --rounds 52` builds its own databases (kept in
data/bench/ and `zonerisk_bench_*` on PostgreSQL, shared with `bench monitoring`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import yaml
from sqlmodel import select

from app.assessment.loader import parse_ruleset
from app.assessment.registry import RULESET_DIR
from app.config import ROOT, database_override
from app.scoring.batch import BatchScores, json_columns, score_columns, score_many
from app.scoring.compiler import compile_ruleset
from app.scoring.engine import CompiledRuleSet
from app.services.admin import ruleset_impact, rulesets
from app.services.context import Actor, unit_of_work
from bench.harness import Figure, paired
from bench.monitoring import _ensure_seeded, _postgres_url
from db.engine import get_engine
from db.models import RuleSetVersion

ADMIN = Actor(user_id=None, username="bench", role="admin")

LATEST = """
SELECT a.company_id, CAST(a.answers AS TEXT) FROM (
  SELECT id, row_number() OVER (PARTITION BY company_id ORDER BY submitted_at DESC) AS n
  FROM assessment WHERE {latest} AND ruleset_id = 'bg-kcn-2021') ranked
JOIN assessment a ON a.id = ranked.id
WHERE ranked.n = 1
"""
ALL = "SELECT id, total, level, CAST(answers AS TEXT) FROM assessment WHERE status <> 'draft'"


def _draft() -> int:
    """An uploaded v2 of the default rule set, points of one option changed: what is previewed."""
    with unit_of_work() as session:
        found = session.exec(
            select(RuleSetVersion.id).where(
                RuleSetVersion.ruleset_id == "bg-kcn-2021", RuleSetVersion.status == "draft"
            )
        ).first()
    if found is not None:
        return found
    data = yaml.safe_load((RULESET_DIR / "bg-kcn-2021" / "v1.yaml").read_text(encoding="utf-8"))
    data["version"] = 2
    cs13 = next(c for s in data["sections"] for c in s["criteria"] if c["id"] == "CS13")
    cs13["rule"]["points"]["le_50pct_with_measures"] = 30
    uploaded = rulesets.upload(ADMIN, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return int(uploaded.id or 0)


def _raw(url: str, sql: str) -> Callable[[], list[tuple[Any, ...]]]:
    """The fastest read: the driver's own cursor, no SQLAlchemy result processing."""
    engine = get_engine(url)

    def fetch() -> list[tuple[Any, ...]]:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            connection.close()

    return fetch


def _figures(label: str, url: str, companies: int, rounds: int) -> list[Figure]:
    _ensure_seeded(url, companies, rounds)
    latest = "is_latest = 1" if url.startswith("sqlite") else "is_latest"
    scale = f"{companies // 1000}k×{rounds}" if companies >= 1000 else f"{companies}×{rounds}"
    with database_override(url):
        upload_id = _draft()
        with unit_of_work() as session:
            draft = session.get(RuleSetVersion, upload_id)
        if draft is None:
            raise LookupError(f"draft {upload_id} vanished")
        new = compile_ruleset(parse_ruleset(draft.text, "draft"))
        old = compile_ruleset(rulesets.get("bg-kcn-2021", 1))
        fetch_latest, fetch_all = _raw(url, LATEST.format(latest=latest)), _raw(url, ALL)

        def columns_of(compiled: CompiledRuleSet, texts: list[str], only_known: bool) -> BatchScores:
            columns = json_columns(compiled, texts, only_known)
            if columns is None:
                raise AssertionError("Arrow refused the stored answers")
            return score_columns(compiled, columns, lambda row: json.loads(texts[row]))

        def impact_floor() -> None:
            columns_of(new, [a for _, a in fetch_latest()], True)

        def compared(scores: BatchScores, rows: list[tuple[Any, ...]]) -> list[int]:
            """The same output as the audit: ids whose stored total or level differs."""
            position = {level_id: i for i, level_id in enumerate(scores.level_ids)}
            total = np.array([r[1] for r in rows], dtype=np.int64)
            level = np.array([position[r[2]] for r in rows], dtype=np.int64)
            wrong = ~scores.valid | (scores.total != total) | (scores.level != level)
            return [rows[i][0] for i in np.flatnonzero(wrong)]

        def rescore_floor() -> None:
            rows = fetch_all()
            compared(columns_of(old, [r[3] for r in rows], False), rows)

        def rescore_weak() -> None:
            rows = fetch_all()
            compared(score_many(old, [json.loads(r[3]) for r in rows]), rows)

        checked = ruleset_impact.rescore_check(ADMIN)
        if checked.differing:
            raise AssertionError(f"{len(checked.differing)} stored levels differ from the rules")
        impact_time, impact_base = paired(3, lambda: ruleset_impact.impact(ADMIN, upload_id), impact_floor)
        rescore_time, rescore_base = paired(2, lambda: ruleset_impact.rescore_check(ADMIN), rescore_floor)
        weak_time, weak_base = paired(2, rescore_weak, rescore_floor)
    return [
        Figure(
            f"batch.impact[{label} {scale}]",
            impact_time,
            impact_base,
            "aim ≤1.5x, <1.5s; raw fetch+Arrow columns+vectorised",
        ),
        Figure(
            f"batch.rescore[{label} {scale}]",
            rescore_time,
            rescore_base,
            f"{checked.submissions:,} submissions; aim ≤1.5x raw fetch+Arrow columns+vectorised",
        ),
        Figure(
            f"batch.rescore_weak_floor[{label} {scale}]",
            weak_time,
            weak_base,
            "the old floor (json.loads per row + score_many from dicts) against the strong one",
        ),
    ]


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
