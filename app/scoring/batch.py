"""Scoring whole populations at once (impact preview, re-scoring history): answers as columns,
the same integer arithmetic as the reference scorer, vectorised with numpy.

Exactness: every number is an integer numerator and denominator (int64), every band edge is
compared by cross-multiplication, exactly as `engine.band_index` does. A row whose numbers are
too large for int64 products, or that is not valid, is handed to the reference scorer, which
either scores it or says why not; so a batch never disagrees with `score()`. A property test
(tests/scoring/test_batch.py) holds the two equal, band edges included."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from app.assessment.answers import InvalidAnswers
from app.assessment.applicability import Gate
from app.assessment.schema import Expect, exact_pair
from app.scoring.engine import CompiledRuleSet, round_index
from app.scoring.kinds import band_column, kind_of
from app.scoring.scorer import score

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
# an input's fast check: id, integer, lower, has lower, upper, has upper, capped by
NumericSpec = tuple[str, bool, tuple[int, int, bool], bool, tuple[int, int, bool], bool, str | None]
SAFE = 2**31  # |numerator| and denominator below this keep every cross-product inside int64


@dataclass(frozen=True)
class BatchScores:
    """One entry per answer set, in order. `valid` is False where `score()` raises InvalidAnswers;
    the other arrays hold -1 / False there. `maxima` is each row's maximum: the rule set's, less
    the criteria whose questions its answers hid."""

    level_ids: tuple[str, ...]
    total: Ints
    level: Ints  # index into level_ids, after floor rules
    may_operate: Bools
    valid: Bools
    maxima: Ints
    points: Ints  # rows × criteria, in the rule set's order; 0 where a criterion was not asked
    floor: Ints  # index into the compiled floors of the floor rule that set the level, -1 for none

    def index(self, row: int, max_total: int | None = None) -> float:
        """The risk index of one row, rounded as the reference scorer rounds it, over the row's own
        maximum (`max_total` is the rule set's, kept for callers; a hidden criterion lowers it)."""
        return round_index(int(self.total[row]), int(self.maxima[row]))

    def level_id(self, row: int) -> str | None:
        return self.level_ids[int(self.level[row])] if self.valid[row] else None


class _Columns:
    """The answers as arrays: numerators and denominators of numbers, option codes of choices.
    From dicts (`of_dicts`) one input at a time with list comprehensions, or from stored JSON text
    by Arrow (`json_columns`), where no Python object is made per answer.

    Each input keeps its own `bad` mask (missing, not a number, out of bounds, not an option):
    whether a bad answer makes the row invalid depends on whether the question was asked, which
    `settle` decides once every column is read."""

    def __init__(self, ok: Bools) -> None:
        self.ok = ok
        self.num: dict[str, Ints] = {}
        self.den: dict[str, Ints] = {}
        self.code: dict[str, Ints] = {}
        self.options: dict[str, dict[str, int]] = {}
        self.bad: dict[str, Bools] = {}
        self.capped_by: dict[str, str] = {}
        self.hidden: dict[str, Bools] = {}

    @classmethod
    def of_dicts(cls, compiled: CompiledRuleSet, answers: Sequence[Mapping[str, object]]) -> _Columns:
        validator = compiled.validator
        known = validator.known
        shaped = [type(item) is dict and not (item.keys() - known) for item in answers]
        rows: list[Mapping[str, object]] = [
            item if ok else {} for item, ok in zip(answers, shaped, strict=True)
        ]
        columns = cls(np.array(shaped, dtype=np.bool_))
        for spec in validator._fast_numeric:
            input_id, integer = spec[0], spec[1]
            columns._bounded(spec, *columns._numbers([item.get(input_id) for item in rows], integer))
        for input_id, options in validator._fast_choices:
            index = {option: i for i, option in enumerate(sorted(options))}
            values = [item.get(input_id) for item in rows]
            try:  # options are strings: any other hashable value finds no code
                found = [index.get(v, -1) for v in values]  # type: ignore[call-overload]  # any value
            except TypeError:  # an unhashable answer (a list): checked one by one
                found = [index.get(v, -1) if type(v) is str else -1 for v in values]
            columns._coded(input_id, np.array(found, dtype=np.int64), index)
        return columns

    def _bounded(self, spec: NumericSpec, n: Ints, d: Ints, bad: Bools) -> None:
        """One number input's column, values outside its bounds marked bad, exactly as the
        validator's fast pass refuses them."""
        input_id, _, lower, has_lower, upper, has_upper, le_input = spec
        if has_lower:
            left, right = n * lower[1], lower[0] * d
            bad = bad | (left < right) | ((left == right) & (not lower[2]))
        if has_upper:
            left, right = n * upper[1], upper[0] * d
            bad = bad | (left > right) | ((left == right) & (not upper[2]))
        if le_input is not None:
            self.capped_by[input_id] = le_input
        self.num[input_id], self.den[input_id], self.bad[input_id] = n, d, bad

    def _coded(self, input_id: str, codes: Ints, index: dict[str, int]) -> None:
        self.code[input_id], self.options[input_id], self.bad[input_id] = codes, index, codes < 0

    def _numbers(self, values: list[object], integer: bool) -> tuple[Ints, Ints, Bools]:
        """Numerators, denominators and the bad mask of one input; values the validator would
        refuse, or too large for int64 products, are bad (the reference scorer takes them)."""
        if all(type(v) is int for v in values):  # the common case: whole numbers, no decimals
            try:
                n = np.array(values, dtype=np.int64)
            except OverflowError:
                pass
            else:
                return n, np.ones(len(values), dtype=np.int64), ~(np.abs(n) < SAFE)
        pairs = [_exact(v, integer) for v in values]
        bad = np.array([pair is None for pair in pairs], dtype=np.bool_)
        n = np.array([pair[0] if pair else 0 for pair in pairs], dtype=np.int64)
        d = np.array([pair[1] if pair else 1 for pair in pairs], dtype=np.int64)
        return n, d, bad

    def holds(self, input_id: str, expect: Expect) -> Bools:
        """Where a test on an answer holds: the question asked, its answer good, and in the test's
        options or range (as `applicability.check_of` decides one answer)."""
        good = ~self.bad[input_id] & ~self.hidden.get(input_id, np.False_)
        if expect.options is not None:
            codes = [self.options[input_id][o] for o in expect.options if o in self.options[input_id]]
            return good & np.isin(self.code[input_id], codes)
        n, d = self.num[input_id], self.den[input_id]
        interval = expect.interval()
        inside = good
        if (lower := interval.lower()) is not None:
            left, right = n * lower[0].denominator, lower[0].numerator * d
            inside = inside & ~((left < right) | ((left == right) & (not lower[1])))
        if (upper := interval.upper()) is not None:
            left, right = n * upper[0].denominator, upper[0].numerator * d
            inside = inside & ~((left > right) | ((left == right) & (not upper[1])))
        return inside

    def gate(self, gate: Gate) -> Bools:
        tests = [self.holds(t.input, t) for t in gate.expects]
        combined: Bools = np.logical_and.reduce(tests) if gate.needs_all else np.logical_or.reduce(tests)
        return combined

    def settle(self, compiled: CompiledRuleSet) -> None:
        """Decide which questions each row was asked, then which rows are valid: a bad answer to a
        hidden question is dropped, as the validator drops it; a cap (bluezone ≤ smartphones) holds
        where both are asked."""
        for input_id, gate in compiled.applicability.gates:  # in dependency order
            self.hidden[input_id] = ~self.gate(gate)
        for input_id, bad in self.bad.items():
            hidden = self.hidden.get(input_id)
            self.ok &= ~bad if hidden is None else ~bad | hidden
        for input_id, other in self.capped_by.items():
            asked = ~self.hidden.get(input_id, np.False_) & ~self.hidden.get(other, np.False_)
            over = self.num[input_id] * self.den[other] > self.num[other] * self.den[input_id]
            self.ok &= ~(asked & over & ~self.bad[input_id] & ~self.bad[other])


def _exact(value: object, integer: bool) -> tuple[int, int] | None:
    """The exact value of an answer as the validator reads it, or None when it would refuse it
    or when it is too large for int64 arithmetic (the reference scorer then takes the row)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        pair = (value, 1)
    elif isinstance(value, float) and math.isfinite(value):
        if value.is_integer():
            pair = (int(value), 1)
        elif integer:
            return None
        else:
            pair = exact_pair(value)
    else:
        return None
    return pair if abs(pair[0]) < SAFE and pair[1] < SAFE else None


def score_many(compiled: CompiledRuleSet, answers: Sequence[Mapping[str, object]]) -> BatchScores:
    """Total, level and may-operate of every answer set, equal to `score()` row by row."""
    return score_columns(compiled, _Columns.of_dicts(compiled, answers), lambda row: answers[row])


def score_json(compiled: CompiledRuleSet, texts: Sequence[str], only_known: bool = False) -> BatchScores:
    """`score_many` of answer sets stored as JSON text, read into columns by Arrow's JSON reader
    (no Python object per answer; Arrow is Streamlit's own dependency). `only_known` scores each
    set as if it held only the rule set's inputs (an impact preview of another version).

    Equal to `score_many(compiled, [json.loads(t) for t in texts])`: a row the columns cannot
    judge exactly (a missing or null answer, a non-integral or huge number, an unknown key) is
    decoded and left to the reference scorer, and a population Arrow refuses whole (a boolean or
    a text where numbers are, malformed JSON) is decoded and scored from dicts."""
    columns = json_columns(compiled, texts, only_known) if texts else None
    if columns is None:
        decoded = [_decoded(text, compiled, only_known) for text in texts]
        return score_many(compiled, decoded)
    return score_columns(compiled, columns, lambda row: _decoded(texts[row], compiled, only_known))


def _decoded(text: str, compiled: CompiledRuleSet, only_known: bool) -> Mapping[str, object]:
    value = json.loads(text)
    if only_known and isinstance(value, dict):
        return {k: v for k, v in value.items() if k in compiled.validator.known}
    return value  # type: ignore[no-any-return]  # whatever was stored: the scorer judges it


def json_columns(compiled: CompiledRuleSet, texts: Sequence[str], only_known: bool) -> _Columns | None:
    """The answer sets' columns read by Arrow, or None when Arrow refuses the population."""
    validator = compiled.validator
    numeric = [spec[0] for spec in validator._fast_numeric]
    choices = [input_id for input_id, _ in validator._fast_choices]
    schema = pa.schema(
        [pa.field(i, pa.float64()) for i in numeric] + [pa.field(i, pa.string()) for i in choices]
    )
    options = pa_json.ParseOptions(
        explicit_schema=schema, unexpected_field_behavior="ignore" if only_known else "infer"
    )
    try:
        table = pa_json.read_json(pa.py_buffer("\n".join(texts).encode()), parse_options=options)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.num_rows != len(texts) or set(table.column_names) - validator.known:
        return None  # an unknown key somewhere (even one holding null): the dicts decide
    columns = _Columns(np.ones(len(texts), dtype=np.bool_))
    for spec in validator._fast_numeric:
        input_id, integer = spec[0], spec[1]
        values = table.column(input_id)
        present = ~np.asarray(values.is_null().to_numpy(zero_copy_only=False), dtype=np.bool_)
        numbers = np.nan_to_num(values.to_numpy(zero_copy_only=False).astype(np.float64), nan=0.0)
        n, d, bad = _exact_column(numbers, integer)
        columns._bounded(spec, n, d, bad | ~present)
    for input_id, allowed in validator._fast_choices:
        ordered = sorted(allowed)
        codes = pc.index_in(table.column(input_id), value_set=pa.array(ordered, type=pa.string()))
        found = np.asarray(pc.fill_null(codes, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
        columns._coded(input_id, found, {option: i for i, option in enumerate(ordered)})
    return columns


def _exact_column(numbers: npt.NDArray[np.float64], integer: bool) -> tuple[Ints, Ints, Bools]:
    """Numerators, denominators and the bad mask of one column of doubles, as `_exact` gives them
    one by one: integral values directly, the others through `exact_pair` once per distinct value."""
    whole = np.floor(numbers) == numbers
    bad = ~(np.abs(numbers) < SAFE)
    safe = np.where(np.abs(numbers) < SAFE, numbers, 0.0)
    n = safe.astype(np.int64)
    d = np.ones(len(numbers), dtype=np.int64)
    if integer:
        return n, d, bad | ~whole
    fractional = np.flatnonzero(~whole & (np.abs(numbers) < SAFE))
    if len(fractional):
        distinct, back = np.unique(numbers[fractional], return_inverse=True)
        pairs = [_exact(float(v), False) for v in distinct]
        refused = np.array([p is None for p in pairs], dtype=np.bool_)
        n[fractional] = np.array([p[0] if p else 0 for p in pairs], dtype=np.int64)[back]
        d[fractional] = np.array([p[1] if p else 1 for p in pairs], dtype=np.int64)[back]
        bad[fractional[refused[back]]] = True
    return n, d, bad


def score_columns(
    compiled: CompiledRuleSet, columns: _Columns, answers_of: Callable[[int], Mapping[str, object]]
) -> BatchScores:
    """The arithmetic on columns; rows the columns could not judge go to the reference scorer."""
    columns.settle(compiled)
    count = len(columns.ok)
    criteria = []
    maxima = np.full(count, compiled.max_total, dtype=np.int64)
    for program in compiled.criteria:
        points_here = sum((kind_of(leaf.kind).column(leaf, columns) for leaf in program.leaves), np.int64(0))
        hidden = [columns.hidden[i] for i in program.inputs if i in columns.hidden]
        if hidden:  # a question not asked: neither its points nor its maximum count
            not_asked = np.logical_or.reduce(hidden)
            points_here = np.where(not_asked, 0, points_here)
            maxima -= np.where(not_asked, program.max, 0)
        criteria.append(np.broadcast_to(np.asarray(points_here, dtype=np.int64), (count,)))
    points = np.stack(criteria, axis=1) if criteria else np.zeros((count, 0), dtype=np.int64)
    total = points.sum(axis=1).astype(np.int64)
    level = np.where(maxima > 0, band_column(total * 100, np.maximum(maxima, 1), compiled.level_uppers), 0)
    floor = np.full(count, -1, dtype=np.int64)
    for position, (input_id, value, floor_level, _) in enumerate(compiled.floors):
        if input_id not in columns.code:  # a floor on a number: the reference scorer decides
            columns.ok[:] = False
            continue
        code = columns.options[input_id].get(str(value), -2)
        raised = (columns.code[input_id] == code) & (level < floor_level)
        if input_id in columns.hidden:
            raised &= ~columns.hidden[input_id]
        level = np.where(raised, floor_level, level)
        floor = np.where(raised, position, floor)
    may_operate = np.zeros(count, dtype=np.bool_)
    for i, (allowed, thresholds) in enumerate(compiled.level_rules):
        here = level == i
        ok = np.full(count, allowed, dtype=np.bool_)
        for threshold in thresholds if allowed else ():
            ok &= ~(points >= threshold).any(axis=1)
        may_operate = np.where(here, ok, may_operate)
    for condition in compiled.applicability.conditions:
        if not condition.blocks_operation:
            continue
        applies = ~columns.hidden.get(condition.evidence, np.False_)
        if condition.applies is not None:
            applies = applies & columns.gate(condition.applies)
        if condition.sector is not None:
            applies = applies & columns.holds(condition.sector.input, condition.sector)
        may_operate &= ~(applies & ~columns.holds(condition.evidence, condition.expect))
    valid = columns.ok.copy()
    total = np.where(valid, total, -1)
    level = np.where(valid, level, -1)
    may_operate &= valid
    points = np.where(valid[:, None], points, 0)
    floor = np.where(valid, floor, -1)
    floor_ids = [fid for *_, fid in compiled.floors]
    for row in map(int, np.flatnonzero(~columns.ok)):  # the reference scorer decides the rest
        try:
            result = score(compiled, answers_of(row))
        except InvalidAnswers:
            continue
        valid[row] = True
        total[row], level[row], may_operate[row] = result.total, result.level_position, result.may_operate
        maxima[row] = result.max_total
        points[row] = result.points
        floor[row] = floor_ids.index(result.floor_id) if result.floor_id is not None else -1
    return BatchScores(compiled.level_ids, total, level, may_operate, valid, maxima, points, floor)


def summaries(compiled: CompiledRuleSet, scores: BatchScores) -> list[dict[str, object] | None]:
    """`ScoreResult.summary()` of every row, None where the answers are invalid: what a submission
    stores, for the bulk writers (the seed, imports of past rounds). Only a points-only rule set
    (no question hidden by another, no condition): its summary is the columns' figures alone."""
    if compiled.conditional:
        raise ValueError(f"{compiled.ruleset.id}: a conditional set is summarised by the reference scorer")
    loaded = compiled.loaded
    ids = [program.id for program in compiled.criteria]
    floor_ids = [fid for *_, fid in compiled.floors]
    level_ids = compiled.level_ids
    out: list[dict[str, object] | None] = []
    rows = zip(
        scores.valid.tolist(),
        scores.total.tolist(),
        scores.maxima.tolist(),
        scores.level.tolist(),
        scores.floor.tolist(),
        scores.may_operate.tolist(),
        scores.points.tolist(),
        strict=True,
    )
    for valid, total, maximum, level, floor, may_operate, points in rows:
        if not valid:
            out.append(None)
            continue
        out.append(
            {
                "ruleset": compiled.ruleset.id,
                "version": compiled.ruleset.version,
                "content_hash": loaded.content_hash,
                "total": total,
                "max": maximum,
                "index": round_index(total, maximum),
                "level": level_ids[level],
                "floor": floor_ids[floor] if floor >= 0 else None,
                "may_operate": may_operate,
                "criteria": dict(zip(ids, points, strict=True)),
            }
        )
    return out


def as_rows(scores: BatchScores, max_total: int) -> list[tuple[str | None, float | None, bool | None]]:
    """(level id, index, may operate) per row, None where the answers are invalid."""
    out: list[tuple[str | None, float | None, bool | None]] = []
    for row in range(len(scores.total)):
        if scores.valid[row]:
            out.append((scores.level_id(row), scores.index(row), bool(scores.may_operate[row])))
        else:
            out.append((None, None, None))
    return out
