"""Which of a round's submissions could raise a flag at all, worked out over the whole round in
columns. A recomputation then builds the full facts and runs the checks (app.credibility.checks,
the reference) only for those rows: most submissions raise nothing, and building their facts and
judging them one by one was most of a seed's or a re-run's time.

Each gate is a necessary condition of its check, never a narrower one: a row it lets through may
still raise nothing, a row it stops could not have raised that flag (tests hold every check to its
gate). Where a column cannot be judged exactly (a number float64 cannot hold, a check this module
does not know) the row is let through."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from app.credibility.checks import fell, figure, last_minute, unchanged
from app.credibility.rules import FlagRule, FlagRules

Mask = npt.NDArray[np.bool_]
EXACT = 2**53  # integers up to this are held exactly by float64; beyond, the row is let through


@dataclass(frozen=True)
class Column:
    """One input's answers as float64 (NaN where the answer is no number), and where a row's
    answer is a number the gates cannot compare exactly."""

    values: npt.NDArray[np.float64]
    wild: Mask


@dataclass
class RoundRows:
    """A round's counting submissions (or a chunk of them), one entry per row."""

    answers: Sequence[Mapping[str, Any] | None]
    digests: Sequence[str | None]
    earlier_digests: Sequence[Sequence[str | None]]  # the rounds before, newest first; None: not filed
    levels: Sequence[str | None]
    level_ids: Sequence[tuple[str, ...]]  # the bands of the rule set that scored the row
    previous_levels: Sequence[str | None]  # the round before's level; None: not filed
    previous_level_ids: Sequence[tuple[str, ...] | None]  # the bands it was scored in
    registry_workers: Sequence[int | None]
    submitted_at: Sequence[datetime | None]
    reminded_at: Sequence[datetime | None]  # aware, like due_at
    has_platform: Sequence[bool]
    due_at: datetime | None
    _columns: dict[str, Column] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.answers)

    def column(self, name: Any) -> Column:
        if not isinstance(name, str):  # a parameter that names no input: nothing to compare
            return Column(np.full(len(self), math.nan), np.zeros(len(self), dtype=bool))
        if name not in self._columns:
            self._columns[name] = _column([a.get(name) if a is not None else None for a in self.answers])
        return self._columns[name]


def _column(values: list[Any]) -> Column:
    figures = [figure(v) for v in values]
    numbers = np.fromiter(
        (
            math.nan if f is None or (isinstance(f, int) and not -EXACT <= f <= EXACT) else float(f)
            for f in figures
        ),
        dtype=np.float64,
        count=len(values),
    )
    # a figure the checks compare that float64 cannot hold exactly: an integer beyond 2**53
    counted = np.fromiter((f is not None for f in figures), dtype=bool, count=len(values))
    return Column(numbers, counted & np.isnan(numbers))


def _positive(values: npt.NDArray[np.float64]) -> Mask:
    """Truthy, as `not workers` reads it: a number other than zero (NaN is no answer here)."""
    known: Mask = ~np.isnan(values) & (values != 0)
    return known


def _counts_order(rows: RoundRows, p: Mapping[str, Any]) -> Mask:
    out = np.zeros(len(rows), dtype=bool)
    for small, large in (
        ("bluezone", "smartphones"),
        ("smartphones", "workers"),
        ("bluezone", "workers"),
        ("declared", "workers"),
    ):
        a, b = rows.column(p[small]), rows.column(p[large])
        out |= (a.values > b.values) | a.wild | b.wild
    return out


def _headcount_gap(rows: RoundRows, p: Mapping[str, Any]) -> Mask:
    answered = rows.column(p["input"])
    registry = _column(list(rows.registry_workers))
    low = np.minimum(answered.values, registry.values)
    high = np.maximum(answered.values, registry.values)
    with np.errstate(all="ignore"):
        far: Mask = (high - low >= float(p["min_difference"])) & (
            (low == 0) | (high / low > float(p["max_ratio"]))
        )
    return (far & _positive(registry.values)) | answered.wild | registry.wild


def _frozen_answers(rows: RoundRows, p: Mapping[str, Any]) -> Mask:
    """The check's own condition on the fingerprints (the area's share is left to the check)."""
    rounds = int(p["rounds"])
    return np.fromiter(
        (
            unchanged(mine, earlier, rounds)
            for mine, earlier in zip(rows.digests, rows.earlier_digests, strict=True)
        ),
        dtype=bool,
        count=len(rows),
    )


def _level_drop(rows: RoundRows, p: Mapping[str, Any]) -> Mask:
    """The check's candidates: a fall of `bands` within one rule set's bands."""
    bands = int(p["bands"])
    return np.fromiter(
        map(
            lambda now, then, ids, then_ids: fell(now, then, ids, then_ids, bands),
            rows.levels,
            rows.previous_levels,
            rows.level_ids,
            rows.previous_level_ids,
        ),
        dtype=bool,
        count=len(rows),
    )


def _last_minute_perfect(rows: RoundRows, p: Mapping[str, Any]) -> Mask:
    """Filed within the hours before the deadline, after a reminder (the measures' points are left
    to the check)."""
    due, within = rows.due_at, p["hours_before_due"]
    return np.fromiter(
        (
            last_minute(at, due, reminded, within) is not None
            for at, reminded in zip(rows.submitted_at, rows.reminded_at, strict=True)
        ),
        dtype=bool,
        count=len(rows),
    )


def _area_per_worker(rows: RoundRows, p: Mapping[str, Any]) -> Mask:
    area, workers = rows.column(p["area"]), rows.column(p["workers"])
    with np.errstate(all="ignore"):
        per_worker = area.values / workers.values
        inside: Mask = (float(p["min_m2"]) <= per_worker) & (per_worker <= float(p["max_m2"]))
    known = ~np.isnan(area.values) & _positive(workers.values)
    return (known & ~inside) | area.wild | workers.wild


def _full_adoption(rows: RoundRows, p: Mapping[str, Any]) -> Mask:
    workers, phones = rows.column(p["workers"]), rows.column(p["smartphones"])
    bluezone, declared = rows.column(p["bluezone"]), rows.column(p["declared"])
    large: Mask = workers.values >= float(p["min_workers"])
    full: Mask = ((bluezone.values == phones.values) & _positive(phones.values)) | (
        declared.values == workers.values
    )
    return (large & full) | workers.wild | phones.wild | bluezone.wild | declared.wild


def _platform_gap(rows: RoundRows, p: Mapping[str, Any]) -> Mask:
    return np.fromiter(rows.has_platform, dtype=bool, count=len(rows))


GATES: dict[str, Callable[[RoundRows, Mapping[str, Any]], Mask]] = {
    "counts_order": _counts_order,
    "headcount_gap": _headcount_gap,
    "frozen_answers": _frozen_answers,
    "level_drop": _level_drop,
    "last_minute_perfect": _last_minute_perfect,
    "area_per_worker": _area_per_worker,
    "full_adoption": _full_adoption,
    "platform_gap": _platform_gap,
}


def gate(rule: FlagRule, rows: RoundRows) -> Mask:
    """The rows for which `rule` could fire; every row for a check without a gate."""
    known = GATES.get(rule.check)
    return np.ones(len(rows), dtype=bool) if known is None else known(rows, rule.params)


def candidates(rules: FlagRules, rows: RoundRows) -> Mask:
    """The rows for which some rule could fire: only these need their facts built and judged."""
    out = np.zeros(len(rows), dtype=bool)
    for rule in rules.rules:
        out |= gate(rule, rows)
    return out
