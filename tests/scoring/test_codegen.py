"""The generated fast path and the interpreter agree on every answer set, valid or not."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assessment import registry
from app.assessment.answers import InvalidAnswers
from app.scoring.compiler import compile_ruleset
from app.scoring.scorer import interpret
from tests.strategies import answers_for

ALL = list(registry.shipped().values())
IDS = [f"{lr.ruleset.id}-v{lr.ruleset.version}" for lr in ALL]
# a set whose questions depend on answers is scored by the interpreter alone (said in its source)
GENERATED = [lr for lr in ALL if not compile_ruleset(lr).applicability.conditional]
GENERATED_IDS = [f"{lr.ruleset.id}-v{lr.ruleset.version}" for lr in GENERATED]


@pytest.mark.parametrize("loaded", GENERATED, ids=GENERATED_IDS)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fast_path_equals_the_interpreter_on_valid_answers(loaded: Any, data: st.DataObject) -> None:
    compiled = compile_ruleset(loaded)
    answers = data.draw(answers_for(loaded.ruleset))
    fast = compiled.fast(answers)
    assert fast is not None
    assert fast == interpret(compiled, answers)


@pytest.mark.parametrize("loaded", ALL, ids=IDS)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fast_path_declines_whatever_the_interpreter_refuses(loaded: Any, data: st.DataObject) -> None:
    compiled = compile_ruleset(loaded)
    answers = dict(data.draw(answers_for(loaded.ruleset)))
    victim = data.draw(st.sampled_from(sorted(answers)))
    answers[victim] = data.draw(
        st.one_of(
            st.none(),
            st.booleans(),
            st.text(max_size=3),
            st.integers(-(10**6), 10**6),
            st.floats(allow_nan=True, allow_infinity=True),
            st.just(answers[victim]),
        )
    )
    try:
        expected = interpret(compiled, answers)
    except InvalidAnswers:
        assert compiled.fast(answers) is None
    else:
        fast = compiled.fast(answers)
        assert fast is None or fast == expected


def test_a_set_with_conditional_questions_says_it_has_no_generated_path() -> None:
    compiled = compile_ruleset(registry.get("bg-kcn-dk-2021"))
    assert compiled.applicability.conditional
    assert compiled.fast({"workers": 1}) is None
    assert "interpreter" in compiled.fast_source


def test_generated_source_is_kept_for_reading() -> None:
    compiled = compile_ruleset(registry.get("bg-kcn-2021"))
    assert compiled.fast_source.startswith("def fast(answers):")
