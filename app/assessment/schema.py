"""The rule-set schema: what a YAML rule set may say, checked before anything is scored with it.

Rule sets are data written by people (and later uploaded by admins), so every check here names the
path of the offending part and says what is wrong, instead of letting a bad table score silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Provenance = Literal["official", "secondary", "reconstructed"]
PROVENANCES: tuple[str, ...] = ("official", "secondary", "reconstructed")
Number = int | float
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$", max_length=64)]


HIGH_LEVELS = 2  # "high" and "very high": the top two levels of every shipped rule set


def high_levels(level_ids: Sequence[str]) -> list[str]:
    """The levels officials call high risk (the lists, the province view, the reports): one home
    for the idea, so that a rule set with another number of levels changes it in one place."""
    return list(level_ids[-HIGH_LEVELS:])


def numbering_key(identifier: str) -> tuple[str, int, str]:
    """CS4 before CS5 before CS10: the letters, then the number, then anything after it."""
    match = re.match(r"^(\D*)(\d+)(.*)$", identifier)
    if match is None:
        return (identifier, -1, "")
    return (match.group(1), int(match.group(2)), match.group(3))


class StrictModel(BaseModel):
    """Unknown keys are a typo or a misunderstanding: reject them rather than ignore them."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(StrictModel):
    """A bilingual text: Vietnamese first, English beside it."""

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


def exact_pair(value: float) -> tuple[int, int]:
    """A finite float as the decimal it prints as, (numerator, denominator), without Fraction's cost.

    99.99 becomes (9999, 100), not the binary neighbour 99.9899999…; the scorer calls this for
    every typed decimal, so it avoids Fraction's parser on the common fixed-point form.
    """
    text = repr(value)
    if "e" in text or "n" in text:
        fraction = Fraction(text)
        return fraction.numerator, fraction.denominator
    whole, _, decimals = text.partition(".")
    if decimals == "0":
        return int(whole), 1
    return int(whole + decimals), 10 ** len(decimals)


def exact(value: Number) -> Fraction:
    """The decimal the author wrote, as an exact fraction (2.5 stays 5/2, 0.1 stays 1/10)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(repr(float(value)))


class Interval(StrictModel):
    """A range with optional lower (ge / gt) and upper (le / lt) ends; a missing end is unbounded."""

    ge: Number | None = None
    gt: Number | None = None
    le: Number | None = None
    lt: Number | None = None

    @model_validator(mode="after")
    def _one_end_each(self) -> Interval:
        if self.ge is not None and self.gt is not None:
            raise ValueError("give the lower end once: either ge or gt, not both")
        if self.le is not None and self.lt is not None:
            raise ValueError("give the upper end once: either le or lt, not both")
        lower, upper = self.lower(), self.upper()
        if lower and upper:
            (lo, lo_incl), (hi, hi_incl) = lower, upper
            if lo > hi or (lo == hi and not (lo_incl and hi_incl)):
                raise ValueError(f"empty range: {self.describe()}")
        return self

    def lower(self) -> tuple[Fraction, bool] | None:
        if self.ge is not None:
            return exact(self.ge), True
        if self.gt is not None:
            return exact(self.gt), False
        return None

    def upper(self) -> tuple[Fraction, bool] | None:
        if self.le is not None:
            return exact(self.le), True
        if self.lt is not None:
            return exact(self.lt), False
        return None

    def describe(self) -> str:
        """A compact printed form, the way the decisions print their tables: '≥50 – <200', '≤15'."""
        lower, upper = self.lower(), self.upper()
        if lower and upper and lower[0] == upper[0]:
            return f"= {_fmt(lower[0])}"
        parts = []
        if lower:
            parts.append(("≥" if lower[1] else ">") + _fmt(lower[0]))
        if upper:
            parts.append(("≤" if upper[1] else "<") + _fmt(upper[0]))
        return " – ".join(parts) if parts else "mọi giá trị / any value"


def _fmt(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


class Band(Interval):
    """One row of a points table over a number: the range and the points it scores."""

    points: int = Field(ge=0)
    label: Text | None = None
    provenance: Provenance | None = None


class Option(StrictModel):
    id: Identifier
    label: Text
    help: Text | None = None
    recommendable: bool = Field(
        default=True,
        description="false for a situation, not a measure (no dormitory): never proposed as a fix",
    )


class Expect(StrictModel):
    """What an answer must be: one of some options (`in`), or inside a range (ge / gt / le / lt)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    options: list[str] | None = Field(default=None, alias="in", min_length=1)
    ge: Number | None = None
    gt: Number | None = None
    le: Number | None = None
    lt: Number | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Expect:
        bounds = [v for v in (self.ge, self.gt, self.le, self.lt) if v is not None]
        if (self.options is None) == (not bounds):
            raise ValueError("say either `in: [options]` (a choice) or a range (ge, gt, le, lt), once")
        if bounds:
            self.interval()  # an empty or doubly bounded range is refused here
        return self

    def interval(self) -> Interval:
        return Interval(ge=self.ge, gt=self.gt, le=self.le, lt=self.lt)

    def describe(self, labels: dict[str, Text] | None = None, lang: str = "vi") -> str:
        if self.options is not None:
            shown = [labels[o].get(lang) if labels and o in labels else o for o in self.options]
            return " / ".join(shown)
        return self.interval().describe()


class Test(Expect):
    """A test on an earlier answer: `{input: cs3, in: [f0, f1]}` or `{input: workers, ge: 50}`."""

    input: Identifier


class Applies(StrictModel):
    """When a question is asked or a condition applies: any or all of some tests (exactly one)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    any_of: list[Test] | None = Field(default=None, alias="any", min_length=1)
    all_of: list[Test] | None = Field(default=None, alias="all", min_length=1)

    @model_validator(mode="after")
    def _exactly_one(self) -> Applies:
        if (self.any_of is None) == (self.all_of is None):
            raise ValueError("give exactly one of `any:` or `all:`")
        return self

    @property
    def tests(self) -> list[Test]:
        return self.any_of or self.all_of or []

    @property
    def needs_all(self) -> bool:
        return self.all_of is not None


# what the system fills in instead of asking (`Input.provided_by`): the epidemic level of the
# company's area in the round, and the company's sector from its profile (the option whose label is
# the sector, else the catch-all option `other`)
EPIDEMIC_LEVELS = ("1", "2", "3", "4")
OTHER_SECTOR = "other"


class Input(StrictModel):
    """One answer the company gives. Counts and percentages are typed once; shares are derived."""

    id: Identifier
    kind: Literal["integer", "number", "choice"]
    label: Text
    help: Text | None = None
    unit: Text | None = None
    ge: Number | None = None
    gt: Number | None = None
    le: Number | None = None
    lt: Number | None = None
    le_input: Identifier | None = Field(
        default=None, description="the value may not exceed this other input's value"
    )
    options: list[Option] | None = None
    actionable: bool = Field(
        default=True,
        description="false for facts a company cannot change as a measure (headcount, floor area)",
    )
    depends_on: Applies | None = Field(
        default=None,
        description="asked only when these tests on other answers hold; otherwise not shown, "
        "not checked, not scored, and a stored answer is cleared",
    )
    provided_by: Literal["area_epidemic_level", "company_sector"] | None = Field(
        default=None,
        description="filled in by ZoneRisk, not asked: the area's epidemic level in the round, or the "
        "company's sector from its profile",
    )

    @model_validator(mode="after")
    def _kind_fits(self) -> Input:
        if self.kind == "choice":
            if not self.options:
                raise ValueError(f"choice input {self.id!r} needs options")
            if any(v is not None for v in (self.ge, self.gt, self.le, self.lt, self.le_input)):
                raise ValueError(f"choice input {self.id!r} cannot have numeric bounds")
            ids = [o.id for o in self.options]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"input {self.id!r}: option ids repeated: {', '.join(dupes)}")
        elif self.options:
            raise ValueError(f"{self.kind} input {self.id!r} cannot have options")
        return self

    def domain(self) -> Interval:
        return Interval(ge=self.ge, gt=self.gt, le=self.le, lt=self.lt)

    def option_ids(self) -> list[str]:
        return [o.id for o in self.options or []]


class ChoiceRule(StrictModel):
    kind: Literal["choice"]
    input: Identifier
    points: dict[str, Annotated[int, Field(ge=0)]]
    provenance: dict[str, Provenance] | None = Field(
        default=None, description="per-option provenance where it differs from the criterion's"
    )

    def reads(self) -> list[str]:
        return [self.input]

    def top(self) -> int:
        return max(self.points.values())

    def bottom(self) -> int:
        return min(self.points.values())

    def problems(self, path: str, inputs: dict[str, Input], max_points: int) -> list[str]:
        """Every option of its input scored, nothing else, nothing above the criterion's max."""
        source = inputs.get(self.input)
        if source is None:
            return [f"{path}.input: unknown input {self.input!r}"]
        if source.kind != "choice":
            return [f"{path}.input: {self.input!r} is a {source.kind} input, not a choice"]
        found: list[str] = []
        options = source.option_ids()
        missing = [o for o in options if o not in self.points]
        unknown = [o for o in self.points if o not in options]
        if missing:
            found.append(f"{path}.points: no points for option(s) {', '.join(missing)}")
        if unknown:
            found.append(
                f"{path}.points: {', '.join(unknown)} not an option of {self.input!r} ({', '.join(options)})"
            )
        for option, points in self.points.items():
            if points > max_points:
                found.append(f"{path}.points.{option}: {points} exceeds the max {max_points}")
        for option in self.provenance or {}:
            if option not in options:
                found.append(f"{path}.provenance.{option}: not an option of {self.input!r}")
        return found


class _Banded(StrictModel):
    """What the kinds with bands share: the range of points, and bands that tile their domain."""

    bands: list[Band] = Field(min_length=1)

    def top(self) -> int:
        return max(b.points for b in self.bands)

    def bottom(self) -> int:
        return min(b.points for b in self.bands)

    def _band_problems(self, path: str, domain: Interval, max_points: int) -> list[str]:
        found = check_bands(list(self.bands), domain, f"{path}.bands")
        for n, band in enumerate(self.bands):
            if band.points > max_points:
                found.append(f"{path}.bands[{n}].points: {band.points} exceeds the max {max_points}")
        return found


class BandsRule(_Banded):
    kind: Literal["bands"]
    input: Identifier

    def reads(self) -> list[str]:
        return [self.input]

    def problems(self, path: str, inputs: dict[str, Input], max_points: int) -> list[str]:
        source = inputs.get(self.input)
        if source is None:
            return [f"{path}.input: unknown input {self.input!r}"]
        if source.kind == "choice":
            return [f"{path}.input: {self.input!r} is a choice input; bands need a number"]
        return self._band_problems(path, source.domain(), max_points)


class RatioRule(_Banded):
    """numerator / denominator (kind ratio), or the same as a percentage (kind share).

    A zero denominator cannot be rated: it scores `not_applicable_points` and is reported as
    "not applicable" rather than as a division error.
    """

    kind: Literal["ratio", "share"]
    numerator: Identifier
    denominator: Identifier
    not_applicable_points: int = Field(default=0, ge=0)

    def reads(self) -> list[str]:
        return [self.numerator, self.denominator]

    def problems(self, path: str, inputs: dict[str, Input], max_points: int) -> list[str]:
        for end in (self.numerator, self.denominator):
            source = inputs.get(end)
            if source is None:
                return [f"{path}: unknown input {end!r}"]
            if source.kind == "choice":
                return [f"{path}: {end!r} is a choice input; a {self.kind} needs numbers"]
        bounded_share = self.kind == "share" and inputs[self.numerator].le_input == self.denominator
        found = []
        if self.not_applicable_points > max_points:
            found.append(f"{path}.not_applicable_points exceeds the max {max_points}")
        return found + self._band_problems(path, _PERCENT if bounded_share else _NON_NEGATIVE, max_points)


PartRule = Annotated[ChoiceRule | BandsRule | RatioRule, Field(discriminator="kind")]


class Part(StrictModel):
    id: Identifier
    label: Text
    rule: PartRule


class SumRule(StrictModel):
    kind: Literal["sum"]
    parts: list[Part] = Field(min_length=2)


Rule = Annotated[ChoiceRule | BandsRule | RatioRule | SumRule, Field(discriminator="kind")]


class Criterion(StrictModel):
    id: Identifier
    title: Text
    help: Text | None = None
    max: int = Field(ge=1)
    provenance: Provenance
    provenance_note: Text | None = None
    rule: Rule


class Section(StrictModel):
    id: Identifier
    title: Text
    criteria: list[Criterion] = Field(min_length=1)


class OperateCondition(StrictModel):
    """A condition a level puts on operating, e.g. HCMC's medium: no component at 7 points or more."""

    kind: Literal["no_criterion_points_at_least"]
    points: int = Field(ge=1)
    reason: Text


class Level(StrictModel):
    id: Identifier
    label: Text
    color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    band: Interval
    may_operate: bool
    conditions: list[OperateCondition] = Field(default_factory=list)
    not_operate_reason: Text | None = None
    obligation: Text
    provenance: Provenance
    obligation_provenance: Provenance


class Condition(StrictModel):
    input: Identifier
    equals: str


class Floor(StrictModel):
    """A rule that raises the level whatever the index says (an F0 case in the workforce)."""

    id: Identifier
    when: Condition
    level_at_least: Identifier
    reason: Text
    obligation: Text | None = None
    provenance: Provenance


class OnFail(StrictModel):
    """What failing a condition means: the business may not operate, or may with a fix by a date."""

    may_operate: bool
    fix_within_days: int | None = Field(default=None, ge=1, le=366)
    action: Text

    @model_validator(mode="after")
    def _fix_when_operating(self) -> OnFail:
        if self.may_operate and self.fix_within_days is None:
            raise ValueError("a condition that lets the business operate must say fix_within_days")
        return self


class Requirement(StrictModel):
    """A condition that must hold (pass/fail), proved by one answer: screening every 5–7 days,
    staff with a "thẻ xanh", a lockdown plan. It applies only where `applies_when` holds (e.g. the
    area at epidemic level 3 or 4) and its evidence question is asked."""

    id: Identifier
    title: Text
    evidence: Identifier
    passes: Expect
    applies_when: Applies | None = None
    sectors: list[str] | None = Field(
        default=None,
        min_length=1,
        description="the sectors it applies to: options of the set's company_sector input",
    )
    on_fail: OnFail
    provenance: Provenance
    source: str = Field(default="", max_length=300)


class Scale(StrictModel):
    max_total: int = Field(ge=1, description="index = total / max_total × 100")


class RuleSet(StrictModel):
    id: Identifier
    version: int = Field(ge=1)
    title: Text
    issuer: Text
    decision: str
    complete: bool
    incomplete_note: Text | None = None
    scale: Scale
    sources: list[str] = Field(default_factory=list)
    inputs: list[Input] = Field(min_length=1)
    sections: list[Section] = Field(min_length=1)
    levels: list[Level] = Field(min_length=2)
    floors: list[Floor] = Field(default_factory=list)
    conditions: list[Requirement] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        problems = _check_ruleset(self)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    # -- conveniences used by the scorer, the pages and the reports --------------------------
    def criteria(self) -> list[Criterion]:
        """In the order the form asks them: by section (CS5 belongs with the workforce)."""
        return [c for s in self.sections for c in s.criteria]

    def criteria_by_number(self) -> list[Criterion]:
        """In the decision's numbering (CS1, CS2 … CS10), the order reports list them in."""
        return sorted(self.criteria(), key=lambda c: numbering_key(c.id))

    def input(self, input_id: str) -> Input:
        for item in self.inputs:
            if item.id == input_id:
                return item
        raise KeyError(input_id)

    def level(self, level_id: str) -> Level:
        for item in self.levels:
            if item.id == level_id:
                return item
        raise KeyError(level_id)

    def provenances(self) -> set[str]:
        """Every provenance used anywhere in the set (criteria, options, bands, levels, floors)."""
        found: set[str] = set()
        for criterion in self.criteria():
            found.add(criterion.provenance)
            for rule in _leaf_rules(criterion.rule):
                if isinstance(rule, ChoiceRule) and rule.provenance:
                    found.update(rule.provenance.values())
                if isinstance(rule, (BandsRule, RatioRule)):
                    found.update(b.provenance for b in rule.bands if b.provenance)
        for level in self.levels:
            found.update((level.provenance, level.obligation_provenance))
        found.update(f.provenance for f in self.floors)
        found.update(c.provenance for c in self.conditions)
        return found

    @property
    def kind(self) -> str:
        """`points` (criteria and bands), or `combined` (points, and conditions that must hold)."""
        return "combined" if self.conditions else "points"

    @property
    def conditional(self) -> bool:
        """Some question is asked only for some answers, or some condition must hold."""
        return bool(self.conditions) or any(i.depends_on or i.provided_by for i in self.inputs)

    def condition(self, condition_id: str) -> Requirement:
        for item in self.conditions:
            if item.id == condition_id:
                return item
        raise KeyError(condition_id)

    @property
    def has_reconstructed(self) -> bool:
        return "reconstructed" in self.provenances()

    @property
    def selectable(self) -> bool:
        """Only a complete set may be chosen for a new assessment."""
        return self.complete


def _leaf_rules(rule: Rule) -> list[ChoiceRule | BandsRule | RatioRule]:
    if isinstance(rule, SumRule):
        return [p.rule for p in rule.parts]
    return [rule]


def rule_inputs(rule: Rule) -> list[str]:
    """The input ids a rule reads, in order, without repeats."""
    ids: list[str] = []
    for leaf in _leaf_rules(rule):
        ids.extend(n for n in leaf.reads() if n not in ids)
    return ids


def rule_max(rule: Rule) -> int:
    return sum(leaf.top() for leaf in _leaf_rules(rule))


def rule_min(rule: Rule) -> int:
    return sum(leaf.bottom() for leaf in _leaf_rules(rule))


def check_bands(bands: list[Interval], domain: Interval, path: str) -> list[str]:
    """Bands must be in ascending order, cover the domain, and neither leave a gap nor overlap."""
    problems: list[str] = []
    first_lower = bands[0].lower()
    domain_lower = domain.lower()
    if first_lower is not None:
        value, inclusive = first_lower
        if (
            domain_lower is None
            or value > domain_lower[0]
            or (value == domain_lower[0] and not inclusive and domain_lower[1])
        ):
            problems.append(
                f"{path}[0]: the first band starts at {bands[0].describe()} and leaves lower "
                f"values without points (allowed values: {domain.describe()})"
            )
    last_upper = bands[-1].upper()
    domain_upper = domain.upper()
    if last_upper is not None:
        value, inclusive = last_upper
        if (
            domain_upper is None
            or value < domain_upper[0]
            or (value == domain_upper[0] and not inclusive and domain_upper[1])
        ):
            problems.append(
                f"{path}[{len(bands) - 1}]: the last band ends at {bands[-1].describe()} and leaves "
                f"higher values without points (allowed values: {domain.describe()})"
            )
    for i in range(len(bands) - 1):
        upper, lower = bands[i].upper(), bands[i + 1].lower()
        where = f"{path}[{i}]–[{i + 1}]"
        if upper is None or lower is None:
            problems.append(
                f"{where}: bands overlap ({bands[i].describe()} and {bands[i + 1].describe()}): "
                "every band but the last needs an upper end, every band but the first a lower end"
            )
            continue
        (hi, hi_incl), (lo, lo_incl) = upper, lower
        if hi < lo or (hi == lo and not hi_incl and not lo_incl):
            problems.append(f"{where}: gap between {bands[i].describe()} and {bands[i + 1].describe()}")
        elif hi > lo or (hi_incl and lo_incl):
            problems.append(f"{where}: bands overlap ({bands[i].describe()} and {bands[i + 1].describe()})")
    return problems


_PERCENT = Interval(ge=0, le=100)
_NON_NEGATIVE = Interval(ge=0)


def _check_ruleset(rs: RuleSet) -> list[str]:
    problems: list[str] = []
    inputs = {i.id: i for i in rs.inputs}
    _dupes(problems, "inputs", [i.id for i in rs.inputs])
    _dupes(problems, "sections", [s.id for s in rs.sections])
    _dupes(problems, "criteria", [c.id for c in rs.criteria()])
    _dupes(problems, "levels", [lv.id for lv in rs.levels])

    for n, item in enumerate(rs.inputs):
        if item.le_input is not None:
            other = inputs.get(item.le_input)
            if other is None or other.kind == "choice":
                problems.append(f"inputs[{n}].le_input: {item.le_input!r} is not a numeric input")

    used: set[str] = set()
    for s_no, section in enumerate(rs.sections):
        for c_no, criterion in enumerate(section.criteria):
            path = f"sections[{s_no}].criteria[{c_no}] ({criterion.id})"
            rule = criterion.rule
            leaves: list[tuple[str, ChoiceRule | BandsRule | RatioRule]]
            if isinstance(rule, SumRule):
                leaves = [(f"{path}.rule.parts[{k}].rule", p.rule) for k, p in enumerate(rule.parts)]
            else:
                leaves = [(f"{path}.rule", rule)]
            for leaf_path, leaf in leaves:
                problems.extend(_check_leaf(leaf, leaf_path, inputs, criterion.max))
            for name in rule_inputs(rule):
                used.add(name)
            if not problems:
                top = rule_max(rule)
                if top > criterion.max or (rs.complete and top != criterion.max):
                    problems.append(f"{path}: max is {criterion.max} but the rule's highest score is {top}")
    problems.extend(_check_conditional(rs, inputs))
    used.update(c.evidence for c in rs.conditions)
    used.update(i.id for i in rs.inputs if i.provided_by)
    unused = [i.id for i in rs.inputs if i.id not in used]
    if unused:
        problems.append(f"inputs: not read by any criterion: {', '.join(unused)}")

    total_max = sum(c.max for c in rs.criteria())
    if rs.complete and total_max != rs.scale.max_total:
        problems.append(f"scale.max_total is {rs.scale.max_total} but the criteria add up to {total_max}")
    if not rs.complete and total_max > rs.scale.max_total:
        problems.append(f"scale.max_total is {rs.scale.max_total} but the criteria add up to {total_max}")
    if not rs.complete and rs.incomplete_note is None:
        problems.append("incomplete_note: an incomplete rule set must say what is missing")

    problems.extend(check_bands([lv.band for lv in rs.levels], _PERCENT, "levels"))
    level_ids = [lv.id for lv in rs.levels]
    for n, floor in enumerate(rs.floors):
        source = inputs.get(floor.when.input)
        if source is None or source.kind != "choice":
            problems.append(f"floors[{n}].when.input: {floor.when.input!r} is not a choice input")
        elif floor.when.equals not in source.option_ids():
            problems.append(
                f"floors[{n}].when.equals: {floor.when.equals!r} is not an option of "
                f"{source.id!r} ({', '.join(source.option_ids())})"
            )
        if floor.level_at_least not in level_ids:
            problems.append(f"floors[{n}].level_at_least: unknown level {floor.level_at_least!r}")
    return problems


def _check_test(test: Expect, input_id: str, inputs: dict[str, Input], path: str) -> list[str]:
    source = inputs.get(input_id)
    if source is None:
        return [f"{path}: unknown input {input_id!r}"]
    if test.options is not None:
        if source.kind != "choice":
            return [f"{path}: {input_id!r} is a {source.kind} input; `in:` needs a choice"]
        unknown = [o for o in test.options if o not in source.option_ids()]
        if unknown:
            return [
                f"{path}.in: {', '.join(unknown)} not an option of {input_id!r} "
                f"({', '.join(source.option_ids())})"
            ]
    elif source.kind == "choice":
        return [f"{path}: {input_id!r} is a choice input; a range needs a number"]
    return []


def _check_conditional(rs: RuleSet, inputs: dict[str, Input]) -> list[str]:
    """Questions that depend on answers, the area's level and the conditions: every name exists,
    every option is one, and no question depends on itself through others (a cycle)."""
    problems: list[str] = []
    for n, item in enumerate(rs.inputs):
        if item.provided_by == "area_epidemic_level":
            if item.kind != "choice" or set(item.option_ids()) != set(EPIDEMIC_LEVELS):
                problems.append(
                    f"inputs[{n}] ({item.id}): the area's epidemic level is a choice of options "
                    f"{', '.join(EPIDEMIC_LEVELS)}"
                )
            if item.depends_on is not None:
                problems.append(f"inputs[{n}] ({item.id}): a provided answer cannot depend on others")
        if item.provided_by == "company_sector":
            if item.kind != "choice" or OTHER_SECTOR not in item.option_ids():
                problems.append(
                    f"inputs[{n}] ({item.id}): the company's sector is a choice with a catch-all option "
                    f"{OTHER_SECTOR!r}"
                )
            if item.depends_on is not None:
                problems.append(f"inputs[{n}] ({item.id}): a provided answer cannot depend on others")
        if item.depends_on is None:
            continue
        for k, test in enumerate(item.depends_on.tests):
            where = f"inputs[{n}] ({item.id}).depends_on[{k}]"
            if test.input == item.id:
                problems.append(f"{where}: a question cannot depend on itself")
                continue
            problems.extend(_check_test(test, test.input, inputs, where))
    cycle = _dependency_cycle(rs)
    if cycle:
        problems.append(f"depends_on: the questions depend on each other in a cycle: {' → '.join(cycle)}")
    _dupes(problems, "conditions", [c.id for c in rs.conditions])
    for n, condition in enumerate(rs.conditions):
        where = f"conditions[{n}] ({condition.id})"
        if condition.evidence not in inputs:
            problems.append(f"{where}.evidence: unknown input {condition.evidence!r}")
            continue
        problems.extend(_check_test(condition.passes, condition.evidence, inputs, f"{where}.passes"))
        for k, test in enumerate(condition.applies_when.tests if condition.applies_when else []):
            problems.extend(_check_test(test, test.input, inputs, f"{where}.applies_when[{k}]"))
        if condition.sectors is not None:
            sector = next((i for i in rs.inputs if i.provided_by == "company_sector"), None)
            if sector is None:
                problems.append(f"{where}.sectors: the set has no input provided_by: company_sector")
            elif unknown := [s for s in condition.sectors if s not in sector.option_ids()]:
                problems.append(
                    f"{where}.sectors: {', '.join(unknown)} not an option of {sector.id!r} "
                    f"({', '.join(sector.option_ids())})"
                )
    return problems


def _dependency_cycle(rs: RuleSet) -> list[str]:
    """One cycle among the questions' dependencies, as a path of input ids, or [] when none."""
    edges = {i.id: [t.input for t in i.depends_on.tests] if i.depends_on else [] for i in rs.inputs}
    state: dict[str, int] = {}  # 1 on the current path, 2 finished

    def visit(node: str, path: list[str]) -> list[str]:
        state[node] = 1
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], node, nxt] if nxt in path else [node, nxt]
            if nxt in edges and state.get(nxt) is None:
                found = visit(nxt, [*path, node])
                if found:
                    return found
        state[node] = 2
        return []

    for start in edges:
        if state.get(start) is None:
            found = visit(start, [])
            if found:
                return found
    return []


def dependency_order(rs: RuleSet) -> list[Input]:
    """The inputs with every question after the ones it depends on (the load refused cycles)."""
    done: list[Input] = []
    placed: set[str] = set()
    pending = list(rs.inputs)
    while pending:
        ready = [i for i in pending if not i.depends_on or all(t.input in placed for t in i.depends_on.tests)]
        if not ready:
            return done + pending
        done.extend(ready)
        placed.update(i.id for i in ready)
        pending = [i for i in pending if i.id not in placed]
    return done


def _dupes(problems: list[str], where: str, ids: list[str]) -> None:
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        problems.append(f"{where}: ids repeated: {', '.join(repeated)}")


def _check_leaf(
    rule: ChoiceRule | BandsRule | RatioRule, path: str, inputs: dict[str, Input], max_points: int
) -> list[str]:
    return rule.problems(path, inputs, max_points)
