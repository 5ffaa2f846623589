"""The questionnaire's state machine: marks from the saved draft, and where each save leads."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.assessment.progress import Mark, after_save, mark, progress

SECTIONS = [("workers", "area"), ("cs4", "cs6"), ("mask", "handwash"), ("cs12",), ("bluezone",)]
FULL = {i: 1 for ids in SECTIONS for i in ids}


def test_marks_come_from_the_saved_answers_and_refusals() -> None:
    state = progress(SECTIONS, {**FULL, "mask": 150}, refused={"mask"}, requested=None)
    assert state.marks == (Mark.done, Mark.done, Mark.problem, Mark.done, Mark.done)
    assert state.step == 0 and state.first_problem() == 2 and not state.ready
    partial = progress(SECTIONS, {"workers": 3000}, refused=set(), requested=4)
    assert partial.marks[0] is Mark.todo and partial.step == 4
    assert [m.symbol for m in partial.marks] == ["…"] * 5


def test_an_error_keeps_the_section_and_its_correction_moves_on() -> None:
    """Issue 11's lost correction: section 3 refused, fixed, saved and continued → section 4."""
    refused = progress(SECTIONS, {**FULL, "mask": 150}, refused={"mask"}, requested=2)
    assert after_save(refused, section_saved_cleanly=False, advance=True) == 2
    fixed = progress(SECTIONS, FULL, refused=set(), requested=2)
    assert after_save(fixed, section_saved_cleanly=True, advance=True) == 3
    assert after_save(fixed, section_saved_cleanly=True, advance=False) == 2


def test_the_last_section_leads_to_the_review_and_no_further() -> None:
    last = progress(SECTIONS, FULL, refused=set(), requested=4)
    assert after_save(last, True, True) == 5 == last.review
    review = progress(SECTIONS, FULL, refused=set(), requested=5)
    assert review.on_review and review.ready
    assert after_save(review, True, True) == 5


@given(st.integers(min_value=-10, max_value=20), st.booleans(), st.booleans())
def test_the_step_is_always_a_section_or_the_review(requested: int, clean: bool, advance: bool) -> None:
    state = progress(SECTIONS, FULL, refused=set(), requested=requested)
    assert 0 <= state.step <= state.review
    assert 0 <= after_save(state, clean, advance) <= state.review
    assert after_save(state, clean, advance) >= state.step


def test_a_mark_is_a_problem_before_it_is_anything_else() -> None:
    assert mark(("a", "b"), {"a": 1}, {"a"}) is Mark.problem
    assert mark(("a",), {"a": None}, set()) is Mark.todo
