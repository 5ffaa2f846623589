"""Where a company is in the questionnaire, as a small pure state machine: which step is shown
(a section, or the review), what each section's mark is, and where a save leads. The marks come
from the saved draft on every run, never from what a session remembers, so a fresh session shows
the same ⚠ for a section that holds a refused value; the selected step is the page's own state,
so a correction saved after an error stays on its section and is stored."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Mark(StrEnum):
    done = "done"  # every input answered, none refused
    problem = "problem"  # at least one saved value is refused
    todo = "todo"  # some input not answered yet

    @property
    def symbol(self) -> str:
        return {"done": "✓", "problem": "⚠", "todo": "…"}[self.value]


def mark(input_ids: Sequence[str], answers: Mapping[str, object], refused: Collection[str]) -> Mark:
    if any(i in refused for i in input_ids):
        return Mark.problem
    if all(answers.get(i) is not None for i in input_ids):
        return Mark.done
    return Mark.todo


@dataclass(frozen=True)
class Progress:
    """The questionnaire's state for one run: `sections` marks in order; `step` is a section's
    index, or `len(sections)` for the review."""

    marks: tuple[Mark, ...]
    step: int

    @property
    def review(self) -> int:
        return len(self.marks)

    @property
    def on_review(self) -> bool:
        return self.step == self.review

    @property
    def ready(self) -> bool:
        return all(m is Mark.done for m in self.marks)

    def first_problem(self) -> int | None:
        return next((n for n, m in enumerate(self.marks) if m is Mark.problem), None)


def progress(
    sections: Sequence[Sequence[str]],
    answers: Mapping[str, object],
    refused: Collection[str],
    requested: int | None,
) -> Progress:
    """The state from the saved draft and the step the page asked for (clamped; the first
    section when none was asked for yet)."""
    marks = tuple(mark(ids, answers, refused) for ids in sections)
    step = 0 if requested is None else max(0, min(requested, len(marks)))
    return Progress(marks, step)


def after_save(state: Progress, section_saved_cleanly: bool, advance: bool) -> int:
    """Where a save leads: a section whose saved values are refused stays shown with its errors;
    "save and continue" on a clean section moves to the next step (the review after the last);
    "save draft" stays."""
    if not section_saved_cleanly or not advance:
        return state.step
    return min(state.step + 1, state.review)
