"""What a factory should fix first: criteria by recoverable points, and the fewest changes that
bring the level down one band.

Only inputs marked `actionable` are changed: headcount, floor area or an F0 case are facts, not
measures, and a recommendation to "have fewer workers" would be useless. Every proposal is verified
by scoring the changed answers, so shared inputs and floor rules are accounted for, not assumed away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from app.assessment.answers import InvalidAnswers
from app.assessment.schema import BandsRule, Input, RatioRule, SumRule, Text
from app.formatting import quantity
from app.scoring.result import ScoreResult
from app.scoring.scorer import score


@dataclass(frozen=True)
class Change:
    input_id: str
    input_label: Text
    current: object
    proposed: object
    current_label: Text
    proposed_label: Text
    criteria: tuple[str, ...]
    points_saved: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input_id,
            "from": self.current,
            "to": self.proposed,
            "to_label": self.proposed_label.model_dump(),
            "criteria": list(self.criteria),
            "points_saved": self.points_saved,
        }


@dataclass(frozen=True)
class Priority:
    criterion_id: str
    title: Text
    points: int
    recoverable: int
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class NextBand:
    reachable: bool
    from_level: str
    target_level: str
    changes: tuple[Change, ...]
    new_total: int | None
    new_index: float | None
    new_level: str | None
    note: Text


@dataclass(frozen=True)
class Recommendations:
    priorities: list[Priority] = field(default_factory=list)
    next_band: NextBand | None = None

    def to_dict(self) -> dict[str, Any]:
        nb = self.next_band
        return {
            "priorities": [
                {
                    "criterion": p.criterion_id,
                    "points": p.points,
                    "recoverable": p.recoverable,
                    "changes": [c.to_dict() for c in p.changes],
                }
                for p in self.priorities
            ],
            "next_band": None
            if nb is None
            else {
                "reachable": nb.reachable,
                "from_level": nb.from_level,
                "target_level": nb.target_level,
                "changes": [c.to_dict() for c in nb.changes],
                "new_total": nb.new_total,
                "new_index": nb.new_index,
                "new_level": nb.new_level,
                "note": nb.note.model_dump(),
            },
        }


def _step(item: Input) -> Fraction:
    return Fraction(1) if item.kind == "integer" else Fraction(1, 100)


def _as_answer(value: Fraction, item: Input) -> int | float:
    if item.kind == "integer":
        return int(value)
    return int(value) if value.denominator == 1 else float(round(value, 2))


def _numeric_candidates(result: ScoreResult, item: Input) -> set[Fraction]:
    """For each band of each table that reads this input, the value nearest the current one."""
    n, d = result.exact[item.id]
    current = Fraction(n, d)
    step = _step(item)
    found: set[Fraction] = set()
    for criterion in result.compiled.ruleset.criteria():
        rule = criterion.rule
        leaves = [p.rule for p in rule.parts] if isinstance(rule, SumRule) else [rule]
        for leaf in leaves:
            if isinstance(leaf, BandsRule) and leaf.input == item.id:
                scale = Fraction(1)
            elif isinstance(leaf, RatioRule) and leaf.numerator == item.id:
                if leaf.denominator not in result.exact:  # its question was not asked
                    continue
                den_n, den_d = result.exact[leaf.denominator]
                if den_n == 0:
                    continue
                scale = Fraction(den_n, den_d) / (100 if leaf.kind == "share" else 1)
            else:
                continue
            for band in leaf.bands:
                lower, upper = band.lower(), band.upper()
                low = None if lower is None else lower[0] * scale
                high = None if upper is None else upper[0] * scale
                low_closed = lower is not None and lower[1]
                high_closed = upper is not None and upper[1]
                if low is not None and (current < low or (current == low and not low_closed)):
                    target = math.ceil(low / step) * step
                    if target == low and not low_closed:
                        target += step
                elif high is not None and (current > high or (current == high and not high_closed)):
                    target = math.floor(high / step) * step
                    if target == high and not high_closed:
                        target -= step
                else:
                    continue
                if (low is None or target > low or (target == low and low_closed)) and (
                    high is None or target < high or (target == high and high_closed)
                ):
                    found.add(target)
    return found


def _candidates(result: ScoreResult, item: Input) -> list[object]:
    if item.kind == "choice":  # a situation (no dormitory) is never proposed as a fix
        return [o.id for o in item.options or [] if o.id != result.answers.get(item.id) and o.recommendable]
    return [_as_answer(v, item) for v in sorted(_numeric_candidates(result, item))]


def _label(item: Input, value: object) -> Text:
    if item.kind == "choice":
        for option in item.options or []:
            if option.id == value:
                return option.label
    unit = item.unit
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None:
        return Text(vi=str(value), en=str(value))
    return Text(
        vi=quantity(number, "vi", unit.vi if unit else ""), en=quantity(number, "en", unit.en if unit else "")
    )


@dataclass(frozen=True)
class Rescored:
    """What a proposal is judged by: the changed answers' points per criterion, total and level."""

    points: tuple[int, ...]
    total: int
    level_position: int
    level_id: str
    index: float


class _Rescorer:
    """Changed answers scored once each: the same proposal is asked for up to four times (as a
    single change, in a criterion's best, on the way to the next band, for its saving)."""

    def __init__(self, result: ScoreResult) -> None:
        self.result = result
        self.known: dict[tuple[tuple[str, object], ...], Rescored | None] = {}

    @staticmethod
    def key(changes: dict[str, object]) -> tuple[tuple[str, object], ...]:
        return tuple(sorted(changes.items(), key=lambda pair: pair[0]))

    def __call__(self, changes: dict[str, object]) -> Rescored | None:
        key = self.key(changes)
        if key not in self.known:
            try:
                after = score(self.result.compiled, {**self.result.answers, **changes})
            except InvalidAnswers:
                self.known[key] = None
            else:
                self.known[key] = Rescored(
                    after.points, after.total, after.level_position, after.level_id, after.index
                )
        return self.known[key]


def recommend(result: ScoreResult) -> Recommendations:
    """What to fix first for one result: rescoring changed answers with the same compiled set."""
    compiled = result.compiled
    rs = compiled.ruleset
    # a question not asked (hidden by earlier answers) or filled in by the system is no measure
    actionable = [i for i in rs.inputs if i.actionable and not i.provided_by and i.id not in result.hidden]
    rescore = _Rescorer(result)

    def change(item: Input, value: object, after: Rescored) -> Change:
        moved = tuple(
            program.id
            for program, before_p, after_p in zip(compiled.criteria, result.points, after.points, strict=True)
            if before_p != after_p
        )
        return Change(
            item.id,
            item.label,
            result.answers.get(item.id),
            value,
            _label(item, result.answers.get(item.id)),
            _label(item, value),
            moved,
            result.total - after.total,
        )

    # every single-input change that lowers the score, with what it does
    options: dict[str, list[tuple[object, Rescored]]] = {}
    for item in actionable:
        for value in _candidates(result, item):
            after = rescore({item.id: value})
            if after is not None and (
                after.total < result.total or after.level_position < result.level_position
            ):
                options.setdefault(item.id, []).append((value, after))

    # the way to the next band first: its values are the targets the table and the action plan
    # take for the inputs it moves, so one figure never has two targets (2.660 here, 2.240 there)
    next_band = _next_band(result, actionable, options, rescore, change)
    targets = next_band.changes if next_band is not None and next_band.reachable else ()
    priorities = _priorities(result, actionable, options, rescore, change, targets)
    return Recommendations(priorities=priorities, next_band=next_band)


def _priorities(result, actionable, options, rescore, change, targets) -> list[Priority]:  # type: ignore[no-untyped-def]  # closures passed in from recommend()
    by_input = {i.id: i for i in actionable}
    priorities: list[Priority] = []
    criteria = result.compiled.ruleset.criteria()
    for position, program in enumerate(result.compiled.criteria):
        best: dict[str, object] = {}
        for input_id in program.inputs:
            if input_id not in options:
                continue
            # the next achievable step: the smallest change that lowers this criterion's points
            # (≤ 4 per room and managed, not "no dormitory"), so the advice can be followed
            lowering = [
                pair for pair in options[input_id] if pair[1].points[position] < result.points[position]
            ]
            if not lowering:
                continue
            ranked = sorted(lowering, key=lambda pair: (-pair[1].points[position], -pair[1].total))
            best[input_id] = ranked[0][0]
        if not best:
            continue
        after = rescore(best)
        if after is None or result.points[position] - after.points[position] <= 0:
            continue
        # where the way to the next band moves an input of this criterion, its value is the target
        aligned = {
            **best,
            **{t.input_id: t.proposed for t in targets if t.input_id in best or program.id in t.criteria},
        }
        if aligned != best:
            moved = rescore(aligned)
            if moved is not None and moved.points[position] < result.points[position]:
                best, after = aligned, moved
        changes = []
        for input_id, value in best.items():
            single = rescore({input_id: value})
            if single is not None and single.points[position] < result.points[position]:
                changes.append(change(by_input[input_id], value, single))
        priorities.append(
            Priority(
                program.id,
                criteria[position].title,
                result.points[position],
                result.points[position] - after.points[position],
                tuple(changes),
            )
        )
    priorities.sort(key=lambda p: (-p.recoverable, -p.points, p.criterion_id))
    return priorities


def _next_band(result, actionable, options, rescore, change) -> NextBand | None:  # type: ignore[no-untyped-def]  # closures passed in from recommend()
    compiled = result.compiled
    current = result.level_position
    if current == 0:
        return None
    target = current - 1
    from_level, target_level = compiled.level_ids[current], compiled.level_ids[target]
    by_input = {i.id: i for i in actionable}

    def reaches(after: Rescored | None) -> bool:
        return after is not None and after.level_position <= target

    # the best single change per input, strongest first
    best: list[tuple[str, object, Rescored]] = []
    for input_id, pairs in options.items():
        value, strongest = min(pairs, key=lambda pair: (pair[1].level_position, pair[1].total))
        best.append((input_id, value, strongest))
    best.sort(key=lambda t: (t[2].level_position, t[2].total, t[0]))

    chosen: dict[str, object] = {}
    after: Rescored | None = None
    for input_id, value, _single in best:
        chosen[input_id] = value
        after = rescore(chosen)
        if reaches(after):
            break
    if not reaches(after):
        return NextBand(
            False,
            from_level,
            target_level,
            (),
            None,
            None,
            None,
            _blocked_note(result, target_level),
        )
    # drop what is not needed, then soften each remaining change to the least that still works
    for input_id in list(chosen):
        trial = {k: v for k, v in chosen.items() if k != input_id}
        if trial and reaches(rescore(trial)):
            chosen = trial
    for input_id in list(chosen):
        gentlest = sorted(options[input_id], key=lambda pair: -pair[1].total)
        for value, _ in gentlest:
            if reaches(rescore({**chosen, input_id: value})):
                chosen[input_id] = value
                break
    final = rescore(chosen)
    if final is None:  # reaches() above scored this very set: it cannot be invalid now
        return None
    changes = []
    for input_id, value in chosen.items():
        single = rescore({input_id: value})
        if single is not None:
            changes.append(change(by_input[input_id], value, single))
    changes.sort(key=lambda c: -c.points_saved)
    target_label = compiled.ruleset.level(final.level_id).label
    return NextBand(
        True,
        from_level,
        target_level,
        tuple(changes),
        final.total,
        final.index,
        final.level_id,
        Text(
            vi=f"{len(changes)} thay đổi đưa tổng điểm từ {result.total} xuống {final.total} "
            f"({quantity(final.index, 'vi', '%')}): {target_label.vi}.",
            en=f"{_changes_en(len(changes))} the total from {result.total} to {final.total} "
            f"({quantity(final.index, 'en', '%')}): {target_label.en}.",
        ),
    )


def _changes_en(count: int) -> str:
    return "1 change brings" if count == 1 else f"{count} changes bring"


def _blocked_note(result: ScoreResult, target_level: str) -> Text:
    floor = result.floor_reason
    if floor is not None:
        return Text(
            vi=f"Không thể hạ mức bằng biện pháp khắc phục: {floor.vi}",
            en=f"No measure can lower the level: {floor.en}",
        )
    label = result.compiled.ruleset.level(target_level).label
    return Text(
        vi=f"Kể cả khi khắc phục mọi tiêu chí, điểm từ các số liệu cố định (quy mô, diện tích, "
        f"nguy cơ từ NLĐ) vẫn giữ mức hiện tại; chưa thể đạt {label.vi}.",
        en=f"Even with every measure fixed, points from fixed facts (size, area, risk from workers) "
        f"keep the current level; {label.en} cannot be reached.",
    )
