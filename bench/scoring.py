"""Scoring throughput: 100,000 generated answer sets through `score`, against a plain loop that
sums precomputed option points, and against the vectorised batch scorer (the strongest baseline:
what whole populations use, exact and held equal to `score` by tests/scoring/test_batch.py)."""

from __future__ import annotations

import random
from typing import Any

from app.assessment import registry
from app.scoring import score
from app.scoring.batch import score_many
from app.scoring.compiler import compile_ruleset
from bench.harness import Figure, paired


def generate(count: int, seed: int = 2021) -> list[dict[str, Any]]:
    """Deterministic, valid bg-kcn-2021 answer sets with realistic spreads."""
    rs = registry.get("bg-kcn-2021").ruleset
    rng = random.Random(seed)
    choices = {i.id: i.option_ids() for i in rs.inputs if i.kind == "choice"}
    sets = []
    for _ in range(count):
        workers = rng.randint(30, 12_000)
        phones = rng.randint(0, workers)
        answers: dict[str, Any] = {
            "workers": workers,
            "workshop_area_m2": round(workers * rng.uniform(0.6, 12), 1),
            "workers_from_outbreak_areas": rng.randint(0, workers // 3),
            "smartphone_owners": phones,
            "bluezone_installed": rng.randint(0, phones),
            "health_declared": rng.randint(0, workers),
            "mask_rate_pct": rng.choice([100, 95, 80, 60, 40]),
            "handwash_rate_pct": round(rng.uniform(0, 100), 1),
        }
        for input_id, options in choices.items():
            answers[input_id] = rng.choice(options)
        sets.append(answers)
    return sets


def run(quick: bool) -> list[Figure]:
    count = 10_000 if quick else 100_000
    loaded = registry.get("bg-kcn-2021")
    compiled = compile_ruleset(loaded)
    answer_sets = generate(count)

    # baseline input: every criterion's points already looked up as an option key
    keys = []
    tables: list[dict[tuple[str, int], int]] = [{} for _ in compiled.criteria]
    for answers in answer_sets:
        row = []
        for position, program in enumerate(compiled.criteria):
            points = sum(leaf.evaluate(answers, _exact(answers))[0] for leaf in program.leaves)
            key = (program.id, points)
            tables[position][key] = points
            row.append(key)
        keys.append(row)
    level_edges = (45, 90, 150, 240)

    def baseline() -> None:
        for row in keys:
            total = 0
            for table, key in zip(tables, row, strict=True):
                total += table[key]
            level = 0
            for edge in level_edges:
                if total > edge:
                    level += 1

    def scorer() -> None:
        for answers in answer_sets:
            result = score(compiled, answers)
            result.level_id  # noqa: B018 - the level is what callers read

    took, base = paired(5, scorer, baseline)
    one_by_one, vectorised = paired(3, scorer, lambda: score_many(compiled, answer_sets))
    return [
        Figure(
            f"scoring.score[{count:,} answer sets]",
            took,
            base,
            f"{count / took:,.0f} sets/s; aim ≤5x",
        ),
        Figure(
            f"scoring.score[{count:,}] vs vectorised",
            one_by_one,
            vectorised,
            "baseline: app.scoring.batch.score_many on the same dicts, columns built included",
        ),
    ]


def _exact(answers: dict[str, Any]) -> dict[str, tuple[int, int]]:
    from app.assessment.schema import exact

    out = {}
    for key, value in answers.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            f = exact(value)
            out[key] = (f.numerator, f.denominator)
    return out
