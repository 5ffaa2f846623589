"""One place per kind of points table: how it is evaluated for one answer set, for a population in
columns, and explained. A kind's validation lives on its model in `app.assessment.schema` (its
`problems`, `reads`, `top` and `bottom`); everything that scores lives here.

The interpreter (engine.py), the batch scorer (batch.py) and the explanation (result.py) look a kind
up in `KINDS` and never branch on it, so a new kind is one class here and one model there. A model
without an entry here fails loudly when a rule set using it is compiled (`kind_of`), and a test
holds every model of the schema's union to have one.

Exact because band edges are legal thresholds: every comparison is made on integer numerators and
denominators (cross-multiplication), one answer set at a time or a column at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np
import numpy.typing as npt

from app.assessment.schema import Band, BandsRule, ChoiceRule, Interval, RatioRule, RuleSet, Text
from app.formatting import quantity

Upper = tuple[int, int, bool]  # numerator, denominator, inclusive
Ints = npt.NDArray[np.int64]
NOT_APPLICABLE = "n/a"
ExactValues = Mapping[str, tuple[int, int]]
Evaluate = Callable[[Mapping[str, object], ExactValues], tuple[int, object]]
LeafRule = ChoiceRule | BandsRule | RatioRule
Explained = tuple[Text, float | None, bool, str]  # what fired, the value, not applicable?, provenance

_NOT_APPLICABLE_TEXT = Text(vi="không áp dụng (mẫu số bằng 0)", en="not applicable (zero denominator)")


class Columns(Protocol):
    """What a kind reads of the batch scorer's columns (`batch._Columns`)."""

    num: dict[str, Ints]
    den: dict[str, Ints]
    code: dict[str, Ints]
    options: dict[str, dict[str, int]]


class Scored(Protocol):
    """What a kind reads of a result to explain it (`result.ScoreResult`)."""

    @property
    def exact(self) -> dict[str, tuple[int, int]]: ...

    @property
    def ruleset(self) -> RuleSet: ...


class UnknownRuleKind(LookupError):
    def __init__(self, kind: str) -> None:
        super().__init__(
            f"Loại quy tắc chưa được hỗ trợ / rule kind not supported: {kind!r} (known: {', '.join(KINDS)})"
        )


def uppers(bands: list[Band] | list[Interval]) -> tuple[Upper, ...]:
    """Upper ends of every band but the last (the last takes whatever is left)."""
    result: list[Upper] = []
    for band in bands[:-1]:
        upper = band.upper()
        if upper is None:  # check_bands refuses this when the rule set is loaded
            raise ValueError(f"band {band.describe()} is open-ended but not the last")
        result.append((upper[0].numerator, upper[0].denominator, upper[1]))
    return tuple(result)


def band_index(n: int, d: int, edges: tuple[Upper, ...]) -> int:
    """Which band an exact value n/d (d > 0) falls in."""
    for i, (un, ud, inclusive) in enumerate(edges):
        left, right = n * ud, un * d
        if left < right or (inclusive and left == right):
            return i
    return len(edges)


def band_column(n: Ints, d: Ints, edges: tuple[Upper, ...]) -> Ints:
    """`band_index` for every row: the first band whose upper end the value is under."""
    band = np.full(n.shape, len(edges), dtype=np.int64)
    for i in range(len(edges) - 1, -1, -1):
        un, ud, inclusive = edges[i]
        left, right = n * ud, un * d
        inside = (left < right) | ((left == right) & inclusive)
        band = np.where(inside, i, band)
    return band


@dataclass(frozen=True, slots=True)
class LeafProgram:
    """One points table made ready: its kind, the inputs it reads, its tables, and the closure
    (answers, exact values) -> (points, detail); detail is the option id, the band's position, or
    NOT_APPLICABLE."""

    kind: str
    inputs: tuple[str, ...]
    option_points: Mapping[str, int] | None
    uppers: tuple[Upper, ...]
    band_points: tuple[int, ...]
    not_applicable_points: int
    min_points: int
    evaluate: Evaluate

    @property
    def points_range(self) -> list[int]:
        return list(self.option_points.values()) if self.option_points is not None else list(self.band_points)


class LeafKind:
    """What every kind defines once."""

    names: ClassVar[tuple[str, ...]]

    def compile(self, rule: Any) -> LeafProgram:
        raise NotImplementedError

    def column(self, leaf: LeafProgram, columns: Columns) -> Ints:
        """Points of every row (the batch scorer), equal to `evaluate` row by row."""
        raise NotImplementedError

    def explain(self, result: Scored, rule: Any, detail: object, fallback: str) -> Explained:
        raise NotImplementedError


class ChoiceKind(LeafKind):
    """Points by the option chosen."""

    names = ("choice",)

    def compile(self, rule: ChoiceRule) -> LeafProgram:
        points = dict(rule.points)
        input_id = rule.input

        def evaluate(answers: Mapping[str, object], exact: ExactValues) -> tuple[int, object]:
            option = answers[input_id]
            return points[option], option  # type: ignore[index]  # the validator made it one of the options

        return LeafProgram("choice", (input_id,), points, (), (), 0, rule.bottom(), evaluate)

    def column(self, leaf: LeafProgram, columns: Columns) -> Ints:
        (input_id,) = leaf.inputs
        table = np.zeros(len(columns.options[input_id]), dtype=np.int64)
        for option, i in columns.options[input_id].items():
            table[i] = (leaf.option_points or {})[option]
        return table[np.maximum(columns.code[input_id], 0)]

    def explain(self, result: Scored, rule: ChoiceRule, detail: object, fallback: str) -> Explained:
        options = result.ruleset.input(rule.input).options or []
        option = next(o for o in options if o.id == detail)
        return option.label, None, False, (rule.provenance or {}).get(str(detail), fallback)


def _fired(result: Scored, band: Band, value: float, unit: Text | None) -> Text:
    label = band.label or Text(vi=band.describe(), en=band.describe())
    return Text(
        vi=f"{label.vi} ({quantity(value, 'vi', unit.vi if unit else '')})",
        en=f"{label.en} ({quantity(value, 'en', unit.en if unit else '')})",
    )


class BandsKind(LeafKind):
    """Points by the band a number falls in."""

    names = ("bands",)

    def compile(self, rule: BandsRule) -> LeafProgram:
        edges, points, input_id = uppers(rule.bands), tuple(b.points for b in rule.bands), rule.input

        def evaluate(answers: Mapping[str, object], exact: ExactValues) -> tuple[int, object]:
            n, d = exact[input_id]
            index = band_index(n, d, edges)
            return points[index], index

        return LeafProgram("bands", (input_id,), None, edges, points, 0, rule.bottom(), evaluate)

    def column(self, leaf: LeafProgram, columns: Columns) -> Ints:
        (input_id,) = leaf.inputs
        points = np.asarray(leaf.band_points, dtype=np.int64)
        return points[band_column(columns.num[input_id], columns.den[input_id], leaf.uppers)]

    def explain(self, result: Scored, rule: BandsRule, detail: object, fallback: str) -> Explained:
        if not isinstance(detail, int):
            raise TypeError(f"a band rule's detail is its band's position, not {detail!r}")
        n, d = result.exact[rule.input]
        value = round(n / d, 2)
        band = rule.bands[detail]
        unit = result.ruleset.input(rule.input).unit
        return _fired(result, band, value, unit), value, False, band.provenance or fallback


class RatioKind(LeafKind):
    """Points by the band of numerator / denominator (`ratio`), or of it as a percentage (`share`);
    a zero denominator is "not applicable", not a division error."""

    names = ("ratio", "share")

    def compile(self, rule: RatioRule) -> LeafProgram:
        edges, points = uppers(rule.bands), tuple(b.points for b in rule.bands)
        numerator, denominator = rule.numerator, rule.denominator
        scale = 100 if rule.kind == "share" else 1
        not_applicable = rule.not_applicable_points

        def evaluate(answers: Mapping[str, object], exact: ExactValues) -> tuple[int, object]:
            num_n, num_d = exact[numerator]
            den_n, den_d = exact[denominator]
            if den_n == 0:
                return not_applicable, NOT_APPLICABLE
            index = band_index(num_n * den_d * scale, num_d * den_n, edges)
            return points[index], index

        inputs = (numerator, denominator)
        return LeafProgram(rule.kind, inputs, None, edges, points, not_applicable, rule.bottom(), evaluate)

    def column(self, leaf: LeafProgram, columns: Columns) -> Ints:
        numerator, denominator = leaf.inputs
        scale = 100 if leaf.kind == "share" else 1
        points = np.asarray(leaf.band_points, dtype=np.int64)
        top_n, top_d = columns.num[numerator], columns.den[numerator]
        low_n, low_d = columns.num[denominator], columns.den[denominator]
        empty = low_n == 0
        n = top_n * low_d * scale
        d = np.where(empty, 1, top_d * low_n)
        return np.where(empty, leaf.not_applicable_points, points[band_column(n, d, leaf.uppers)])

    def explain(self, result: Scored, rule: RatioRule, detail: object, fallback: str) -> Explained:
        if detail == NOT_APPLICABLE:
            return _NOT_APPLICABLE_TEXT, None, True, fallback
        if not isinstance(detail, int):
            raise TypeError(f"a band rule's detail is its band's position, not {detail!r}")
        num_n, num_d = result.exact[rule.numerator]
        den_n, den_d = result.exact[rule.denominator]
        value = round(num_n * den_d * (100 if rule.kind == "share" else 1) / (num_d * den_n), 2)
        band = rule.bands[detail]
        unit = Text(vi="%", en="%") if rule.kind == "share" else None
        return _fired(result, band, value, unit), value, False, band.provenance or fallback


KINDS: dict[str, LeafKind] = {
    name: kind for kind in (ChoiceKind(), BandsKind(), RatioKind()) for name in kind.names
}


def kind_of(name: str) -> LeafKind:
    """The kind's evaluation, or a loud refusal: a schema model without one is a bug, not a 0."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownRuleKind(name) from None
