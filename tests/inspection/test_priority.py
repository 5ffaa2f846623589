"""The planner's priority: each term as the data file says, the order reproducible, and the
official's pins and drops always honoured."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.inspection.priority import Candidate, choose, rank, shipped_weights, terms_of

W = shipped_weights()


def test_each_term_as_documented() -> None:
    c = Candidate(
        company_id=1,
        level_position=3,
        level_count=5,
        workers=1000,
        flag_severities=("high", "low"),
        weeks_since_inspection=6,
        missed_rounds=2,
    )
    t = terms_of(c, W)
    assert t.risk == 4  # "high" is the fourth of five bands
    assert math.isclose(t.exposure, 1 + math.log10(11))
    assert t.doubt == 1 + 1.0 + 0.25
    assert t.staleness == 1 + 6 / 12
    assert t.missed == 1 + 2 * 0.25
    assert math.isclose(t.priority, t.risk * t.exposure * t.doubt * t.staleness * t.missed)


def test_unknowns_and_limits() -> None:
    never = terms_of(Candidate(2, None, 0, None), W)
    assert (never.risk, never.exposure, never.doubt, never.staleness, never.missed) == (3, 1, 1, 2.0, 1)
    long_ago = terms_of(Candidate(3, 0, 5, 10, weeks_since_inspection=500, missed_rounds=40), W)
    assert long_ago.staleness == W.staleness_never and long_ago.missed == 1 + 4 * 0.25
    # a rule set with three bands spreads them over the same scale
    assert [terms_of(Candidate(4, p, 3, 10), W).risk for p in range(3)] == [1, 3, 5]


candidates = st.lists(
    st.builds(
        Candidate,
        company_id=st.integers(1, 10_000),
        level_position=st.none() | st.integers(0, 4),
        level_count=st.just(5),
        workers=st.none() | st.integers(0, 50_000),
        flag_severities=st.lists(st.sampled_from(["low", "medium", "high"]), max_size=3).map(tuple),
        weeks_since_inspection=st.none() | st.floats(0, 100),
        missed_rounds=st.integers(0, 6),
    ),
    unique_by=lambda c: c.company_id,
    max_size=60,
)


@given(candidates, st.integers(1, 80), st.data())
def test_choose_keeps_pins_drops_drops_and_fills_by_rank(
    pool: list[Candidate], visits: int, data: st.DataObject
) -> None:
    ids = [c.company_id for c in pool]
    pinned = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=5) if ids else st.just([]))
    dropped = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=5) if ids else st.just([]))
    ranked = rank(pool, W)
    assert ranked == rank(list(reversed(pool)), W)  # the order does not depend on the input's
    assert all(a.priority >= b.priority - 1e-9 for a, b in pairwise(ranked))
    chosen = choose(ranked, visits, pinned, dropped)
    got = [r.candidate.company_id for r in chosen]
    keep = set(pinned) - set(dropped)
    assert keep <= set(got) and not set(got) & set(dropped)
    assert len(got) == len(set(got)) == min(max(visits, len(keep)), len(set(ids) - set(dropped)))
    rest = [r.candidate.company_id for r in ranked if r.candidate.company_id not in keep | set(dropped)]
    assert [g for g in got if g not in keep] == rest[: len(got) - len(keep)]


any_candidates = st.lists(
    st.builds(
        Candidate,
        company_id=st.integers(1, 10_000),
        level_position=st.none() | st.integers(0, 6),
        level_count=st.integers(0, 7),
        workers=st.none() | st.integers(-5, 200_000),
        flag_severities=st.lists(st.sampled_from(["low", "medium", "high", "unknown"]), max_size=4).map(
            tuple
        ),
        weeks_since_inspection=st.none() | st.floats(-3, 500, allow_nan=False),
        missed_rounds=st.integers(0, 9),
    ).filter(lambda c: c.level_position is None or c.level_position < max(c.level_count, 1)),
    unique_by=lambda c: c.company_id,
    max_size=40,
)


@given(any_candidates)
def test_the_columns_give_each_candidate_the_terms_of_terms_of(pool: list[Candidate]) -> None:
    """The province is ranked on columns; every row's terms are the documented scalar ones."""
    from app.inspection.priority import Columns, order_of, terms_array

    if not pool:
        return
    cols = Columns.of(pool, W)
    terms = terms_array(cols, W)
    for candidate, row in zip(pool, terms, strict=True):
        one = terms_of(candidate, W)
        assert [one.risk, one.exposure, one.doubt, one.staleness, one.missed] == pytest.approx(
            list(row), rel=1e-12
        )
    order = [pool[i].company_id for i in order_of(cols, terms)]
    by_priority = sorted(pool, key=lambda c: (-round(terms_of(c, W).priority, 9), c.company_id))
    assert order == [c.company_id for c in by_priority]
