"""Hypothesis strategies that draw valid answer sets for any rule set, from its own schema."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from app.assessment.schema import Input, RuleSet


def _ordered(inputs: list[Input]) -> list[Input]:
    """Inputs bounded by another input come after it."""
    done: list[Input] = []
    pending = list(inputs)
    while pending:
        for item in pending:
            if item.le_input is None or any(d.id == item.le_input for d in done):
                done.append(item)
                pending.remove(item)
                break
    return done


@st.composite
def answers_for(draw: st.DrawFn, ruleset: RuleSet, max_count: int = 20_000) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in _ordered(ruleset.inputs):
        if item.kind == "choice":
            values[item.id] = draw(st.sampled_from(item.option_ids()))
            continue
        low = item.ge if item.ge is not None else item.gt
        high = item.le if item.le is not None else item.lt
        if item.le_input is not None:
            high = values[item.le_input] if high is None else min(high, values[item.le_input])
        if item.kind == "integer":
            low_i = int(low or 0) + (1 if item.gt is not None else 0)
            values[item.id] = draw(st.integers(low_i, int(high if high is not None else max_count)))
        else:
            values[item.id] = draw(
                st.floats(
                    min_value=float(low or 0),
                    max_value=float(high if high is not None else 200_000),
                    exclude_min=item.gt is not None,
                    allow_nan=False,
                    allow_infinity=False,
                )
            )
    return values
