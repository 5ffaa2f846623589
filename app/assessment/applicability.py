"""Which questions are asked and which conditions apply, for one set of answers.

A question with `depends_on` is asked only when its tests on other answers hold; a hidden question is
not shown, not checked and not scored, and whatever it held is cleared. A condition applies only
where its `applies_when` holds and its evidence question is asked. Tests compare exactly (integer
cross-multiplication), like the scorer, so "screening coverage ≥ 20 %" means 20 % passes.

Pure: the form, the validator, the scorer and the batch scorer all read the same answers through
this one module, so they cannot disagree about what was asked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from app.assessment.schema import Applies, Expect, RuleSet, Test, dependency_order, exact_pair

Check = Callable[[object], bool]


def exact_number(value: object) -> tuple[int, int] | None:
    """An answer as an exact fraction, or None when it is not a finite number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, 1
    if isinstance(value, float) and math.isfinite(value):
        return (int(value), 1) if value.is_integer() else exact_pair(value)
    return None


def check_of(expect: Expect) -> Check:
    """A closure testing one answer: membership for a choice, the exact range for a number."""
    if expect.options is not None:
        allowed = frozenset(expect.options)
        return lambda value: type(value) is str and value in allowed
    interval = expect.interval()
    lower, upper = interval.lower(), interval.upper()

    def within(value: object) -> bool:
        pair = exact_number(value)
        if pair is None:
            return False
        n, d = pair
        if lower is not None:
            left, right = n * lower[0].denominator, lower[0].numerator * d
            if left < right or (left == right and not lower[1]):
                return False
        if upper is not None:
            left, right = n * upper[0].denominator, upper[0].numerator * d
            if left > right or (left == right and not upper[1]):
                return False
        return True

    return within


@dataclass(frozen=True, slots=True)
class Gate:
    """An `Applies` made ready: (input, check) pairs, and whether all or any must hold."""

    tests: tuple[tuple[str, Check], ...]
    needs_all: bool
    expects: tuple[Test, ...]  # the same tests as data, for the batch scorer's columns

    @classmethod
    def of(cls, applies: Applies) -> Gate:
        return cls(
            tuple((t.input, check_of(t)) for t in applies.tests), applies.needs_all, tuple(applies.tests)
        )

    def open(self, answers: Mapping[str, object], hidden: frozenset[str] | set[str]) -> bool:
        """A test on a hidden or unanswered question does not hold."""
        results = (
            input_id not in hidden and answers.get(input_id) is not None and check(answers.get(input_id))
            for input_id, check in self.tests
        )
        return all(results) if self.needs_all else any(results)


@dataclass(frozen=True, slots=True)
class ConditionProgram:
    id: str
    evidence: str
    passes: Check
    applies: Gate | None
    blocks_operation: bool
    expect: Expect
    sector: Test | None  # the sectors it applies to, as a test on the company_sector input
    in_sector: Check | None


class Applicability:
    """Compiled once per rule set (it runs on every save, preview and score)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.gates: tuple[tuple[str, Gate], ...] = tuple(
            (item.id, Gate.of(item.depends_on)) for item in dependency_order(ruleset) if item.depends_on
        )
        sector_input = next((i.id for i in ruleset.inputs if i.provided_by == "company_sector"), None)
        self.conditions: tuple[ConditionProgram, ...] = tuple(
            ConditionProgram(
                c.id,
                c.evidence,
                check_of(c.passes),
                Gate.of(c.applies_when) if c.applies_when else None,
                not c.on_fail.may_operate,
                c.passes,
                (sector := Test(input=sector_input, **{"in": c.sectors}))
                if c.sectors is not None and sector_input
                else None,
                check_of(sector) if c.sectors is not None and sector_input else None,
            )
            for c in ruleset.conditions
        )
        self.conditional = bool(self.gates)

    def hidden(self, answers: Mapping[str, object]) -> frozenset[str]:
        """The questions not asked for these answers, decided in dependency order."""
        if not self.gates:
            return frozenset()
        hidden: set[str] = set()
        for input_id, gate in self.gates:
            if not gate.open(answers, hidden):
                hidden.add(input_id)
        return frozenset(hidden)

    def outcomes(self, answers: Mapping[str, object], hidden: frozenset[str]) -> tuple[str, ...]:
        """Per condition: "passed", "failed" or "not_applicable" (it does not apply here, or its
        evidence question was not asked)."""
        out = []
        for condition in self.conditions:
            if (
                condition.evidence in hidden
                or (condition.applies is not None and not condition.applies.open(answers, hidden))
                or (
                    condition.sector is not None
                    and condition.in_sector is not None
                    and not condition.in_sector(answers.get(condition.sector.input))
                )
            ):
                out.append(NOT_APPLICABLE)
            elif condition.passes(answers.get(condition.evidence)):
                out.append(PASSED)
            else:
                out.append(FAILED)
        return tuple(out)


PASSED, FAILED, NOT_APPLICABLE = "passed", "failed", "not_applicable"


def compliance_of(outcomes: tuple[str, ...], blocking: tuple[bool, ...]) -> str:
    """not assessed: no condition applies; compliant: none failed; non-compliant: a failed condition
    stops operation; partially compliant: only conditions that allow a fix by a date failed."""
    if all(o == NOT_APPLICABLE for o in outcomes):
        return "not_assessed"
    failed = [b for o, b in zip(outcomes, blocking, strict=True) if o == FAILED]
    if not failed:
        return "compliant"
    return "non_compliant" if any(failed) else "partially_compliant"
