"""A complete, valid answers set for a rule set, every question at its safest value: the example
payload a company's own system can start from (`rulesets sample ID`, the API's docs).

"Safest" is what the scorer says: fewest failed conditions, then the lowest level, then the fewest
points. A value the system fills in (the area's epidemic level) is set to the one that asks the most
questions, so the example shows every question a company may meet.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from app.assessment.answers import InvalidAnswers
from app.assessment.applicability import exact_number
from app.assessment.schema import Input, RuleSet, dependency_order
from app.scoring.engine import CompiledRuleSet
from app.scoring.recommend import _as_answer, _numeric_candidates, _step
from app.scoring.result import ScoreResult
from app.scoring.scorer import score

PASSES = 3  # coordinate passes; two suffice for every shipped set (a cap then its capped input)


def _lowest(item: Input) -> int | float:
    interval = item.domain()
    lower = interval.lower()
    if lower is None:
        return 0
    value, inclusive = lower
    return _as_answer(value if inclusive else value + _step(item), item)


def _bounds(item: Input, answers: dict[str, Any]) -> set[Fraction]:
    """The ends of the input's range, its cap's value and the thresholds of conditions on it."""
    found: set[Fraction] = set()
    interval = item.domain()
    if (lower := interval.lower()) is not None:
        found.add(lower[0] if lower[1] else lower[0] + _step(item))
    if (upper := interval.upper()) is not None:
        found.add(upper[0] if upper[1] else upper[0] - _step(item))
    if item.le_input and (cap := exact_number(answers.get(item.le_input))) is not None:
        found.add(Fraction(*cap))
    return found


def _condition_values(ruleset: RuleSet, item: Input) -> set[Fraction]:
    found: set[Fraction] = set()
    for condition in ruleset.conditions:
        if condition.evidence == item.id and condition.passes.options is None:
            for end in (condition.passes.interval().lower(), condition.passes.interval().upper()):
                if end is not None:
                    found.add(end[0])
    return found


def safest_answers(compiled: CompiledRuleSet) -> dict[str, Any]:
    rs = compiled.ruleset
    answers: dict[str, Any] = {}
    for item in dependency_order(rs):
        if item.kind == "choice":
            answers[item.id] = item.option_ids()[0]
        else:
            answers[item.id] = _lowest(item)
    applicability = compiled.applicability
    for item in (i for i in rs.inputs if i.provided_by):  # the value that asks the most

        def asked(option: str, provided: Input = item) -> int:
            trial = {**answers, provided.id: option}
            hidden = applicability.hidden(trial)
            outcomes = applicability.outcomes(trial, hidden)
            return len(rs.inputs) - len(hidden) + sum(o != "not_applicable" for o in outcomes)

        answers[item.id] = max(reversed(item.option_ids()), key=asked)  # ties: the higher level

    def rank(candidate: dict[str, Any]) -> tuple[int, int, int] | None:
        try:
            result = score(compiled, candidate)
        except InvalidAnswers:
            return None
        return len(result.failed_conditions), result.level_position, result.total

    current = score(compiled, _settled(compiled, answers))
    for _ in range(PASSES):
        changed = False
        for item in dependency_order(rs):
            if item.provided_by or item.id in current.hidden:
                continue
            best_value, best_rank = answers.get(item.id), rank(answers)
            for value in _values(current, item, answers):
                trial = {**answers, item.id: value}
                found = rank(trial)
                if found is not None and (best_rank is None or found < best_rank):
                    best_value, best_rank = value, found
            if best_value != answers.get(item.id):
                answers[item.id] = best_value
                changed = True
                current = score(compiled, _settled(compiled, answers))
        if not changed:
            break
    return dict(current.answers)


def _values(result: ScoreResult, item: Input, answers: dict[str, Any]) -> list[object]:
    if item.kind == "choice":
        return list(item.option_ids())
    found = _bounds(item, answers) | _condition_values(result.compiled.ruleset, item)
    if item.id in result.exact:
        found |= _numeric_candidates(result, item)
    return [_as_answer(v, item) for v in sorted(found)]


def _settled(compiled: CompiledRuleSet, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers with the hidden questions' values dropped (the validator would drop them)."""
    hidden = compiled.applicability.hidden(answers)
    return {k: v for k, v in answers.items() if k not in hidden}
