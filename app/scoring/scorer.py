"""score(ruleset, answers) -> ScoreResult: the one entry point every other part uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.assessment.applicability import FAILED
from app.assessment.loader import LoadedRuleSet
from app.assessment.schema import Text
from app.scoring.compiler import compile_ruleset
from app.scoring.engine import NOT_ASKED, CompiledRuleSet
from app.scoring.result import ScoreResult


def score(ruleset: LoadedRuleSet | CompiledRuleSet, answers: Mapping[str, object]) -> ScoreResult:
    """Rate one answer set. Raises InvalidAnswers (every problem listed) and scores nothing then."""
    compiled = ruleset if isinstance(ruleset, CompiledRuleSet) else compile_ruleset(ruleset)
    clean, exact, points, details, total = interpret(compiled, answers)
    if compiled.conditional:  # questions asked by answers, or conditions that must hold
        applicability = compiled.applicability
        hidden = applicability.hidden(clean)
        asked_max = compiled.asked_max(hidden)
        outcomes = applicability.outcomes(clean, hidden)
    else:
        hidden, asked_max, outcomes = _NOTHING_HIDDEN, compiled.max_total, ()
    by_index, level, floor_id = compiled.level_for(total, clean, asked_max)
    may_operate, base_ok_conditions = compiled.level_rules[level]
    reason = None
    level_model = compiled.ruleset.levels[level]
    if not may_operate:
        reason = level_model.not_operate_reason or level_model.obligation
    else:
        for threshold, condition in zip(base_ok_conditions, level_model.conditions, strict=True):
            if any(p >= threshold for p in points):
                may_operate, reason = False, condition.reason
                break
    if may_operate and outcomes:  # a failed condition that stops operation caps the level's verdict
        for requirement, outcome in zip(compiled.ruleset.conditions, outcomes, strict=True):
            if outcome == FAILED and not requirement.on_fail.may_operate:
                title = requirement.title
                reason = Text(
                    vi=f"Chưa đạt điều kiện «{title.vi}»: chưa được hoạt động cho đến khi đạt.",
                    en=f"Condition not met, «{title.en}»: may not operate until it is.",
                )
                may_operate = False
                break
    return ScoreResult(
        compiled,
        clean,
        exact,
        total,
        points,
        details,
        level,
        by_index,
        floor_id,
        may_operate,
        reason,
        hidden,
        asked_max,
        outcomes,
    )


_NOTHING_HIDDEN: frozenset[str] = frozenset()


def interpret(
    compiled: CompiledRuleSet, answers: Mapping[str, object]
) -> tuple[dict[str, Any], dict[str, tuple[int, int]], tuple[int, ...], tuple[object, ...], int]:
    """The reference path: full validation (every problem worded), then each criterion's program.
    The batch scorer must agree with it (tests/scoring/test_batch.py, test_conditions.py)."""
    clean, exact = compiled.validator.validate(answers)
    hidden = compiled.applicability.hidden(clean) if compiled.applicability.conditional else _NOTHING_HIDDEN
    points: list[int] = []
    details: list[object] = []
    for program, (single, evaluators) in zip(compiled.criteria, compiled.hot_path, strict=True):
        if hidden and any(i in hidden for i in program.inputs):
            points.append(0)
            details.append(NOT_ASKED)
        elif single is not None:
            p, detail = single(clean, exact)
            points.append(p)
            details.append(detail)
        else:
            part_results = tuple(evaluate(clean, exact) for evaluate in evaluators)
            points.append(sum(p for p, _ in part_results))
            details.append(part_results)
    return clean, exact, tuple(points), tuple(details), sum(points)
