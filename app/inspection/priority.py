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

import yaml
from pydantic import BaseModel, ConfigDict, Field

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
    return PriorityWeights.model_validate(yaml.safe_load(WEIGHTS_FILE.read_text(encoding="utf-8")))


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


def rank(candidates: Iterable[Candidate], weights: PriorityWeights) -> list[Ranked]:
    """Highest priority first; equal priorities by company id, so a plan is reproducible."""
    ranked = [Ranked(c, terms_of(c, weights)) for c in candidates]
    return sorted(ranked, key=lambda r: (-round(r.priority, 9), r.candidate.company_id))


def choose(
    ranked: Sequence[Ranked], visits: int, pinned: Iterable[int] = (), dropped: Iterable[int] = ()
) -> list[Ranked]:
    """`visits` companies: the pinned ones first (in priority order), then the highest ranked of
    the rest; dropped ones never. Fewer only when the scope has fewer."""
    pins, drops = set(pinned) - set(dropped), set(dropped)
    first = [Ranked(r.candidate, r.terms, True) for r in ranked if r.candidate.company_id in pins]
    rest = [r for r in ranked if r.candidate.company_id not in pins | drops]
    return (first + rest)[: max(visits, len(first))]
