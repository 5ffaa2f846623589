"""The credibility checks, table-tested with one case per flag (and its near miss), and a property:
a consistent submission, however drawn, raises no flag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assessment import registry
from app.credibility.checks import Evaluator, Facts, Filing, RuleSetFacts, digest, evaluate, parse, shipped
from app.credibility.explain import explain
from app.scoring import score
from app.scoring.compiler import compile_ruleset
from seed.answers import choice_tables

LOADED = registry.get("bg-kcn-2021")
RULESET = RuleSetFacts.of(compile_ruleset(LOADED))
RULES = shipped()
DUE = datetime(2021, 6, 13, 16, 59, tzinfo=UTC)

TABLES = choice_tables(LOADED.ruleset)  # each choice's options, lowest risk first
HONEST: dict[str, Any] = {
    "workers": 1200,
    "workshop_area_m2": 6000,
    "workers_from_outbreak_areas": 40,
    **{input_id: options[1] for input_id, options in TABLES.items()},  # the second-best everywhere
    "cs3": "f2",
    "mask_rate_pct": 95,
    "handwash_rate_pct": 80,
    "smartphone_owners": 1000,
    "bluezone_installed": 800,
    "health_declared": 1100,
}


def _valid(answers: dict[str, Any]) -> dict[str, Any]:
    """The scorer's clean form (and a check that the table's answers are valid at all)."""
    return dict(score(LOADED, answers).answers)


def _filing(answers: dict[str, Any], at: datetime | None = None) -> Filing:
    result = score(LOADED, answers)
    points = result.summary()["criteria"]
    return Filing(result.level_id, digest(answers), dict(result.answers), points, at)


def _facts(answers: dict[str, Any] | None = None, **overrides: Any) -> Facts:
    answers = answers or HONEST
    base: dict[str, Any] = {
        "filing": _filing(answers, DUE - timedelta(days=3)),
        "ruleset": RULESET,
        "earlier": (),
        "registry_workers": answers["workers"],
        "due_at": DUE,
        "reminded_at": None,
        "peers_changed": 0.8,
    }
    return Facts(**{**base, **overrides})


def _fired(facts: Facts) -> set[str]:
    return {f.rule_id for f in evaluate(RULES, facts)}


def test_the_table_answers_are_valid_and_honest() -> None:
    _valid(HONEST)
    assert _fired(_facts()) == set()


def _best_measures() -> dict[str, Any]:
    """Every measure at its best option, full adoption below the large-factory size."""
    answers = dict(HONEST, workers=800, smartphone_owners=700, bluezone_installed=700, health_declared=800)
    answers.update({input_id: options[0] for input_id, options in TABLES.items()}, cs3="f2")
    answers.update(mask_rate_pct=100, handwash_rate_pct=100)
    return answers


def test_counts_that_contradict_each_other() -> None:
    """The shipped rule set refuses these on entry (le_input), so a rule set without the bounds
    (an older or imported one) is where the flag matters: the check reads the answers as given."""
    facts = _facts()
    broken = Filing(facts.filing.level, "x", dict(HONEST, bluezone_installed=1100, health_declared=1300))
    fired = evaluate(RULES, Facts(broken, RULESET, registry_workers=1200))
    flag = next(f for f in fired if f.rule_id == "counts_contradict")
    assert flag.values["pairs"] == [
        ["bluezone", 1100, "smartphones", 1000],
        ["declared", 1300, "workers", 1200],
    ]
    text = explain(flag, RULES, LOADED.ruleset, "vi")
    assert "Số NLĐ đã cài Bluezone (1.100) > Số NLĐ có điện thoại thông minh (1.000)" in text


@pytest.mark.parametrize(
    ("registry", "fires"),
    [(3000, True), (1200, False), (1700, False), (1900, True), (None, False), (1230, False)],
)
def test_headcount_far_from_the_register(registry: int | None, fires: bool) -> None:
    # 1200 declared: 1.5x is 1800, and the gap must also be at least 50 workers
    assert ("headcount_far_from_registry" in _fired(_facts(registry_workers=registry))) is fires


def test_answers_frozen_while_the_area_changed() -> None:
    same = _filing(HONEST)
    assert "answers_frozen" in _fired(_facts(earlier=(same, same, same)))
    assert "answers_frozen" not in _fired(_facts(earlier=(same, same)))  # 3 rounds only
    assert "answers_frozen" not in _fired(_facts(earlier=(same, None, same)))  # a round not filed
    assert "answers_frozen" not in _fired(_facts(earlier=(same, same, same), peers_changed=0.3))
    other = _filing(dict(HONEST, mask_rate_pct=90))
    assert "answers_frozen" not in _fired(_facts(earlier=(same, other, same)))
    # the fingerprint does not depend on the order the answers were saved in
    assert digest(dict(reversed(list(HONEST.items())))) == digest(HONEST)


def test_a_level_drop_that_only_size_figures_explain() -> None:
    """Medium (93 points) to very low (45) in one round, only because the declared headcount, area
    and commuters changed: no measure was taken, no outbreak ended."""
    base = dict(_best_measures(), cs3="none", cs6=TABLES["cs6"][1], cs13=TABLES["cs13"][2])
    base.update(workers=5000, workshop_area_m2=3000, workers_from_outbreak_areas=2000)
    base.update(smartphone_owners=4000, bluezone_installed=3000, health_declared=4000)
    before = _filing(base)
    small = dict(base, workers=100, workshop_area_m2=100000, workers_from_outbreak_areas=0)
    small.update(smartphone_owners=80, bluezone_installed=60, health_declared=80)
    after = _facts(small, earlier=(before,), registry_workers=None)
    assert (before.level, after.filing.level) == ("medium", "very_low")
    fired = {f.rule_id: f for f in evaluate(RULES, after)}
    flag = fired["unexplained_drop"]
    assert flag.values["inputs"] == ["workers", "workshop_area_m2", "workers_from_outbreak_areas"]
    assert "(Nguy cơ trung bình → Nguy cơ rất thấp)" in explain(flag, RULES, LOADED.ruleset, "vi")
    # the same fall with a measure taken (distance between workstations) is explained
    measured = dict(small, cs6=TABLES["cs6"][0])
    assert "unexplained_drop" not in _fired(_facts(measured, earlier=(before,), registry_workers=None))
    # an outbreak that ended is a fact that justifies a fall
    with_case = _filing(dict(base, cs3="f2"))
    assert "unexplained_drop" not in _fired(_facts(small, earlier=(with_case,), registry_workers=None))
    # a fall of one band is not judged
    assert "unexplained_drop" not in _fired(_facts(dict(small, workers=5000), earlier=(before,)))


def test_perfect_at_the_last_minute_after_a_reminder() -> None:
    best = _best_measures()
    at = DUE - timedelta(hours=3)
    reminded = DUE - timedelta(hours=8)
    facts = _facts(best, filing=_filing(best, at), reminded_at=reminded)
    fired = {f.rule_id: f for f in evaluate(RULES, facts)}
    assert fired["perfect_after_reminder"].values == {"hours": 3.0}
    assert "3 hours before" in explain(fired["perfect_after_reminder"], RULES, LOADED.ruleset, "en")
    # no reminder, a reminder after filing, filed days early, filed late, or one measure missing
    assert "perfect_after_reminder" not in _fired(_facts(best, filing=_filing(best, at)))
    later = DUE - timedelta(hours=1)
    assert "perfect_after_reminder" not in _fired(_facts(best, filing=_filing(best, at), reminded_at=later))
    early = _filing(best, DUE - timedelta(days=2))
    assert "perfect_after_reminder" not in _fired(_facts(best, filing=early, reminded_at=reminded))
    late = _filing(best, DUE + timedelta(hours=2))
    assert "perfect_after_reminder" not in _fired(_facts(best, filing=late, reminded_at=reminded))
    short = dict(best, mask_rate_pct=90)
    assert "perfect_after_reminder" not in _fired(
        _facts(short, filing=_filing(short, at), reminded_at=reminded)
    )


@pytest.mark.parametrize(
    ("area", "fires"), [(500, True), (600, False), (2_400_000, False), (2_500_000, True)]
)
def test_area_per_worker_that_cannot_be(area: float, fires: bool) -> None:
    answers = dict(HONEST, workshop_area_m2=area)
    _valid(answers)
    assert ("implausible_area" in _fired(_facts(answers))) is fires


def test_full_adoption_in_a_large_factory() -> None:
    full = dict(HONEST, bluezone_installed=1000, health_declared=1200)
    fired = {f.rule_id: f for f in evaluate(RULES, _facts(full))}
    assert fired["perfect_adoption_large"].values == {"what": ["bluezone", "declared"], "workers": 1200}
    assert explain(fired["perfect_adoption_large"], RULES, LOADED.ruleset, "vi") == (
        "Tỷ lệ cài Bluezone, khai báo y tế đúng 100 % ở doanh nghiệp 1.200 NLĐ."
    )
    small = dict(full, workers=900, smartphone_owners=800, bluezone_installed=800, health_declared=900)
    assert "perfect_adoption_large" not in _fired(_facts(small))


def test_flags_come_most_serious_first() -> None:
    answers = dict(HONEST, bluezone_installed=1000, health_declared=1200, workshop_area_m2=100)
    flags = evaluate(RULES, _facts(answers, registry_workers=5000))
    assert [f.severity for f in flags] == ["medium", "medium", "low"]


def test_rules_that_name_a_missing_input_are_skipped_and_bad_files_refused() -> None:
    other = registry.get("vn-2194-2020")
    facts = RuleSetFacts.of(compile_ruleset(other))
    if "workshop_area_m2" not in facts.input_ids:
        plain = Facts(Filing(None, "x", {}), facts)
        assert evaluate(RULES, plain) == []
    with pytest.raises(ValueError, match="unknown check"):
        parse("version: 1\nrules:\n- {id: a, check: nope, severity: low, explain: {vi: x, en: y}}")
    with pytest.raises(ValueError, match="needs"):
        parse("version: 1\nrules:\n- {id: a, check: headcount_gap, severity: low, explain: {vi: x, en: y}}")
    with pytest.raises(ValueError, match="placeholders"):
        parse(
            "version: 1\nrules:\n- {id: a, check: level_drop, severity: low, params: {bands: 2},"
            " explain: {vi: '{bands}', en: 'x'}}"
        )


def test_one_evaluator_judges_each_rule_set_by_its_own_questions() -> None:
    """A round's recomputation judges every submission with one Evaluator, which remembers the
    rules that apply per rule set: a set that asks nothing about Bluezone never gets its flags,
    however the submissions of the two sets alternate."""
    other = RuleSetFacts.of(compile_ruleset(registry.get("vn-2194-2020")))
    # more installs than smartphones (an older or imported rule set may not refuse it)
    filing = Filing(None, "x", dict(HONEST, bluezone_installed=1100))
    ours = Facts(filing, RULESET, registry_workers=1200, due_at=DUE)
    theirs = Facts(filing, other, registry_workers=1200, due_at=DUE)
    judge = Evaluator(RULES)
    for facts in (ours, theirs, ours, theirs):
        assert judge(facts) == evaluate(RULES, facts)
    assert "counts_contradict" in {f.rule_id for f in judge(ours)}
    assert "counts_contradict" not in {f.rule_id for f in judge(theirs)}


@st.composite
def consistent(draw: st.DrawFn) -> Facts:
    """A company that tells a plausible, changing story: ordered counts near its register, a
    working area of 2–50 m² a worker, adoption under 100 %, filed days ahead or without a reminder,
    and earlier rounds that differ from this one."""
    workers = draw(st.integers(30, 20_000))
    phones = draw(st.integers(0, workers))
    answers = dict(HONEST)
    answers.update(
        workers=workers,
        workshop_area_m2=round(workers * draw(st.floats(2, 50)), 1),
        workers_from_outbreak_areas=draw(st.integers(0, workers)),
        smartphone_owners=phones,
        bluezone_installed=draw(st.integers(0, max(phones - 1, 0))),
        health_declared=draw(st.integers(0, workers - 1)),
        mask_rate_pct=draw(st.integers(50, 99)),
        cs6=draw(st.sampled_from(["ge_2m_or_screens", "1_to_2m", "lt_1m"])),
    )
    registry_workers = int(workers * draw(st.floats(0.8, 1.2)))
    at = DUE - timedelta(hours=draw(st.floats(0, 200)))
    reminded = draw(st.none() | st.just(at + timedelta(hours=1)))  # after filing, or never
    earlier = tuple(
        Filing(None, draw(st.text(min_size=1, max_size=4)), None) for _ in range(draw(st.integers(0, 4)))
    )
    return _facts(
        answers,
        filing=_filing(answers, at),
        registry_workers=registry_workers,
        reminded_at=reminded,
        earlier=earlier,
    )


@settings(max_examples=300, deadline=None)
@given(consistent())
def test_a_consistent_submission_raises_no_flag(facts: Facts) -> None:
    assert evaluate(RULES, facts) == []
