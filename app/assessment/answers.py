"""Checking a company's answers against a rule set: every problem at once, in Vietnamese and English.

A form shows each problem beside its field, so a problem names its input, the value given and what
is allowed. Nothing is scored from answers that fail here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from app.assessment.applicability import Applicability
from app.assessment.schema import Input, RuleSet, Text, exact_pair
from app.formatting import quantity

Answer = int | float | str
ExactValue = tuple[int, int]  # numerator, positive denominator


@dataclass(frozen=True, slots=True)
class Problem:
    input_id: str
    value: object
    message: Text
    allowed: Text

    def text(self, lang: str = "vi") -> str:
        shown = shown_value(self.value)
        if lang == "en":
            return f"{self.input_id} = {shown}: {self.message.en} (allowed: {self.allowed.en})"
        return f"{self.input_id} = {shown}: {self.message.vi} (cho phép: {self.allowed.vi})"


def shown_value(value: object, limit: int = 40) -> str:
    """A value as a problem message quotes it: short, and safe for a 5,000-digit number (whose
    repr Python refuses) or a huge list."""
    if value is None:
        return "—"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"<number ≈ 10^{int(value.bit_length() * 0.30103)}>"
    if isinstance(value, (list, dict)):
        return f"<{type(value).__name__} of {len(value)}>"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class InvalidAnswers(ValueError):
    """Raised with every problem found; str() gives them in Vietnamese, then English."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        vi = "\n".join(f"  - {p.text('vi')}" for p in problems)
        en = "\n".join(f"  - {p.text('en')}" for p in problems)
        super().__init__(f"Câu trả lời không hợp lệ:\n{vi}\nInvalid answers:\n{en}")

    def by_input(self) -> dict[str, list[Problem]]:
        grouped: dict[str, list[Problem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.input_id, []).append(problem)
        return grouped


@dataclass(frozen=True, slots=True)
class _NumericSpec:
    input_id: str
    integer: bool
    lower: tuple[int, int, bool] | None
    upper: tuple[int, int, bool] | None
    le_input: str | None
    allowed: Text


@dataclass(frozen=True, slots=True)
class _ChoiceSpec:
    input_id: str
    options: frozenset[str]
    allowed: Text


def _in_language(printed: str, lang: str) -> str:
    """'≥1 – ≤200000' with its numbers written the reader's way: ≤200.000 in Vietnamese."""
    return re.sub(r"\d+(?:\.\d+)?", lambda m: quantity(Decimal(m.group()), lang), printed)


def _describe_bounds(item: Input, labels: dict[str, Text]) -> Text:
    domain = item.domain().describe()
    kind_vi, kind_en = ("số nguyên", "a whole number") if item.kind == "integer" else ("số", "a number")
    if item.domain().lower() is None and item.domain().upper() is None:
        domain_vi, domain_en = kind_vi, kind_en
    else:
        domain_vi = f"{kind_vi} {_in_language(domain, 'vi')}"
        domain_en = f"{kind_en} {_in_language(domain, 'en')}"
    if item.le_input:
        other = labels.get(item.le_input, Text(vi=item.le_input, en=item.le_input))
        domain_vi += f", không lớn hơn «{other.vi}»"
        domain_en += f", at most «{other.en}»"
    return Text(vi=domain_vi, en=domain_en)


class AnswerValidator:
    """Compiled once per rule set, because it runs for every save, preview and bulk re-score."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.applicability = Applicability(ruleset)
        self.known = frozenset(i.id for i in ruleset.inputs)
        self.labels = {i.id: i.label for i in ruleset.inputs}
        self.numeric: list[_NumericSpec] = []
        self.choices: list[_ChoiceSpec] = []
        self.order = [i.id for i in ruleset.inputs]
        for item in ruleset.inputs:
            if item.kind == "choice":
                ids = item.option_ids()
                self.choices.append(
                    _ChoiceSpec(
                        item.id,
                        frozenset(ids),
                        Text(
                            vi="một trong: " + "; ".join(f"«{o.label.vi}»" for o in item.options or []),
                            en="one of: " + "; ".join(f"«{o.label.en}»" for o in item.options or []),
                        ),
                    )
                )
            else:
                domain = item.domain()
                self.numeric.append(
                    _NumericSpec(
                        item.id,
                        item.kind == "integer",
                        _as_ints(domain.lower()),
                        _as_ints(domain.upper()),
                        item.le_input,
                        _describe_bounds(item, self.labels),
                    )
                )

        self._fast_numeric: tuple[
            tuple[str, bool, tuple[int, int, bool], bool, tuple[int, int, bool], bool, str | None], ...
        ] = tuple(
            (
                s.input_id,
                s.integer,
                s.lower or (0, 1, True),
                s.lower is not None,
                s.upper or (0, 1, True),
                s.upper is not None,
                s.le_input,
            )
            for s in bounds_first(self.numeric)
        )
        self._fast_choices = tuple((s.input_id, s.options) for s in self.choices)

    def _fast(self, answers: Mapping[str, object]) -> tuple[dict[str, Answer], dict[str, ExactValue]] | None:
        """The common case, valid answers, checked in one tight pass; None sends them to `validate`'s
        full pass, which finds and words every problem (and decides which questions are asked)."""
        if self.applicability.conditional or type(answers) is not dict or answers.keys() - self.known:
            return None
        clean: dict[str, Answer] = {}
        exact_values: dict[str, ExactValue] = {}
        for input_id, integer, lower, has_lower, upper, has_upper, le_input in self._fast_numeric:
            value = answers.get(input_id)
            number: int | float
            if isinstance(value, bool):
                return None
            if isinstance(value, int):
                number, n, d = value, value, 1
            elif isinstance(value, float) and math.isfinite(value):
                if value.is_integer():
                    number = int(value)
                    n, d = number, 1
                elif integer:
                    return None
                else:
                    number = value
                    n, d = exact_pair(value)
            else:
                return None
            if has_lower:
                left, right = n * lower[1], lower[0] * d
                if left < right or (left == right and not lower[2]):
                    return None
            if has_upper:
                left, right = n * upper[1], upper[0] * d
                if left > right or (left == right and not upper[2]):
                    return None
            if le_input is not None:
                other = exact_values.get(le_input)
                if other is None or n * other[1] > other[0] * d:
                    return None
            clean[input_id] = number
            exact_values[input_id] = (n, d)
        for input_id, options in self._fast_choices:
            value = answers.get(input_id)
            if type(value) is not str or value not in options:  # a list is unhashable: type first
                return None
            clean[input_id] = value
        return clean, exact_values

    def validate(
        self, answers: Mapping[str, object], partial: bool = False
    ) -> tuple[dict[str, Answer], dict[str, ExactValue]]:
        """Clean answers and their exact numeric values, or InvalidAnswers with every problem.

        `partial` lets a draft be checked field by field: missing inputs are then not a problem.
        A question its `depends_on` hides is neither checked nor kept: its answer is dropped.
        """
        if not partial:
            fast = self._fast(answers)
            if fast is not None:
                return fast
        problems: list[Problem] = []
        clean: dict[str, Answer] = {}
        exact_values: dict[str, ExactValue] = {}
        if not isinstance(answers, Mapping):
            raise InvalidAnswers(
                [
                    Problem(
                        "(answers)",
                        type(answers).__name__,
                        Text(vi="phải là một bảng mã → giá trị", en="must be a mapping id → value"),
                        Text(vi="một đối tượng JSON", en="a JSON object"),
                    )
                ]
            )
        hidden = self.applicability.hidden(answers)
        for key in answers:
            if key not in self.known:
                problems.append(
                    Problem(
                        str(key),
                        answers[key],
                        Text(
                            vi="không phải câu hỏi của bộ tiêu chí này",
                            en="is not an input of this rule set",
                        ),
                        Text(
                            vi="các câu hỏi của bộ tiêu chí (xem `rulesets show`)",
                            en="the rule set's inputs (see `rulesets show`)",
                        ),
                    )
                )
        for spec in self.numeric:
            if spec.input_id in hidden:
                continue
            value = answers.get(spec.input_id)
            if value is None:
                if not partial:
                    problems.append(_missing(spec.input_id, spec.allowed))
                continue
            number = _as_number(value, spec.integer)
            if number is None:
                kind = (
                    Text(vi="phải là số nguyên", en="must be a whole number")
                    if spec.integer
                    else Text(vi="phải là một số", en="must be a number")
                )
                problems.append(Problem(spec.input_id, value, kind, spec.allowed))
                continue
            pair = (number, 1) if isinstance(number, int) else exact_pair(number)
            if _outside(pair, spec.lower, spec.upper):
                problems.append(
                    Problem(
                        spec.input_id,
                        value,
                        Text(vi="nằm ngoài giới hạn", en="is out of range"),
                        spec.allowed,
                    )
                )
                continue
            clean[spec.input_id] = number
            exact_values[spec.input_id] = pair
        for spec in self.numeric:
            if spec.le_input and spec.input_id in exact_values and spec.le_input in exact_values:
                n, d = exact_values[spec.input_id]
                on, od = exact_values[spec.le_input]
                if n * od > on * d:
                    problems.append(
                        Problem(
                            spec.input_id,
                            clean[spec.input_id],
                            Text(
                                vi=f"lớn hơn «{self.labels[spec.le_input].vi}» "
                                f"({_shown_number(clean[spec.le_input], 'vi')}) – hai số liệu mâu thuẫn",
                                en=f"exceeds «{self.labels[spec.le_input].en}» "
                                f"({_shown_number(clean[spec.le_input], 'en')}) – the figures disagree",
                            ),
                            Text(
                                vi=f"không lớn hơn «{self.labels[spec.le_input].vi}»",
                                en=f"at most «{self.labels[spec.le_input].en}»",
                            ),
                        )
                    )
        for choice in self.choices:
            if choice.input_id in hidden:
                continue
            value = answers.get(choice.input_id)
            if value is None:
                if not partial:
                    problems.append(_missing(choice.input_id, choice.allowed))
                continue
            if not isinstance(value, str) or value not in choice.options:
                problems.append(
                    Problem(
                        choice.input_id,
                        value,
                        Text(vi="không phải lựa chọn hợp lệ", en="is not one of the options"),
                        choice.allowed,
                    )
                )
                continue
            clean[choice.input_id] = value
        if problems:
            order = {name: n for n, name in enumerate(self.order)}
            problems.sort(key=lambda p: order.get(p.input_id, len(order)))
            raise InvalidAnswers(problems)
        return clean, exact_values


def bounds_first(specs: list[_NumericSpec]) -> list[_NumericSpec]:
    """Order inputs so that one bounded by another (bluezone ≤ smartphone owners) comes after it."""
    ordered: list[_NumericSpec] = []
    pending = list(specs)
    while pending:
        ready = [s for s in pending if s.le_input is None or s.le_input in {o.input_id for o in ordered}]
        if not ready:  # a cycle or a bound on an unknown input: keep the written order
            return ordered + pending
        ordered.extend(ready)
        pending = [s for s in pending if s not in ready]
    return ordered


def _shown_number(value: Answer, lang: str) -> str:
    return quantity(value, lang) if isinstance(value, (int, float)) else str(value)


def _missing(input_id: str, allowed: Text) -> Problem:
    return Problem(input_id, None, Text(vi="chưa trả lời", en="is missing"), allowed)


def _as_number(value: object, integer: bool) -> int | float | None:
    """Numbers as JSON and forms give them; 3000.0 is a whole number, True is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer():
            return int(value)
        return None if integer else value
    return value


def _as_ints(bound: tuple[Fraction, bool] | None) -> tuple[int, int, bool] | None:
    if bound is None:
        return None
    return bound[0].numerator, bound[0].denominator, bound[1]


def _outside(
    value: ExactValue, lower: tuple[int, int, bool] | None, upper: tuple[int, int, bool] | None
) -> bool:
    """Exact comparison by cross-multiplication (denominators are positive)."""
    n, d = value
    if lower is not None:
        left, right = n * lower[1], lower[0] * d
        if left < right or (left == right and not lower[2]):
            return True
    if upper is not None:
        left, right = n * upper[1], upper[0] * d
        if left > right or (left == right and not upper[2]):
            return True
    return False
