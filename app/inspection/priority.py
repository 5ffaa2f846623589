"""Which companies to visit first: a transparent priority, the product of five terms that an
official can read off and argue with (risk, workers exposed, doubt, time since the last visit,
missed filings), weighted by app/data/visit_priority.yaml. Pure and reproducible: the same
candidates always give the same order (ties by company id)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from app import yaml_text

WEIGHTS_FILE = Path(__file__).parents[1] / "data" / "visit_priority.yaml"
TERMS = ("risk", "exposure", "doubt", "staleness", "missed")


class PriorityWeights(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    risk_by_level: tuple[float, ...] = Field(min_length=2)
    risk_unknown: float = Field(gt=0)
    exposure_per_workers: float = Field(gt=0)
    doubt_by_severity: dict[str, float]
    staleness_full_after_weeks: float = Field(gt=0)
    staleness_never: float = Field(ge=1)
    per_missed_round: float = Field(ge=0)
    missed_rounds: int = Field(ge=1)


@cache
def shipped_weights() -> PriorityWeights:
    return PriorityWeights.model_validate(yaml_text.load(WEIGHTS_FILE.read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the planner knows of one company in scope."""

    company_id: int
    level_position: int | None  # 0 = lowest band of its rule set; None: no level yet
    level_count: int
    workers: int | None
    flag_severities: tuple[str, ...] = ()
    weeks_since_inspection: float | None = None  # None: never inspected
    missed_rounds: int = 0


@dataclass(frozen=True, slots=True)
class Terms:
    risk: float
    exposure: float
    doubt: float
    staleness: float
    missed: float

    @property
    def priority(self) -> float:
        return self.risk * self.exposure * self.doubt * self.staleness * self.missed

    def as_dict(self) -> dict[str, float]:
        return {name: round(getattr(self, name), 3) for name in TERMS}


@dataclass(frozen=True, slots=True)
class Ranked:
    candidate: Candidate
    terms: Terms
    pinned: bool = False

    @property
    def priority(self) -> float:
        return self.terms.priority


def _risk(c: Candidate, w: PriorityWeights) -> float:
    if c.level_position is None or c.level_count < 1:
        return w.risk_unknown
    scale = w.risk_by_level
    if c.level_count == len(scale):
        return scale[c.level_position]
    # another number of bands: the same place on the scale, by position
    at = c.level_position / max(c.level_count - 1, 1) * (len(scale) - 1)
    low = math.floor(at)
    high = min(low + 1, len(scale) - 1)
    return scale[low] + (scale[high] - scale[low]) * (at - low)


def terms_of(c: Candidate, w: PriorityWeights) -> Terms:
    workers = max(c.workers or 0, 0)
    staleness = (
        w.staleness_never
        if c.weeks_since_inspection is None
        else min(w.staleness_never, 1 + max(c.weeks_since_inspection, 0) / w.staleness_full_after_weeks)
    )
    return Terms(
        risk=_risk(c, w),
        exposure=1 + math.log10(1 + workers / w.exposure_per_workers),
        doubt=1 + sum(w.doubt_by_severity.get(s, 0.0) for s in c.flag_severities),
        staleness=staleness,
        missed=1 + w.per_missed_round * min(c.missed_rounds, w.missed_rounds),
    )


@dataclass(frozen=True)
class Columns:
    """The candidates of a whole scope as columns: a province ranks at numpy's speed, and only the
    companies shown become objects. NaN marks "no level yet" and "never inspected"."""

    company_id: np.ndarray
    level_position: np.ndarray
    level_count: np.ndarray
    workers: np.ndarray
    doubt: np.ndarray  # the summed weights of the round's flags
    weeks: np.ndarray
    missed: np.ndarray

    @classmethod
    def of(cls, candidates: Sequence[Candidate], w: PriorityWeights) -> Columns:
        nan = float("nan")
        return cls(
            np.array([c.company_id for c in candidates], dtype=np.int64),
            np.array(
                [nan if c.level_position is None else c.level_position for c in candidates], dtype=float
            ),
            np.array([c.level_count for c in candidates], dtype=float),
            np.array([max(c.workers or 0, 0) for c in candidates], dtype=float),
            np.array([sum(w.doubt_by_severity.get(s, 0.0) for s in c.flag_severities) for c in candidates]),
            np.array(
                [nan if c.weeks_since_inspection is None else c.weeks_since_inspection for c in candidates]
            ),
            np.array([c.missed_rounds for c in candidates], dtype=float),
        )


def terms_array(cols: Columns, w: PriorityWeights) -> np.ndarray:
    """The five terms of every candidate, one row each, as `terms_of` computes them one by one."""
    scale = np.array(w.risk_by_level, dtype=float)
    known = ~np.isnan(cols.level_position) & (cols.level_count >= 1)
    at = np.where(known, np.nan_to_num(cols.level_position) / np.maximum(cols.level_count - 1, 1), 0.0)
    at = at * (len(scale) - 1)
    exact = known & (cols.level_count == len(scale))
    position = np.clip(np.nan_to_num(cols.level_position), 0, len(scale) - 1).astype(np.int64)
    risk = np.where(exact, scale[position], np.interp(at, np.arange(len(scale)), scale))
    risk = np.where(known, risk, w.risk_unknown)
    exposure = 1 + np.log10(1 + cols.workers / w.exposure_per_workers)
    doubt = 1 + cols.doubt
    weeks = np.maximum(np.nan_to_num(cols.weeks), 0)
    staleness = np.where(
        np.isnan(cols.weeks),
        w.staleness_never,
        np.minimum(w.staleness_never, 1 + weeks / w.staleness_full_after_weeks),
    )
    missed = 1 + w.per_missed_round * np.minimum(cols.missed, w.missed_rounds)
    return np.column_stack([risk, exposure, doubt, staleness, missed])


def order_of(cols: Columns, terms: np.ndarray) -> np.ndarray:
    """Indices, highest priority first; equal priorities (to 1e-9) by company id."""
    priority = np.round(np.prod(terms, axis=1), 9)
    return np.lexsort((cols.company_id, -priority))


def rank(candidates: Iterable[Candidate], weights: PriorityWeights) -> list[Ranked]:
    """Highest priority first; equal priorities by company id, so a plan is reproducible."""
    pool = list(candidates)
    if not pool:
        return []
    cols = Columns.of(pool, weights)
    terms = terms_array(cols, weights)
    return [Ranked(pool[i], Terms(*(float(t) for t in terms[i]))) for i in order_of(cols, terms)]


def choose_ids(
    ordered: Sequence[int], visits: int, pinned: Iterable[int] = (), dropped: Iterable[int] = ()
) -> list[tuple[int, bool]]:
    """(company id, pinned) of `visits` companies: the pinned ones first (in rank order), then the
    highest ranked of the rest; dropped ones never. Fewer only when the scope has fewer."""
    pins, drops = set(pinned) - set(dropped), set(dropped)
    left_out = pins | drops
    first = [(c, True) for c in ordered if c in pins]
    rest = [(c, False) for c in ordered if c not in left_out]
    return (first + rest)[: max(visits, len(first))]


def choose(
    ranked: Sequence[Ranked], visits: int, pinned: Iterable[int] = (), dropped: Iterable[int] = ()
) -> list[Ranked]:
    """`choose_ids` over ranked objects."""
    by_id = {r.candidate.company_id: r for r in ranked}
    chosen = choose_ids(list(by_id), visits, pinned, dropped)
    return [Ranked(by_id[c].candidate, by_id[c].terms, pin) for c, pin in chosen]
