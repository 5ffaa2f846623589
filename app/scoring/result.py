"""What scoring returns. The hot path stores plain tuples; the explanation is built when asked for.

Bulk work (re-scoring a province, the impact preview, the seed) reads only total, index and level,
so the per-criterion explanation with its labels is assembled lazily, once, on first access.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from app.assessment.applicability import FAILED, compliance_of
from app.assessment.schema import (
    Criterion,
    Level,
    Requirement,
    RuleSet,
    SumRule,
    Text,
)
from app.scoring.engine import NOT_ASKED, CompiledRuleSet, round_index
from app.scoring.kinds import kind_of


@dataclass(frozen=True, slots=True)
class PartResult:
    id: str
    label: Text
    points: int
    max: int
    fired: Text
    value: float | None
    not_applicable: bool
    provenance: str


@dataclass(frozen=True, slots=True)
class CriterionResult:
    id: str
    section_id: str
    title: Text
    points: int
    max: int
    min_points: int
    inputs: tuple[str, ...]
    answers: dict[str, object]
    fired: Text
    value: float | None
    not_applicable: bool
    provenance: str
    parts: tuple[PartResult, ...]
    not_asked: bool = False


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """One condition that must hold, as this submission met it: passed, failed or not applicable."""

    condition: Requirement
    outcome: str

    @property
    def id(self) -> str:
        return self.condition.id

    @property
    def failed(self) -> bool:
        return self.outcome == FAILED

    def to_dict(self) -> dict[str, Any]:
        on_fail = self.condition.on_fail
        return {
            "id": self.id,
            "outcome": self.outcome,
            "title": self.condition.title.model_dump(),
            "action": on_fail.action.model_dump(),
            "may_operate": on_fail.may_operate,
            "fix_within_days": on_fail.fix_within_days,
        }


@dataclass(frozen=True, slots=True)
class SectionResult:
    id: str
    title: Text
    points: int
    max: int


_NOT_ASKED_TEXT = Text(
    vi="không hỏi, không tính điểm: câu hỏi không áp dụng với các câu trả lời trước",
    en="not asked, not scored: the question does not apply given earlier answers",
)


class ScoreResult:
    __slots__ = (
        "_criteria",
        "answers",
        "asked_max",
        "compiled",
        "details",
        "exact",
        "floor_id",
        "hidden",
        "index_level_position",
        "level_position",
        "may_operate",
        "may_operate_reason",
        "outcomes",
        "points",
        "total",
    )

    def __init__(
        self,
        compiled: CompiledRuleSet,
        answers: dict[str, Any],
        exact: dict[str, tuple[int, int]],
        total: int,
        points: tuple[int, ...],
        details: tuple[object, ...],
        level_position: int,
        index_level_position: int,
        floor_id: str | None,
        may_operate: bool,
        may_operate_reason: Text | None,
        hidden: frozenset[str] = frozenset(),
        asked_max: int | None = None,
        outcomes: tuple[str, ...] = (),
    ) -> None:
        self.compiled = compiled
        self.answers = answers
        self.exact = exact
        self.total = total
        self.points = points
        self.details = details
        self.level_position = level_position
        self.index_level_position = index_level_position
        self.floor_id = floor_id
        self.may_operate = may_operate
        self.may_operate_reason = may_operate_reason
        self.hidden = hidden
        self.asked_max = compiled.max_total if asked_max is None else asked_max
        self.outcomes = outcomes
        self._criteria: list[CriterionResult] | None = None

    # -- identity of the rules that scored it ------------------------------------------------
    @property
    def ruleset_id(self) -> str:
        return self.compiled.ruleset.id

    @property
    def ruleset(self) -> RuleSet:
        return self.compiled.ruleset

    @property
    def version(self) -> int:
        return self.compiled.ruleset.version

    @property
    def content_hash(self) -> str:
        return self.compiled.loaded.content_hash

    # -- the headline --------------------------------------------------------------------------
    @property
    def max_total(self) -> int:
        """The maximum of the criteria asked (the rule set's, less any whose question was hidden)."""
        return self.asked_max

    @property
    def index(self) -> float:
        return round_index(self.total, self.asked_max)

    # -- conditions that must hold -------------------------------------------------------------
    @property
    def conditions(self) -> list[ConditionResult]:
        return [
            ConditionResult(c, o)
            for c, o in zip(self.compiled.ruleset.conditions, self.outcomes, strict=True)
        ]

    @property
    def failed_conditions(self) -> list[ConditionResult]:
        return [c for c in self.conditions if c.failed]

    @property
    def compliance(self) -> str | None:
        """compliant / partially_compliant / non_compliant / not_assessed; None for a points-only set."""
        if not self.compiled.ruleset.conditions:
            return None
        blocking = tuple(not c.on_fail.may_operate for c in self.compiled.ruleset.conditions)
        return compliance_of(self.outcomes, blocking)

    @property
    def not_asked(self) -> list[str]:
        """The questions hidden by earlier answers, in the form's order."""
        return [i.id for i in self.compiled.ruleset.inputs if i.id in self.hidden]

    @property
    def level_id(self) -> str:
        return self.compiled.level_ids[self.level_position]

    @property
    def level(self) -> Level:
        return self.compiled.ruleset.levels[self.level_position]

    @property
    def floor_reason(self) -> Text | None:
        for floor in self.compiled.ruleset.floors:
            if floor.id == self.floor_id:
                return floor.reason
        return None

    @property
    def obligation(self) -> Text:
        for floor in self.compiled.ruleset.floors:
            if floor.id == self.floor_id and floor.obligation is not None:
                return floor.obligation
        for condition in self.failed_conditions:  # a condition that stops work says what to do
            if not condition.condition.on_fail.may_operate:
                return condition.condition.on_fail.action
        return self.level.obligation

    # -- the explanation -----------------------------------------------------------------------
    @property
    def criteria(self) -> list[CriterionResult]:
        if self._criteria is None:
            self._criteria = [
                _explain(self, program_no, criterion)
                for program_no, criterion in enumerate(self.compiled.ruleset.criteria())
            ]
        return self._criteria

    @property
    def sections(self) -> list[SectionResult]:
        results = []
        for section in self.compiled.ruleset.sections:
            ids = {c.id for c in section.criteria}
            rows = [c for c in self.criteria if c.id in ids and not c.not_asked]
            results.append(
                SectionResult(
                    section.id,
                    section.title,
                    sum(r.points for r in rows),
                    sum(r.max for r in rows),
                )
            )
        return results

    def summary(self) -> dict[str, Any]:
        """The compact snapshot stored with every submission; cheap, from the hot path's tuples.
        The full explanation is rebuilt from the answers and the pinned rule-set version."""
        extra: dict[str, Any] = {}
        if self.hidden:
            extra["not_asked"] = self.not_asked
        if self.compiled.ruleset.conditions:
            extra["compliance"] = self.compliance
            extra["failed_conditions"] = [c.id for c in self.failed_conditions]
        return {
            "ruleset": self.ruleset_id,
            "version": self.version,
            "content_hash": self.content_hash,
            "total": self.total,
            "max": self.max_total,
            "index": self.index,
            "level": self.level_id,
            "floor": self.floor_id,
            "may_operate": self.may_operate,
            "criteria": {
                program.id: points
                for program, points in zip(self.compiled.criteria, self.points, strict=True)
            },
            **extra,
        }

    def to_dict(self) -> dict[str, Any]:
        """The full result printed by `score --format json`: the summary's fields, with the
        per-criterion list (and its explanation) in place of the compact points mapping."""
        return {
            **self.summary(),
            "level_label": self.level.label.model_dump(),
            "level_by_index": self.compiled.level_ids[self.index_level_position],
            "may_operate_reason": (self.may_operate_reason.model_dump() if self.may_operate_reason else None),
            "obligation": self.obligation.model_dump(),
            "sections": [{"id": s.id, "points": s.points, "max": s.max} for s in self.sections],
            "failed_conditions": [c.to_dict() for c in self.failed_conditions],
            "conditions": [c.to_dict() for c in self.conditions],
            "criteria": [
                {
                    "id": c.id,
                    "section": c.section_id,
                    "points": c.points,
                    "max": c.max,
                    "fired": c.fired.model_dump(),
                    "value": c.value,
                    "not_applicable": c.not_applicable,
                    "not_asked": c.not_asked,
                    "provenance": c.provenance,
                    "parts": [
                        {
                            "id": p.id,
                            "points": p.points,
                            "max": p.max,
                            "fired": p.fired.model_dump(),
                            "value": p.value,
                            "not_applicable": p.not_applicable,
                        }
                        for p in c.parts
                    ],
                }
                for c in self.criteria
            ],
        }


def _explain(result: ScoreResult, program_no: int, criterion: Criterion) -> CriterionResult:
    program = result.compiled.criteria[program_no]
    detail = result.details[program_no]
    rule = criterion.rule
    parts: tuple[PartResult, ...] = ()
    if detail == NOT_ASKED:
        return CriterionResult(
            id=criterion.id,
            section_id=program.section_id,
            title=criterion.title,
            points=0,
            max=criterion.max,
            min_points=0,
            inputs=program.inputs,
            answers={},
            fired=_NOT_ASKED_TEXT,
            value=None,
            not_applicable=True,
            provenance=criterion.provenance,
            parts=(),
            not_asked=True,
        )
    if isinstance(rule, SumRule):
        built = []
        part_details = cast("tuple[tuple[int, object], ...]", detail)  # a sum's detail: one pair per part
        for part, leaf, (points, leaf_detail) in zip(rule.parts, program.leaves, part_details, strict=True):
            fired, value, na, provenance = kind_of(part.rule.kind).explain(
                result, part.rule, leaf_detail, criterion.provenance
            )
            built.append(
                PartResult(part.id, part.label, points, max(leaf.points_range), fired, value, na, provenance)
            )
        parts = tuple(built)
        fired = Text(
            vi="; ".join(f"{p.label.vi}: {p.fired.vi} → {p.points}" for p in parts),
            en="; ".join(f"{p.label.en}: {p.fired.en} → {p.points}" for p in parts),
        )
        value, not_applicable, provenance = None, False, criterion.provenance
    else:
        fired, value, not_applicable, provenance = kind_of(rule.kind).explain(
            result, rule, detail, criterion.provenance
        )
    return CriterionResult(
        id=criterion.id,
        section_id=program.section_id,
        title=criterion.title,
        points=result.points[program_no],
        max=criterion.max,
        min_points=program.min_points,
        inputs=program.inputs,
        answers={i: result.answers.get(i) for i in program.inputs},
        fired=fired,
        value=value,
        not_applicable=not_applicable,
        provenance=provenance,
        parts=parts,
    )
