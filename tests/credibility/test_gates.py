"""The gates let through every submission for which a credibility rule fires: whatever the answers
(numbers, equal counts, text, booleans, huge integers, NaN), the history, the clock and the rules'
thresholds, a row the checks would flag is never stopped. The service judges only what the gates
let through, so this property is what keeps a recomputation's flags those of the checks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.assessment import registry
from app.credibility.checks import Evaluator, Facts, Filing, RuleSetFacts, shipped
from app.credibility.gates import RoundRows, candidates, gate
from app.credibility.rules import FlagRule, FlagRules
from app.scoring.compiler import compile_ruleset

SETS = [RuleSetFacts.of(compile_ruleset(registry.get(r))) for r in ("bg-kcn-2021", "vn-2194-2020")]
SHIPPED = shipped()
DUE = datetime(2021, 6, 13, 16, 59, tzinfo=UTC)
# hours before the deadline: its edges (on the deadline, the shipped 12 hours) are drawn often
hours = st.sampled_from([0.0, 12.0, 0.5]) | st.floats(-30, 80)
INPUTS = ("workers", "smartphone_owners", "bluezone_installed", "health_declared", "workshop_area_m2")

# equal counts are what full adoption and the order checks turn on: a small pool makes them common
answer_values = (
    st.sampled_from([0, 1, 50, 1000, 1200, 2000, 1200.0, 0.0])
    | st.integers(-10, 5_000)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.text(max_size=2)
    | st.sampled_from([2**60, -(2**60), 2**53 + 1, float("nan")])
    | st.none()
)


# The strategies drawn many times an example are made once: a strategy made anew at every draw has
# its properties worked out anew by Hypothesis (most of this file's time, for the same data).
asked = st.integers(0, 9)
above_lowest = st.sampled_from([0, 0, 0, 5])
rule_sets = st.sampled_from(SETS)
levels = {rule_set.level_ids: st.none() | st.sampled_from(rule_set.level_ids) for rule_set in SETS}
digests = st.sampled_from(["a", "b", None])
moments = st.none() | hours.map(lambda h: DUE - timedelta(hours=h))
registers = st.none() | st.sampled_from([0, 1000, 1200]) | st.integers(-5, 5_000)
shares = st.none() | st.floats(0, 1)
platforms = st.none() | st.fixed_dictionaries(
    {"bluezone_installed": st.integers(0, 3_000), "health_declared": st.integers(0, 3_000)}
)


@st.composite
def answers(draw: st.DrawFn) -> dict[str, Any]:
    return {name: draw(answer_values) for name in INPUTS if draw(asked)}


@st.composite
def points(draw: st.DrawFn, ruleset: RuleSetFacts) -> dict[str, int]:
    """At the lowest points, or a little above: last-minute perfection turns on the lowest."""
    return {c: low + draw(above_lowest) for c, low in ruleset.min_points.items()}


@st.composite
def filings(draw: st.DrawFn, ruleset: RuleSetFacts, at: bool) -> Filing:
    own = draw(rule_sets)  # an earlier round may have been scored by another rule set
    scored_by = ruleset if at else own
    return Filing(
        draw(levels[scored_by.level_ids]),
        draw(digests),
        draw(answers()),
        draw(points(ruleset)),
        draw(moments) if at else None,
        level_ids=None if at else scored_by.level_ids,
    )


@st.composite
def facts(draw: st.DrawFn, due_at: datetime | None) -> Facts:
    ruleset = draw(rule_sets)
    return Facts(
        draw(filings(ruleset, at=True)),
        ruleset,
        draw(st.lists(st.none() | filings(ruleset, at=False), max_size=5)),
        registry_workers=draw(registers),
        due_at=due_at,
        reminded_at=draw(moments),
        peers_changed=draw(shares),
        platform=draw(platforms),
    )


@st.composite
def rules(draw: st.DrawFn) -> FlagRules:
    """The shipped rules, their thresholds moved (a province tunes them in the YAML)."""
    moved: dict[str, dict[str, st.SearchStrategy[Any]]] = {
        "headcount_gap": {"max_ratio": st.floats(0.5, 3), "min_difference": st.integers(-5, 200)},
        "frozen_answers": {"rounds": st.integers(0, 6), "peers_changed_at_least": st.floats(0, 1.2)},
        "level_drop": {"bands": st.integers(-1, 4)},
        "last_minute_perfect": {"hours_before_due": st.sampled_from([0, 12]) | st.floats(0, 48)},
        "area_per_worker": {"min_m2": st.floats(0, 10), "max_m2": st.floats(5, 5_000)},
        "full_adoption": {"min_workers": st.integers(0, 2_500)},
        "platform_gap": {"share": st.floats(0, 0.5), "min_difference": st.integers(0, 50)},
    }
    out: list[FlagRule] = []
    for rule in SHIPPED.rules:
        params = dict(rule.params)
        for name, values in moved.get(rule.check, {}).items():
            params[name] = draw(values)
        out.append(rule.model_copy(update={"params": params}))
    return FlagRules(version=1, rules=tuple(out))


def rows_of(round_facts: Sequence[Facts], due_at: datetime | None) -> RoundRows:
    """The columns the service reads, here taken from each row's facts."""

    def previous(f: Facts) -> Filing | None:
        return f.earlier[0] if f.earlier else None

    return RoundRows(
        answers=[f.filing.answers for f in round_facts],
        digests=[f.filing.digest for f in round_facts],
        earlier_digests=[[e.digest if e else None for e in f.earlier] for f in round_facts],
        levels=[f.filing.level for f in round_facts],
        level_ids=[f.ruleset.level_ids for f in round_facts],
        previous_levels=[p.level if (p := previous(f)) else None for f in round_facts],
        previous_level_ids=[
            (p.level_ids or f.ruleset.level_ids) if (p := previous(f)) else None for f in round_facts
        ],
        registry_workers=[f.registry_workers for f in round_facts],
        submitted_at=[f.filing.submitted_at for f in round_facts],
        reminded_at=[f.reminded_at for f in round_facts],
        has_platform=[f.platform is not None for f in round_facts],
        due_at=due_at,
    )


@st.composite
def rounds(draw: st.DrawFn) -> tuple[datetime | None, list[Facts]]:
    due_at = draw(st.sampled_from([DUE, DUE, None]))
    return due_at, draw(st.lists(facts(due_at), min_size=1, max_size=12))


@settings(max_examples=400, deadline=None)
@given(rounds(), rules())
def test_no_rule_fires_on_a_row_its_gate_stopped(
    round_: tuple[datetime | None, list[Facts]], ruleset: FlagRules
) -> None:
    due_at, round_facts = round_
    rows = rows_of(round_facts, due_at)
    judge = Evaluator(ruleset)
    let_through = {rule.id: gate(rule, rows) for rule in ruleset.rules}
    anything = candidates(ruleset, rows)
    for i, f in enumerate(round_facts):
        fired = {flag.rule_id for flag in judge(f)}
        stopped = {rule_id for rule_id in fired if not let_through[rule_id][i]}
        assert stopped == set(), f"row {i}: {f}"
        assert anything[i] or not fired


def test_the_gates_stop_most_honest_rows() -> None:
    """The point of them: a round where nothing is doubtful lets (almost) nothing through."""
    honest = {"workers": 1200, "smartphone_owners": 1000, "bluezone_installed": 800, "health_declared": 1100}
    honest["workshop_area_m2"] = 6000
    ruleset = SETS[0]
    filed = Filing(ruleset.level_ids[1], "x", honest, {}, DUE - timedelta(days=2))
    before = [Filing(ruleset.level_ids[1], "y", level_ids=ruleset.level_ids)]
    row = Facts(filed, ruleset, before, registry_workers=1180, due_at=DUE)
    assert not candidates(SHIPPED, rows_of([row] * 50, DUE)).any()
    # and each kind of doubt opens its own gate
    copied = Facts(filed, ruleset, [Filing(ruleset.level_ids[1], "x")] * 4, registry_workers=1180, due_at=DUE)
    far = Facts(filed, ruleset, before, registry_workers=300, due_at=DUE)
    opened = {r.id for r in SHIPPED.rules if gate(r, rows_of([copied, far], DUE)).any()}
    assert opened == {"answers_frozen", "headcount_far_from_registry"}
