"""Rule sets of the second kind at a province's scale: bg-kcn-dk-2021 (points, questions asked by the
area's epidemic level, conditions that must hold) scored by the batch scorer from stored JSON text,
against the strongest baseline a good engineer would write for the same rows: the points part by the
vectorised floor (Arrow columns + the numpy arithmetic, as `bench batch` times it) plus the four
conditions and the level's questions written by hand in numpy for this one set. Equal outputs are
checked before timing. A third figure is the per-row reference scorer on a sample, to show why the
batch scorer must judge conditional rows itself.

`python -m bench kinds` (10k companies × 52 rounds of answers, generated in memory);
`--quick` 1k × 12."""

from __future__ import annotations

import json
import random

import numpy as np
import pyarrow as pa
import pyarrow.json as pa_json

from app.assessment import registry
from app.assessment.applicability import Applicability
from app.scoring import score
from app.scoring.batch import json_columns, score_columns, score_json
from app.scoring.compiler import compile_ruleset
from bench.harness import Figure, paired
from bench.scoring import generate

LEVELS = ["1", "1", "1", "2", "3", "4"]  # most areas at level 1, as in the province


def answer_texts(count: int, seed: int = 2028) -> list[str]:
    """Stored answers as the app keeps them: hidden questions absent, the level always present."""
    rng = random.Random(seed)
    hidden_of = Applicability(registry.get("bg-kcn-dk-2021").ruleset).hidden
    texts = []
    for answers in generate(count, seed):
        answers["epidemic_level"] = rng.choice(LEVELS)
        answers["sector"] = rng.choice(["garments", "footwear", "electronics", "other"])
        answers["lockdown_plan"] = rng.choices(["approved", "written", "none"], [0.7, 0.2, 0.1])[0]
        answers["risk_controlled_pct"] = 100 if rng.random() < 0.8 else round(rng.uniform(80, 99.9), 1)
        answers["screening_interval_days"] = rng.randint(5, 7) if rng.random() < 0.75 else rng.randint(8, 14)
        answers["screening_coverage_pct"] = (
            rng.randint(20, 100) if rng.random() < 0.85 else rng.randint(5, 19)
        )
        hidden = hidden_of(answers)
        texts.append(json.dumps({k: v for k, v in answers.items() if k not in hidden}))
    return texts


def condition_columns(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The level and the screening interval as arrays (read once, outside the baseline's clock)."""
    schema = pa.schema([("epidemic_level", pa.string()), ("screening_interval_days", pa.float64())])
    table = pa_json.read_json(
        pa.py_buffer("\n".join(texts).encode()),
        parse_options=pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"),
    )
    level = np.asarray(table.column("epidemic_level").to_numpy(zero_copy_only=False))
    days = np.nan_to_num(table.column("screening_interval_days").to_numpy(zero_copy_only=False), nan=0)
    return level, days


def _by_hand(texts: list[str], level: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The baseline: bg-kcn-2021's points by the vectorised floor, then this set's conditions in
    numpy: screening (level 3–4) every ≤ 7 days stops work when failed; the rest only date a fix.
    The two condition columns come already read: a lower bound on what a hand-written scorer pays."""
    points = compile_ruleset(registry.get("bg-kcn-2021"))
    columns = json_columns(points, texts, only_known=True)
    if columns is None:
        raise AssertionError("Arrow refused the answers")
    scores = score_columns(points, columns, lambda row: json.loads(texts[row]))
    asked = (level == "3") | (level == "4")
    may_operate = scores.may_operate & ~(asked & (days > 7))
    return scores.total, may_operate


def run(quick: bool, companies: int | None = None, rounds: int | None = None) -> list[Figure]:
    companies, rounds = companies or (1_000 if quick else 10_000), rounds or (12 if quick else 52)
    count = companies * rounds
    texts = answer_texts(count)
    compiled = compile_ruleset(registry.get("bg-kcn-dk-2021"))
    product = score_json(compiled, texts)
    level, days = condition_columns(texts)
    total, may_operate = _by_hand(texts, level, days)
    if not product.valid.all() or not (product.total == total).all():
        raise AssertionError("the batch scorer and the baseline disagree on the points")
    if not (product.may_operate == may_operate).all():
        raise AssertionError("the batch scorer and the baseline disagree on who may operate")
    took, base = paired(3, lambda: score_json(compiled, texts), lambda: _by_hand(texts, level, days))
    sample = [json.loads(t) for t in texts[: min(count, 20_000)]]
    one_by_one, batch = paired(
        2, lambda: [score(compiled, a) for a in sample], lambda: score_json(compiled, texts[: len(sample)])
    )
    scale = f"{companies // 1000}k×{rounds}" if companies >= 1000 else f"{companies}×{rounds}"
    hidden = sum('"screening_interval_days"' not in t for t in texts)
    return [
        Figure(
            f"kinds.conditions_batch[{scale}]",
            took,
            base,
            f"{count:,} answer sets ({hidden:,} not asked about screening); aim ≤2x "
            "points floor + conditions by hand in numpy (their columns pre-read)",
        ),
        Figure(
            f"kinds.reference_per_row[{len(sample):,}]",
            one_by_one,
            batch,
            "score() row by row against the batch scorer on the same rows",
        ),
    ]
