"""Scoring: a rule set is compiled once into plain tuples, then every answer set is rated exactly.

Exact because band edges are legal thresholds: 45 points of 300 is 15 %, which is "very low", while
floating point says 15.000000000000002 and would call it "low". All comparisons are made on integer
numerators and denominators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.assessment.answers import AnswerValidator, ExactValue
from app.assessment.loader import LoadedRuleSet
from app.assessment.schema import (
    Band,
    BandsRule,
    ChoiceRule,
    Interval,
    RatioRule,
    Rule,
    SumRule,
    rule_inputs,
    rule_min,
)

Upper = tuple[int, int, bool]  # numerator, denominator, inclusive
NOT_APPLICABLE = "n/a"
NOT_ASKED = "not asked"  # a criterion reading a question its `depends_on` hid: no points, no maximum


def _uppers(bands: list[Band] | list[Interval]) -> tuple[Upper, ...]:
    """Upper ends of every band but the last (the last takes whatever is left)."""
    result: list[Upper] = []
    for band in bands[:-1]:
        upper = band.upper()
        if upper is None:  # check_bands refuses this when the rule set is loaded
            raise ValueError(f"band {band.describe()} is open-ended but not the last")
        result.append((upper[0].numerator, upper[0].denominator, upper[1]))
    return tuple(result)


def band_index(n: int, d: int, uppers: tuple[Upper, ...]) -> int:
    """Which band an exact value n/d (d > 0) falls in."""
    for i, (un, ud, inclusive) in enumerate(uppers):
        left, right = n * ud, un * d
        if left < right or (inclusive and left == right):
            return i
    return len(uppers)


Evaluate = Callable[[Mapping[str, object], Mapping[str, ExactValue]], tuple[int, object]]


@dataclass(frozen=True, slots=True)
class LeafProgram:
    """One points table, compiled to a closure: (answers, exact values) -> (points, detail).

    detail is the option id, the band index, or NOT_APPLICABLE. Closures specialised per kind keep
    the hot path free of branching on the kind for every answer set.
    """

    kind: str
    inputs: tuple[str, ...]
    option_points: Mapping[str, int] | None
    uppers: tuple[Upper, ...]
    band_points: tuple[int, ...]
    not_applicable_points: int
    min_points: int
    evaluate: Evaluate


def _choice_closure(input_id: str, points: dict[str, int]) -> Evaluate:
    def evaluate(answers: Mapping[str, object], exact: Mapping[str, ExactValue]) -> tuple[int, object]:
        option = answers[input_id]
        return points[option], option  # type: ignore[index]  # the validator has made `option` one of the rule's options

    return evaluate


def _bands_closure(input_id: str, uppers: tuple[Upper, ...], band_points: tuple[int, ...]) -> Evaluate:
    def evaluate(answers: Mapping[str, object], exact: Mapping[str, ExactValue]) -> tuple[int, object]:
        n, d = exact[input_id]
        index = band_index(n, d, uppers)
        return band_points[index], index

    return evaluate


def _ratio_closure(
    numerator: str,
    denominator: str,
    scale: int,
    uppers: tuple[Upper, ...],
    band_points: tuple[int, ...],
    not_applicable: int,
) -> Evaluate:
    def evaluate(answers: Mapping[str, object], exact: Mapping[str, ExactValue]) -> tuple[int, object]:
        num_n, num_d = exact[numerator]
        den_n, den_d = exact[denominator]
        if den_n == 0:
            return not_applicable, NOT_APPLICABLE
        index = band_index(num_n * den_d * scale, num_d * den_n, uppers)
        return band_points[index], index

    return evaluate


def _compile_leaf(rule: ChoiceRule | BandsRule | RatioRule) -> LeafProgram:
    if isinstance(rule, ChoiceRule):
        points = dict(rule.points)
        return LeafProgram(
            "choice", (rule.input,), points, (), (), 0, rule_min(rule), _choice_closure(rule.input, points)
        )
    uppers = _uppers(rule.bands)
    band_points = tuple(b.points for b in rule.bands)
    if isinstance(rule, BandsRule):
        return LeafProgram(
            "bands",
            (rule.input,),
            None,
            uppers,
            band_points,
            0,
            rule_min(rule),
            _bands_closure(rule.input, uppers, band_points),
        )
    scale = 100 if rule.kind == "share" else 1
    return LeafProgram(
        rule.kind,
        (rule.numerator, rule.denominator),
        None,
        uppers,
        band_points,
        rule.not_applicable_points,
        rule_min(rule),
        _ratio_closure(
            rule.numerator, rule.denominator, scale, uppers, band_points, rule.not_applicable_points
        ),
    )


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
                if isinstance(rule, SumRule):
                    leaves = tuple(_compile_leaf(p.rule) for p in rule.parts)
                else:
                    leaves = (_compile_leaf(rule),)
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
        self.level_uppers = _uppers([lv.band for lv in rs.levels])
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
        # set by app.scoring.compiler: the generated single-pass scorer for valid answers (codegen.py)
        self.fast: Callable[[Mapping[str, object]], tuple[Any, ...] | None] = lambda _answers: None
        self.fast_source = ""

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
