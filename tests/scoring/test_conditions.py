"""Rule sets of the second kind: questions asked only for some answers, conditions that must hold,
and the area's epidemic level. Table tests with near misses on the shipped set, the schema's
refusals, and Hypothesis: a hidden question's answer never changes the result, and the batch scorer
equals the reference on every row."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.assessment import registry
from app.assessment.answers import InvalidAnswers
from app.assessment.loader import RuleSetError, parse_ruleset
from app.assessment.registry import RULESET_DIR
from app.scoring import batch, score
from app.scoring.batch import as_rows, score_json, score_many
from app.scoring.compiler import compile_ruleset
from app.scoring.sample import safest_answers
from tests.scoring.test_batch import reference
from tests.strategies import answers_for

DK = "bg-kcn-dk-2021"
SCREENING = ("screening_interval_days", "screening_coverage_pct")


def sample(**changes: Any) -> dict[str, Any]:
    answers = safest_answers(compile_ruleset(registry.get(DK)))
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


def outcome(result: Any, condition_id: str) -> str:
    return str(next(c.outcome for c in result.conditions if c.id == condition_id))


# -- table tests: each condition, with its near misses -------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected", "may_operate"),
    [(1, "passed", True), (7, "passed", True), (8, "failed", False), (30, "failed", False)],
)
def test_screening_every_7_days_at_level_3(days: int, expected: str, may_operate: bool) -> None:
    result = score(registry.get(DK), sample(epidemic_level="3", screening_interval_days=days))
    assert outcome(result, "screening_every_7_days") == expected
    assert result.may_operate is may_operate  # a failed blocking condition caps "may operate"
    assert result.compliance == ("compliant" if may_operate else "non_compliant")
    assert result.level_id == "very_low"  # whatever the index says


@pytest.mark.parametrize(
    ("share", "expected"), [(20, "passed"), (19.99, "failed"), (100, "passed"), (0, "failed")]
)
def test_screening_covers_20_percent(share: float, expected: str) -> None:
    result = score(
        registry.get(DK), sample(epidemic_level="4", sector="garments", screening_coverage_pct=share)
    )
    assert outcome(result, "screening_covers_20_pct") == expected
    # a condition with a fix by a date lets the business operate: partly compliant
    assert result.may_operate
    assert result.compliance == ("compliant" if expected == "passed" else "partially_compliant")


@pytest.mark.parametrize(
    ("sector", "expected"),
    [("garments", "failed"), ("footwear", "failed"), ("electronics", "failed"), ("other", "not_applicable")],
)
def test_the_coverage_condition_holds_only_for_labour_intensive_sectors(sector: str, expected: str) -> None:
    """The same 5 % coverage fails a garment, footwear or electronics factory, and is not asked of
    a packaging plant (the sector comes from the company's profile, not from the company)."""
    result = score(registry.get(DK), sample(epidemic_level="3", sector=sector, screening_coverage_pct=5))
    assert outcome(result, "screening_covers_20_pct") == expected


@pytest.mark.parametrize(
    ("level", "share", "expected"),
    [("2", 99.99, "failed"), ("2", 100, "passed"), ("1", None, "not_applicable")],
)
def test_only_risk_controlled_workers_from_level_2(level: str, share: float | None, expected: str) -> None:
    result = score(registry.get(DK), sample(epidemic_level=level, risk_controlled_pct=share))
    assert outcome(result, "only_risk_controlled_workers") == expected


@pytest.mark.parametrize(
    ("plan", "expected"), [("approved", "passed"), ("written", "passed"), ("none", "failed")]
)
def test_a_lockdown_plan_applies_at_every_level(plan: str, expected: str) -> None:
    result = score(registry.get(DK), sample(epidemic_level="1", lockdown_plan=plan))
    assert outcome(result, "lockdown_plan_ready") == expected


def test_a_level_1_factory_is_not_asked_about_screening() -> None:
    """The screening answers of a level-1 factory are not checked, not scored and not kept: an
    absurd value there is no error, and its conditions are not applicable."""
    answers = sample(epidemic_level="1", screening_interval_days=-5, screening_coverage_pct="lots")
    result = score(registry.get(DK), answers)
    assert set(SCREENING) <= result.hidden and "risk_controlled_pct" in result.hidden
    assert not set(SCREENING) & set(result.answers)
    assert outcome(result, "screening_every_7_days") == "not_applicable"
    assert result.compliance == "compliant"  # the lockdown plan still applies, and passes


def test_at_level_3_a_missing_screening_answer_is_refused() -> None:
    answers = sample(epidemic_level="3")
    del answers["screening_interval_days"]
    with pytest.raises(InvalidAnswers) as refused:
        score(registry.get(DK), answers)
    assert [p.input_id for p in refused.value.problems] == ["screening_interval_days"]


def test_the_failed_conditions_are_in_both_languages_in_the_json() -> None:
    result = score(
        registry.get(DK), sample(epidemic_level="3", screening_interval_days=10, lockdown_plan="none")
    )
    listed = result.to_dict()["failed_conditions"]
    assert [c["id"] for c in listed] == ["screening_every_7_days", "lockdown_plan_ready"]
    assert all(c["title"]["vi"] and c["title"]["en"] and c["action"]["vi"] for c in listed)
    assert result.summary()["failed_conditions"] == ["screening_every_7_days", "lockdown_plan_ready"]
    assert result.summary()["compliance"] == "non_compliant"


def test_a_points_only_set_has_no_compliance() -> None:
    result = score(registry.get("bg-kcn-2021"), safest_answers(compile_ruleset(registry.get("bg-kcn-2021"))))
    assert result.compliance is None and "compliance" not in result.summary()


# -- the maximum adjusts when a criterion's question is hidden -------------------------------------

SMALL = """
id: small
version: 1
title: {vi: Nhỏ, en: Small}
issuer: {vi: Thử, en: Test}
decision: test
complete: true
scale: {max_total: 31}
inputs:
  - id: dorm
    kind: choice
    label: {vi: Ký túc xá, en: Dormitory}
    options:
      - {id: "no", label: {vi: Không, en: "No"}}
      - {id: "yes", label: {vi: Có, en: "Yes"}}
  - id: per_room
    kind: integer
    label: {vi: Số người mỗi phòng, en: People per room}
    ge: 1
    depends_on: {all: [{input: dorm, in: ["yes"]}]}
  - id: masks
    kind: choice
    label: {vi: Khẩu trang, en: Masks}
    options:
      - {id: all, label: {vi: Đủ, en: All}}
      - {id: some, label: {vi: Thiếu, en: Some}}
sections:
  - id: s
    title: {vi: Phần, en: Section}
    criteria:
      - id: C1
        title: {vi: Phòng, en: Rooms}
        max: 10
        provenance: reconstructed
        rule:
          kind: bands
          input: per_room
          bands: [{ge: 1, le: 4, points: 0}, {gt: 4, points: 10}]
      - id: C2
        title: {vi: Khẩu trang, en: Masks}
        max: 20
        provenance: reconstructed
        rule: {kind: choice, input: masks, points: {all: 0, some: 20}}
      - id: C3
        title: {vi: Có KTX, en: Has dorm}
        max: 1
        provenance: reconstructed
        rule: {kind: choice, input: dorm, points: {"no": 0, "yes": 1}}
levels:
  - {id: low, label: {vi: Thấp, en: Low}, color: "#00ff00", band: {ge: 0, le: 50}, may_operate: true,
     obligation: {vi: Tiếp tục, en: Go on}, provenance: reconstructed, obligation_provenance: reconstructed}
  - {id: high, label: {vi: Cao, en: High}, color: "#ff0000", band: {gt: 50}, may_operate: false,
     obligation: {vi: Dừng, en: Stop}, provenance: reconstructed, obligation_provenance: reconstructed}
"""


def test_a_hidden_criterion_leaves_the_maximum_and_the_index_stays_comparable() -> None:
    """Without a dormitory, C1 is not asked: 20 points of 20 is 100 %, not 20 of 30 (66.67 %)."""
    loaded = parse_ruleset(SMALL)
    without = score(loaded, {"dorm": "no", "masks": "some", "per_room": 99})
    assert without.hidden == {"per_room"} and without.max_total == 21 and without.total == 20
    assert without.index == 95.24 and without.level_id == "high"
    c1 = next(c for c in without.criteria if c.id == "C1")
    assert c1.not_asked and c1.points == 0 and "not asked" in c1.fired.en
    assert [s.max for s in without.sections] == [21]
    with_dorm = score(loaded, {"dorm": "yes", "masks": "all", "per_room": 5})
    assert with_dorm.max_total == 31 and with_dorm.total == 11 and with_dorm.index == 35.48
    assert as_rows(score_many(compile_ruleset(loaded), [{"dorm": "no", "masks": "some"}]), 31) == [
        ("high", 95.24, False)
    ]


# -- the schema refuses what cannot work --------------------------------------------------------


def _dk_text() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((RULESET_DIR / DK / "v1.yaml").read_text(encoding="utf-8"))
    return loaded


def _refusal(data: dict[str, Any]) -> str:
    with pytest.raises(RuleSetError) as refused:
        parse_ruleset(yaml.safe_dump(data, allow_unicode=True))
    return "\n".join(refused.value.problems)


def _input(data: dict[str, Any], input_id: str) -> dict[str, Any]:
    return next(i for i in data["inputs"] if i["id"] == input_id)


def test_a_condition_on_a_question_that_does_not_exist_is_refused() -> None:
    data = _dk_text()
    data["conditions"][0]["evidence"] = "screening_days"
    assert "conditions[0] (screening_every_7_days).evidence: unknown input 'screening_days'" in _refusal(data)


def test_a_dependency_on_an_unknown_option_is_refused() -> None:
    data = _dk_text()
    _input(data, "screening_interval_days")["depends_on"] = {
        "any": [{"input": "epidemic_level", "in": ["5"]}]
    }
    assert "in: 5 not an option of 'epidemic_level'" in _refusal(data)


def test_questions_that_depend_on_each_other_in_a_cycle_are_refused() -> None:
    data = _dk_text()
    _input(data, "screening_interval_days")["depends_on"] = {
        "all": [{"input": "screening_coverage_pct", "ge": 1}]
    }
    _input(data, "screening_coverage_pct")["depends_on"] = {
        "all": [{"input": "screening_interval_days", "ge": 1}]
    }
    problems = _refusal(data)
    assert (
        "cycle" in problems and "screening_interval_days" in problems and "screening_coverage_pct" in problems
    )


def test_a_condition_that_lets_work_go_on_must_give_a_date() -> None:
    data = _dk_text()
    del data["conditions"][1]["on_fail"]["fix_within_days"]
    assert "fix_within_days" in _refusal(data)


def test_the_area_level_must_offer_levels_1_to_4() -> None:
    data = _dk_text()
    _input(data, "epidemic_level")["options"] = _input(data, "epidemic_level")["options"][:3]
    assert "epidemic level is a choice of options 1, 2, 3, 4" in _refusal(data)


def test_a_condition_for_a_sector_the_set_does_not_know_is_refused() -> None:
    data = _dk_text()
    data["conditions"][1]["sectors"] = ["garments", "mining"]
    assert "sectors: mining not an option of 'sector'" in _refusal(data)


def test_a_test_needs_options_or_a_range() -> None:
    data = _dk_text()
    data["conditions"][0]["passes"] = {}
    assert "either `in: [options]`" in _refusal(data)


# -- Hypothesis: hidden answers never matter; the batch equals the reference ----------------------

LOADED = registry.get(DK)
COMPILED = compile_ruleset(LOADED)
HIDDEN_AT_LEVEL_1 = ("risk_controlled_pct", *SCREENING)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_hidden_questions_answer_never_changes_the_result(data: st.DataObject) -> None:
    answers = dict(data.draw(answers_for(LOADED.ruleset)))
    answers["epidemic_level"] = "1"
    base = {k: v for k, v in answers.items() if k not in HIDDEN_AT_LEVEL_1}
    noisy = dict(base)
    for input_id in HIDDEN_AT_LEVEL_1:
        noisy[input_id] = data.draw(
            st.one_of(st.none(), st.integers(-(10**6), 10**6), st.floats(allow_nan=True), st.text(max_size=3))
        )
    noisy = {k: v for k, v in noisy.items() if v is not None}
    try:
        expected = score(COMPILED, base).summary()
    except InvalidAnswers:
        with pytest.raises(InvalidAnswers):
            score(COMPILED, noisy)
        return
    assert score(COMPILED, noisy).summary() == expected


@st.composite
def mixed_populations(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for row in draw(st.lists(answers_for(LOADED.ruleset), min_size=1, max_size=20)):
        row = dict(row)
        row["epidemic_level"] = draw(st.sampled_from(["1", "2", "3", "4"]))
        for input_id in HIDDEN_AT_LEVEL_1:  # asked or not, answered or not, sometimes nonsense
            how = draw(st.sampled_from(["keep", "drop", "bad", "edge"]))
            if how == "drop":
                row.pop(input_id, None)
            elif how == "bad":
                row[input_id] = draw(st.sampled_from([-1, "x", 10**30, 7.5]))
            elif how == "edge":
                row[input_id] = {"screening_interval_days": 7, "screening_coverage_pct": 20}.get(
                    input_id, 100
                )
        row["lockdown_plan"] = draw(st.sampled_from(["approved", "written", "none"]))
        rows.append(row)
    return rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=mixed_populations())
def test_the_batch_scorer_equals_the_reference_on_conditional_answers(rows: list[dict[str, Any]]) -> None:
    expected = [reference(COMPILED, r) for r in rows]
    assert as_rows(score_many(COMPILED, rows), COMPILED.max_total) == expected
    assert as_rows(score_json(COMPILED, [json.dumps(r) for r in rows]), COMPILED.max_total) == expected


def test_the_batch_scorer_judges_conditional_rows_without_the_reference() -> None:
    """Valid rows at every level, hidden questions absent or present, are scored by the columns:
    none of them is handed to the per-row scorer (that would be 100× slower at a province's size)."""
    rows = [sample(epidemic_level=level) for level in "1234"]
    rows += [{**sample(epidemic_level="1"), "screening_interval_days": 9}]
    assert score_many(COMPILED, rows).valid.all()

    cols = batch._Columns.of_dicts(COMPILED, rows)
    cols.settle(COMPILED)
    assert cols.ok.all()
