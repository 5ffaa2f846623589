"""Properties that must hold for every valid answer set of every complete shipped rule set."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assessment import registry
from app.assessment.schema import ChoiceRule, SumRule
from app.scoring import recommend, score
from tests.strategies import answers_for

COMPLETE = [loaded for loaded in registry.latest() if loaded.ruleset.complete]
IDS = [loaded.ruleset.id for loaded in COMPLETE]


def _choice_points(ruleset: Any) -> dict[str, dict[str, int]]:
    """Option points per choice input, read from the rule set."""
    table: dict[str, dict[str, int]] = {}
    for criterion in ruleset.criteria():
        rule = criterion.rule
        leaves = [p.rule for p in rule.parts] if isinstance(rule, SumRule) else [rule]
        for leaf in leaves:
            if isinstance(leaf, ChoiceRule):
                table[leaf.input] = dict(leaf.points)
    return table


@pytest.mark.parametrize("loaded", COMPLETE, ids=IDS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_totals_add_up_and_index_in_range(loaded: Any, data: st.DataObject) -> None:
    answers = data.draw(answers_for(loaded.ruleset))
    result = score(loaded, answers)
    assert 0 <= result.index <= 100
    assert result.total == sum(c.points for c in result.criteria)
    assert result.total == sum(s.points for s in result.sections)
    for criterion in result.criteria:
        assert 0 <= criterion.points <= criterion.max
        if criterion.parts:
            assert criterion.points == sum(p.points for p in criterion.parts)


@pytest.mark.parametrize("loaded", COMPLETE, ids=IDS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_lower_point_option_never_raises_the_level(loaded: Any, data: st.DataObject) -> None:
    answers = data.draw(answers_for(loaded.ruleset))
    before = score(loaded, answers)
    for input_id, points in _choice_points(loaded.ruleset).items():
        current = points[answers[input_id]]
        for option, option_points in points.items():
            if option_points < current:
                after = score(loaded, {**answers, input_id: option})
                assert after.total < before.total
                assert after.level_position <= before.level_position, (input_id, option)


@pytest.mark.parametrize("loaded", COMPLETE, ids=IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_recommended_changes_do_lower_the_level(loaded: Any, data: st.DataObject) -> None:
    answers = data.draw(answers_for(loaded.ruleset))
    result = score(loaded, answers)
    next_band = recommend(result).next_band
    if next_band is None:
        assert result.level_position == 0
        return
    if not next_band.reachable:
        return
    actionable = {i.id for i in loaded.ruleset.inputs if i.actionable}
    changed = {c.input_id: c.proposed for c in next_band.changes}
    assert set(changed) <= actionable
    after = score(loaded, {**answers, **changed})
    assert after.level_position < result.level_position
    assert after.total == next_band.new_total
    # smallest set: dropping any one change no longer reaches the band
    for input_id in changed:
        fewer = {k: v for k, v in changed.items() if k != input_id}
        assert score(loaded, {**answers, **fewer}).level_position >= result.level_position
