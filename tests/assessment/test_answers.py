"""Bad answers: one error listing every problem, in both languages, and no score."""

from __future__ import annotations

import pytest

from app.assessment import registry
from app.assessment.answers import InvalidAnswers
from app.scoring import score
from tests.reference import worked_examples

VALID = worked_examples()[0]["answers"]
BG = registry.get("bg-kcn-2021")


def problems(answers: dict[str, object]) -> dict[str, list[str]]:
    with pytest.raises(InvalidAnswers) as caught:
        score(BG, answers)
    return {k: [p.message.en for p in v] for k, v in caught.value.by_input().items()}


def test_every_problem_is_reported_at_once() -> None:
    bad = {
        **VALID,
        "workers": -5,
        "mask_rate_pct": 120,
        "cs4": "sometimes",
        "colour": "red",
    }
    del bad["cs7"]
    found = problems(bad)
    assert set(found) == {"workers", "mask_rate_pct", "cs4", "colour", "cs7"}
    assert found["cs7"] == ["is missing"]
    assert found["colour"] == ["is not an input of this rule set"]


def test_contradicting_counts_name_both_inputs_by_their_labels() -> None:
    found = problems({**VALID, "smartphone_owners": 3500, "bluezone_installed": 3600})
    assert any("«Workers on site»" in m for m in found["smartphone_owners"])
    assert not any("smartphone_owners" in m or "workers" in m for m in found["bluezone_installed"])
    assert any("smartphone" in m.lower() for m in found["bluezone_installed"])


@pytest.mark.parametrize(
    ("input_id", "value"),
    [
        ("workers", 10.5),
        ("workers", "3000"),
        ("workers", True),
        ("workers", 0),
        ("workshop_area_m2", 0),
        ("handwash_rate_pct", -0.01),
        ("handwash_rate_pct", float("nan")),
        ("health_declared", -1),
        ("qr_checkin", 1),
    ],
)
def test_bad_values_are_refused(input_id: str, value: object) -> None:
    assert input_id in problems({**VALID, input_id: value})


def test_message_is_bilingual_and_says_what_is_allowed() -> None:
    with pytest.raises(InvalidAnswers) as caught:
        score(BG, {**VALID, "cs6": "far"})
    text = str(caught.value)
    assert "không phải lựa chọn hợp lệ" in text and "is not one of the options" in text
    assert "«2 m or more, or screens»; «1 m to under 2 m»; «Under 1 m»" in text
    assert "ge_2m_or_screens" not in text  # options by their labels, never by their ids


def test_whole_floats_count_as_whole_numbers() -> None:
    assert score(BG, {**VALID, "workers": 3000.0}).total == score(BG, VALID).total


def test_partial_validation_allows_missing_answers_for_drafts() -> None:
    from app.scoring.compiler import compile_ruleset

    validator = compile_ruleset(BG).validator
    clean, _ = validator.validate({"workers": 120}, partial=True)
    assert clean == {"workers": 120}
    with pytest.raises(InvalidAnswers):
        validator.validate({"workers": "many"}, partial=True)
