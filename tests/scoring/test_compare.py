"""Why two submissions differ: criteria whose points or answers moved, biggest moves first."""

from __future__ import annotations

from fractions import Fraction

from app.assessment import registry
from app.scoring import score
from app.scoring.compare import compare
from tests.reference import worked_examples

BG = registry.get("bg-kcn-2021")
BASE = worked_examples()[0]["answers"]


def test_identical_submissions_have_no_changes() -> None:
    same = compare(score(BG, BASE), score(BG, dict(BASE)))
    assert same.changes == [] and same.delta == 0 and same.index_delta == 0


def test_changes_name_the_inputs_and_sort_by_the_size_of_the_move() -> None:
    worse = {**BASE, "cs14": "unmanaged", "mask_rate_pct": 60}
    before, after = score(BG, BASE), score(BG, worse)
    result = compare(before, after)
    assert result.delta == after.total - before.total > 0
    assert result.index_delta == Fraction(100 * after.total, after.max_total) - Fraction(
        100 * before.total, before.max_total
    )
    moved = {c.criterion_id: c for c in result.changes}
    assert moved["CS14"].changed_inputs == ("cs14",) and moved["CS14"].delta > 0
    assert "mask_rate_pct" in moved["CS8"].changed_inputs
    sizes = [abs(c.delta) for c in result.changes]
    assert sizes == sorted(sizes, reverse=True)
    assert moved["CS14"].fired_before is not None and moved["CS14"].fired_after is not None


def test_the_index_change_is_exact_not_the_difference_of_two_rounded_indices() -> None:
    """Issue 26: History said −1,66 percentage points where the change is −1,67: 115/300 is
    38,33 % and 110/300 is 36,67 %, rounded each; their difference is 5/3 = 1,666…"""
    from app.formatting import signed
    from app.scoring.compare import Comparison

    class Total:  # the two fields a comparison's index change reads, as a ScoreResult has them
        def __init__(self, total: int) -> None:
            self.total, self.max_total = total, 300

    moved = Comparison(Total(115), Total(110), [])  # type: ignore[arg-type]
    assert moved.index_delta == Fraction(-5, 3)
    assert signed(moved.index_delta, "vi", 2) == "−1,67"
    assert signed(round(110 / 3, 2) - round(115 / 3, 2), "vi", 2) == "−1,66"  # what it said before


def test_an_answer_that_moved_without_points_still_shows() -> None:
    """A headcount that changed within its band moves no points but is still a difference."""
    result = compare(score(BG, BASE), score(BG, {**BASE, "workers": BASE["workers"] + 1}))
    changed = [c for c in result.changes if "workers" in c.changed_inputs]
    assert changed and all(c.delta == 0 for c in changed if c.criterion_id == "CS1")


def test_across_rule_sets_a_criterion_only_one_side_has_shows_none() -> None:
    hcmc = registry.get("hcmc-1203-2020")
    other = next(e for e in worked_examples() if e["ruleset"] == "hcmc-1203-2020")
    result = compare(score(BG, BASE), score(hcmc, other["answers"]))
    only_before = [c for c in result.changes if c.points_after is None]
    only_after = [c for c in result.changes if c.points_before is None]
    assert only_before and only_after
