"""The checks behind the credibility rules: pure functions of what a submission says, what the
company said before, and what the register and the reminders know. Each returns the values its
explanation needs, or None when the submission gives it no reason for doubt."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from app import yaml_text
from app.credibility.rules import SEVERITY_ORDER, FlagRule, FlagRules
from app.scoring.engine import CompiledRuleSet


def digest(answers: Mapping[str, Any]) -> str:
    """A short fingerprint of an answer set, the same whatever order its keys were saved in: two
    rounds' answers are compared by it without decoding either."""
    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.blake2b(canonical.encode(), digest_size=10).hexdigest()


@dataclass(frozen=True, slots=True)
class RuleSetFacts:
    """What the checks need of the rule set that scored a submission."""

    level_ids: tuple[str, ...]
    min_points: Mapping[str, int]
    criterion_inputs: Mapping[str, tuple[str, ...]]
    actionable: frozenset[str]
    input_ids: frozenset[str]

    @classmethod
    def of(cls, compiled: CompiledRuleSet) -> RuleSetFacts:
        inputs = compiled.ruleset.inputs
        return cls(
            level_ids=tuple(compiled.level_ids),
            min_points={c.id: c.min_points for c in compiled.criteria},
            criterion_inputs={c.id: tuple(c.inputs) for c in compiled.criteria},
            actionable=frozenset(i.id for i in inputs if i.actionable),
            input_ids=frozenset(i.id for i in inputs),
        )

    def position(self, level: str | None) -> int | None:
        return self.level_ids.index(level) if level in self.level_ids else None


@dataclass(frozen=True, slots=True)
class Filing:
    """One round's counting submission. Earlier rounds' filings carry answers and points only
    where a check needs them (the service loads them for a level drop)."""

    level: str | None
    digest: str | None
    answers: Mapping[str, Any] | None = None
    points: Mapping[str, int] | None = None
    submitted_at: datetime | None = None
    level_ids: tuple[str, ...] | None = None  # of its own rule set, when it differs


@dataclass(frozen=True, slots=True)
class Facts:
    filing: Filing
    ruleset: RuleSetFacts
    earlier: Sequence[Filing | None] = ()  # the rounds before, newest first; None: not filed
    registry_workers: int | None = None
    due_at: datetime | None = None
    reminded_at: datetime | None = None  # the first reminder sent to the company for this round
    peers_changed: float | None = None  # share of the area's other filers whose answers changed
    # the national platforms' own figures for this workplace and round, where imported (issue 27):
    # workers_registered, bluezone_installed, health_declared
    platform: Mapping[str, int] | None = None


@dataclass(frozen=True, slots=True)
class Flag:
    rule_id: str
    severity: str
    values: dict[str, Any] = field(default_factory=dict)


Values = dict[str, Any] | None


@dataclass(frozen=True)
class Check:
    run: Callable[[Facts, Mapping[str, Any]], Values]
    required: frozenset[str]


def figure(value: Any) -> float | None:
    """An answer as the checks count it: a finite number (not a yes/no, not text, not infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if isinstance(value, int) or math.isfinite(value) else None


def _number(answers: Mapping[str, Any] | None, name: Any) -> float | None:
    return figure((answers or {}).get(name) if isinstance(name, str) else None)


def counts_order(facts: Facts, p: Mapping[str, Any]) -> Values:
    """Bluezone installed ≤ smartphone owners ≤ workers, and declarations ≤ workers: the rule set
    may not enforce it (an imported or older rule set), so it is checked here as well."""
    answers = facts.filing.answers
    pairs = (
        ("bluezone", "smartphones"),
        ("smartphones", "workers"),
        ("bluezone", "workers"),
        ("declared", "workers"),
    )
    broken = []
    for small, large in pairs:
        a, b = _number(answers, p[small]), _number(answers, p[large])
        if a is not None and b is not None and a > b:
            broken.append([small, a, large, b])
    return {"pairs": broken} if broken else None


def headcount_gap(facts: Facts, p: Mapping[str, Any]) -> Values:
    answered, registry = _number(facts.filing.answers, p["input"]), facts.registry_workers
    if answered is None or not registry:
        return None
    low, high = sorted((answered, registry))
    if high - low >= p["min_difference"] and (low == 0 or high / low > p["max_ratio"]):
        return {"answered": int(answered), "registry": int(registry)}
    return None


def unchanged(mine: str | None, earlier: Sequence[str | None], rounds: int) -> bool:
    """The same fingerprint in this round and the `rounds - 1` before it (newest first; None: not
    filed), every one filed."""
    before = earlier[: rounds - 1]
    if mine is None or len(before) < rounds - 1:
        return False
    return all(d is not None and d == mine for d in before)


def _unchanged_for(facts: Facts, rounds: int) -> bool:
    return unchanged(
        facts.filing.digest, [f.digest if f is not None else None for f in facts.earlier], rounds
    )


def frozen_answers(facts: Facts, p: Mapping[str, Any]) -> Values:
    """The same answers round after round while the area around moved: copied, not assessed."""
    rounds = int(p["rounds"])
    if not _unchanged_for(facts, rounds):
        return None
    if facts.peers_changed is None or facts.peers_changed < p["peers_changed_at_least"]:
        return None
    return {"rounds": rounds, "peers": facts.peers_changed}


def fell(
    now: str | None, then: str | None, ids: tuple[str, ...], then_ids: tuple[str, ...] | None, bands: int
) -> bool:
    """Whether the level fell by `bands` or more since the round before, both in the same bands
    (`ids`, the rule set's levels, lowest risk first; `then_ids`, those the earlier filing was
    scored in)."""
    if then is None or now not in ids:
        return False
    if (then_ids or ids) != ids or then not in ids:
        return False  # another rule set's bands: not comparable by position
    return ids.index(then) - ids.index(now) >= bands


def level_drop_candidate(facts: Facts, bands: int) -> bool:
    """Whether the level fell enough that the previous answers are needed to judge it."""
    previous = facts.earlier[0] if facts.earlier else None
    if previous is None:
        return False
    return fell(facts.filing.level, previous.level, facts.ruleset.level_ids, previous.level_ids, bands)


def level_drop(facts: Facts, p: Mapping[str, Any]) -> Values:
    """A fall of `bands` levels where no criterion that lost points had a measure (an actionable
    input) or a listed event (the outbreak status) change: only size figures moved."""
    bands = int(p["bands"])
    if not level_drop_candidate(facts, bands):
        return None
    previous = facts.earlier[0]
    assert previous is not None  # a candidate has one
    if previous.answers is None or previous.points is None or facts.filing.points is None:
        raise ValueError("level_drop needs the previous round's answers and points")
    now, then = facts.filing.answers or {}, previous.answers
    justifying = facts.ruleset.actionable | set(p.get("justified_by", ()))
    moved: list[str] = []
    for criterion, points in facts.filing.points.items():
        if points >= previous.points.get(criterion, points):
            continue
        changed = [i for i in facts.ruleset.criterion_inputs.get(criterion, ()) if now.get(i) != then.get(i)]
        if any(i in justifying for i in changed):
            return None
        moved += [i for i in changed if i not in moved]
    if not moved:
        return None
    return {"bands": bands, "before": previous.level, "after": facts.filing.level, "inputs": moved}


def last_minute(
    at: datetime | None, due: datetime | None, reminded: datetime | None, within: float
) -> float | None:
    """The hours before the deadline of a filing made within `within` of it, after a reminder;
    None otherwise (a late filing is late, not last-minute)."""
    if at is None or due is None or reminded is None or reminded >= at:
        return None
    hours = (due - at).total_seconds() / 3600
    return hours if 0 <= hours <= within else None


def last_minute_perfect(facts: Facts, p: Mapping[str, Any]) -> Values:
    """Filed hours before the deadline, after a reminder, with every measure the company takes
    (every criterion whose inputs are all actionable) at its lowest points."""
    f = facts.filing
    hours = last_minute(f.submitted_at, facts.due_at, facts.reminded_at, p["hours_before_due"])
    if hours is None or f.points is None:
        return None
    rs = facts.ruleset
    measures = [c for c in f.points if set(rs.criterion_inputs.get(c, ())) <= rs.actionable]
    if not measures or any(f.points[c] > rs.min_points.get(c, 0) for c in measures):
        return None
    return {"hours": round(hours, 1)}


def area_per_worker(facts: Facts, p: Mapping[str, Any]) -> Values:
    area, workers = _number(facts.filing.answers, p["area"]), _number(facts.filing.answers, p["workers"])
    if area is None or not workers:
        return None
    per_worker = area / workers
    if p["min_m2"] <= per_worker <= p["max_m2"]:
        return None
    return {"per_worker": round(per_worker, 2)}


def full_adoption(facts: Facts, p: Mapping[str, Any]) -> Values:
    answers = facts.filing.answers
    workers = _number(answers, p["workers"])
    if workers is None or workers < p["min_workers"]:
        return None
    phones, bluezone = _number(answers, p["smartphones"]), _number(answers, p["bluezone"])
    declared = _number(answers, p["declared"])
    what = []
    if bluezone is not None and phones and bluezone == phones:
        what.append("bluezone")
    if declared is not None and declared == workers:
        what.append("declared")
    return {"what": what, "workers": int(workers)} if what else None


def platform_gap(facts: Facts, p: Mapping[str, Any]) -> Values:
    """More installs or declarations claimed than the platforms themselves counted, beyond a
    tolerance (the platforms' exports lag a day or two): over-reporting, which the page alone could
    never see."""
    if facts.platform is None:
        return None
    over = []
    for param, platform_key in (("bluezone", "bluezone_installed"), ("declared", "health_declared")):
        claimed, counted = _number(facts.filing.answers, p[param]), facts.platform.get(platform_key)
        if claimed is None or counted is None:
            continue
        if claimed - counted > max(p["share"] * counted, p["min_difference"]):
            over.append([param, int(claimed), int(counted)])
    return {"platform": over} if over else None


CHECKS: dict[str, Check] = {
    "counts_order": Check(counts_order, frozenset({"workers", "smartphones", "bluezone", "declared"})),
    "headcount_gap": Check(headcount_gap, frozenset({"input", "max_ratio", "min_difference"})),
    "frozen_answers": Check(frozen_answers, frozenset({"rounds", "peers_changed_at_least"})),
    "level_drop": Check(level_drop, frozenset({"bands"})),
    "last_minute_perfect": Check(last_minute_perfect, frozenset({"hours_before_due"})),
    "area_per_worker": Check(area_per_worker, frozenset({"area", "workers", "min_m2", "max_m2"})),
    "full_adoption": Check(
        full_adoption, frozenset({"min_workers", "workers", "smartphones", "bluezone", "declared"})
    ),
    "platform_gap": Check(platform_gap, frozenset({"bluezone", "declared", "share", "min_difference"})),
}

INPUT_PARAMS = ("input", "area", "workers", "smartphones", "bluezone", "declared")


RULES_FILE = Path(__file__).parents[1] / "assessment" / "rulesets" / "credibility.yaml"


def parse(text: str) -> FlagRules:
    """The rules, checked whole: a typo in a check's name, a missing parameter or placeholders that
    differ between the languages fail at load, not on a submit."""
    rules = FlagRules.model_validate(yaml_text.load(text))
    for rule in rules.rules:
        if rule.check not in CHECKS:
            known = ", ".join(sorted(CHECKS))
            raise ValueError(f"{rule.id}: unknown check {rule.check!r}; known: {known}")
        missing = CHECKS[rule.check].required - set(rule.params)
        if missing:
            raise ValueError(f"{rule.id}: {rule.check} needs {', '.join(sorted(missing))}")
    return rules


@cache
def shipped() -> FlagRules:
    return parse(RULES_FILE.read_text(encoding="utf-8"))


def applies(rule: FlagRule, ruleset: RuleSetFacts) -> bool:
    """A rule whose named inputs the rule set does not ask for says nothing about its submissions."""
    named = [rule.params[k] for k in INPUT_PARAMS if k in rule.params]
    return all(name in ruleset.input_ids for name in named)


class Evaluator:
    """Every rule that fires for a submission, the most serious first. Which rules apply depends on
    the rule set alone, so it is worked out once per rule set, not once per submission (a round's
    recomputation judges tens of thousands)."""

    def __init__(self, rules: FlagRules) -> None:
        self.rules = rules
        # by the rule set's identity; the entry holds the rule set, so the identity stays its own
        self._applicable: dict[int, tuple[RuleSetFacts, list[tuple[FlagRule, Check]]]] = {}

    def __call__(self, facts: Facts) -> list[Flag]:
        known = self._applicable.get(id(facts.ruleset))
        if known is None:
            rules = [(r, CHECKS[r.check]) for r in self.rules.rules if applies(r, facts.ruleset)]
            known = self._applicable[id(facts.ruleset)] = (facts.ruleset, rules)
        flags = []
        for rule, check in known[1]:
            values = check.run(facts, rule.params)
            if values is not None:
                flags.append(Flag(rule.id, rule.severity, values))
        return sorted(flags, key=lambda f: -SEVERITY_ORDER[f.severity])


def evaluate(rules: FlagRules, facts: Facts) -> list[Flag]:
    """Every rule that fires, the most serious first."""
    return Evaluator(rules)(facts)


def drop_bands(rules: FlagRules) -> int | None:
    """The smallest fall that a rule judges: the service loads the previous answers only then."""
    bands = [int(r.params["bands"]) for r in rules.rules if r.check == "level_drop"]
    return min(bands) if bands else None


def needs_platform(rules: FlagRules) -> bool:
    """Whether the platforms' figures are read at all."""
    return any(rule.check == "platform_gap" for rule in rules.rules)


def peer_streaks(rules: FlagRules) -> tuple[int, ...]:
    """The rounds of unchanged answers after which a frozen-answers rule asks for the area's share
    of changed answers (a rule whose threshold is above every share never asks)."""
    return tuple(
        int(rule.params["rounds"])
        for rule in rules.rules
        if rule.check == "frozen_answers" and rule.params["peers_changed_at_least"] <= 1.0
    )


def needs_peers(streaks: tuple[int, ...], facts: Facts) -> bool:
    """Whether the area's share of changed answers is needed: a frozen-answers rule would fire if
    every other filer of the area had changed theirs."""
    return any(_unchanged_for(facts, rounds) for rounds in streaks)
