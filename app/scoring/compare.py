"""Why two submissions differ: which answers moved which criteria, and by how many points."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from app.assessment.schema import Text
from app.scoring.result import CriterionResult, ScoreResult


@dataclass(frozen=True)
class CriterionChange:
    criterion_id: str
    title: Text
    points_before: int | None
    points_after: int | None
    changed_inputs: tuple[str, ...]
    fired_before: Text | None
    fired_after: Text | None

    @property
    def delta(self) -> int:
        return (self.points_after or 0) - (self.points_before or 0)


@dataclass(frozen=True)
class Comparison:
    before: ScoreResult
    after: ScoreResult
    changes: list[CriterionChange]

    @property
    def delta(self) -> int:
        return self.after.total - self.before.total

    @property
    def index_delta(self) -> Fraction:
        return index_change(self.before, self.after)


def index_change(before: ScoreResult, after: ScoreResult) -> Fraction:
    """The index's change, exact from the totals: two indices each rounded to 2 decimals (38,33
    and 36,67) differ by 1,66 where the change is 1,67; whoever shows it rounds it once."""
    return Fraction(100 * after.total, after.max_total or 1) - Fraction(
        100 * before.total, before.max_total or 1
    )


def compare(before: ScoreResult, after: ScoreResult) -> Comparison:
    """Criteria whose points or answers differ, the biggest moves first. Works across rule-set
    versions by criterion id; a criterion only one side has shows with None on the other."""
    old: dict[str, CriterionResult] = {c.id: c for c in before.criteria}
    new: dict[str, CriterionResult] = {c.id: c for c in after.criteria}
    changes = []
    for criterion_id in list(old) + [i for i in new if i not in old]:
        a, b = old.get(criterion_id), new.get(criterion_id)
        inputs = tuple(
            name
            for name in dict.fromkeys((a.inputs if a else ()) + (b.inputs if b else ()))
            if before.answers.get(name) != after.answers.get(name)
        )
        points_a, points_b = (a.points if a else None), (b.points if b else None)
        if points_a == points_b and not inputs:
            continue
        changes.append(
            CriterionChange(
                criterion_id,
                (b or a).title,  # type: ignore[union-attr]  # one side always exists: the loop runs over the union of both
                points_a,
                points_b,
                inputs,
                a.fired if a else None,
                b.fired if b else None,
            )
        )
    changes.sort(key=lambda c: (-abs(c.delta), c.criterion_id))
    return Comparison(before, after, changes)
