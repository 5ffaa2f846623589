"""Scoring: a rule set is compiled once into plain tuples, then every answer set is rated exactly.

Exact because band edges are legal thresholds: 45 points of 300 is 15 %, which is "very low", while
floating point says 15.000000000000002 and would call it "low". All comparisons are made on integer
numerators and denominators.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.assessment.answers import AnswerValidator
from app.assessment.loader import LoadedRuleSet
from app.assessment.schema import Rule, SumRule, rule_inputs, rule_min
from app.scoring.kinds import NOT_APPLICABLE, LeafProgram, band_index, kind_of, uppers

__all__ = ["NOT_APPLICABLE", "NOT_ASKED", "CompiledRuleSet", "CriterionProgram", "round_index"]

NOT_ASKED = "not asked"  # a criterion reading a question its `depends_on` hid: no points, no maximum


@dataclass(frozen=True, slots=True)
class CriterionProgram:
    id: str
    section_id: str
    max: int
    min_points: int
    leaves: tuple[LeafProgram, ...]
    is_sum: bool
    inputs: tuple[str, ...]


class CompiledRuleSet:
    """Everything the hot path needs, precomputed from the validated rule set."""

    def __init__(self, loaded: LoadedRuleSet) -> None:
        rs = loaded.ruleset
        self.loaded = loaded
        self.ruleset = rs
        self.validator = AnswerValidator(rs)
        programs: list[CriterionProgram] = []
        for section in rs.sections:
            for criterion in section.criteria:
                rule: Rule = criterion.rule
                parts = [p.rule for p in rule.parts] if isinstance(rule, SumRule) else [rule]
                leaves = tuple(kind_of(leaf.kind).compile(leaf) for leaf in parts)
                programs.append(
                    CriterionProgram(
                        criterion.id,
                        section.id,
                        criterion.max,
                        rule_min(rule),
                        leaves,
                        isinstance(rule, SumRule),
                        tuple(rule_inputs(rule)),
                    )
                )
        self.criteria = tuple(programs)
        self.applicability = self.validator.applicability
        self.conditional = rs.conditional
        self.criterion_max = tuple(p.max for p in programs)
        self.hot_path = tuple(
            (None, tuple(leaf.evaluate for leaf in p.leaves)) if p.is_sum else (p.leaves[0].evaluate, ())
            for p in programs
        )
        self.max_total = rs.scale.max_total
        self.level_ids = tuple(lv.id for lv in rs.levels)
        self.level_uppers = uppers([lv.band for lv in rs.levels])
        self.floors = tuple(
            (f.when.input, f.when.equals, self.level_ids.index(f.level_at_least), f.id) for f in rs.floors
        )
        self.level_rules = tuple(
            (
                lv.may_operate,
                tuple(c.points for c in lv.conditions if c.kind == "no_criterion_points_at_least"),
            )
            for lv in rs.levels
        )
        self.section_ids = tuple(s.id for s in rs.sections)

    def asked_max(self, hidden: frozenset[str]) -> int:
        """The maximum of the criteria actually asked: a criterion whose question was hidden counts
        neither its points nor its maximum, so the index stays comparable between companies."""
        if not hidden:
            return self.max_total
        return self.max_total - sum(p.max for p in self.criteria if any(i in hidden for i in p.inputs))

    def level_for(
        self, total: int, answers: Mapping[str, object], max_total: int | None = None
    ) -> tuple[int, int, str | None]:
        """(level by index, level after floor rules, the floor that raised it)."""
        maximum = self.max_total if max_total is None else max_total
        by_index = band_index(total * 100, maximum, self.level_uppers) if maximum else 0
        level, floor_id = by_index, None
        for input_id, value, floor_level, fid in self.floors:
            if answers.get(input_id) == value and floor_level > level:
                level, floor_id = floor_level, fid
        return by_index, level, floor_id


def round_index(total: int, max_total: int) -> float:
    """total / max × 100 to 2 decimals, half rounded up, computed on integers (0 when nothing
    was asked)."""
    if max_total <= 0:
        return 0.0
    hundredths = (2 * total * 10_000 + max_total) // (2 * max_total)
    return hundredths / 100
