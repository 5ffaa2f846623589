"""Credibility flags on real databases: stored with the submission that raised them, seen by the
officials in scope and never by the company, and every figure recomputed here from SQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.services.errors import Forbidden
from app.services.filing import assessments, credibility
from tests.databases import rows, scalar
from tests.services.helpers import GOOD_ANSWERS, actor, latest_period_id

ROOT = Path(__file__).resolve().parents[2]


def _register_workers(url: str, company_id: int) -> int:
    return int(scalar(url, "SELECT workers FROM company WHERE id = :c", c=company_id))


def _submit(answers: dict[str, object], key: str) -> int:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, answers)
    return assessments.submit(me, draft.id, key).id


def test_a_submission_far_from_the_register_is_flagged_when_stored(seeded: str) -> None:
    me = actor("company")
    assert me.company_id is not None
    register = _register_workers(seeded, me.company_id)
    declared = register * 3 + 100
    answers = {
        **GOOD_ANSWERS,
        "workers": declared,
        "workshop_area_m2": declared * 4,
        "smartphone_owners": declared - 300,
        "bluezone_installed": declared - 400,
        "health_declared": declared - 50,
    }
    submitted = _submit(answers, "far")
    stored = rows(
        seeded,
        "SELECT rule_id, severity, company_id, period_id FROM submissionflag WHERE assessment_id = :a",
        a=submitted,
    )
    assert [tuple(r) for r in stored] == [
        ("headcount_far_from_registry", "medium", me.company_id, latest_period_id())
    ]
    board = actor("zone_board")
    views = credibility.flags_of(board, submitted)
    assert [v.text for v in views] == [
        f"Số NLĐ khai ({declared:,}) khác xa số trong hồ sơ doanh nghiệp ({register:,}).".replace(",", ".")
    ]
    listed = {s.assessment_id: s for s in credibility.flagged(board, latest_period_id(), "en")}
    assert listed[submitted].flags[0].text.startswith(f"The workers declared ({declared:,})")
    # the company is never shown the doubt; an official outside the scope cannot read it
    with pytest.raises(Forbidden):
        credibility.flags_of(me, submitted)
    with pytest.raises(Forbidden):
        credibility.flagged(me, latest_period_id())
    with pytest.raises(Forbidden):
        credibility.flags_of(actor("labour"), submitted)  # the demo company is inside a zone

    # corrected: the new submission has no flag; the old one keeps its own
    fixed = _submit(
        {
            **answers,
            "workers": register,
            "smartphone_owners": register - 10,
            "bluezone_installed": register - 20,
            "health_declared": register - 5,
            "workshop_area_m2": register * 4,
        },
        "fixed",
    )
    assert credibility.flags_of(board, fixed) == []
    assert submitted not in {s.assessment_id for s in credibility.flagged(board, latest_period_id())}
    assert scalar(seeded, "SELECT count(*) FROM submissionflag WHERE assessment_id = :a", a=submitted) == 1


def test_each_rounds_headcount_flags_match_sql(seeded: str) -> None:
    """The seed computed every round's flags; SQL finds the same companies by the rule's own
    thresholds (1.5x and at least 50 workers apart)."""
    flagged = {
        (r[0], r[1])
        for r in rows(
            seeded,
            "SELECT period_id, company_id FROM submissionflag WHERE rule_id = 'headcount_far_from_registry'",
        )
    }
    expected = {
        (r[0], r[1])
        for r in rows(
            seeded,
            """SELECT a.period_id, a.company_id FROM assessment a JOIN company c ON c.id = a.company_id
               WHERE a.is_latest AND abs(a.workers - c.workers) >= 50
                 AND (a.workers * 1.0 / c.workers > 1.5 OR c.workers * 1.0 / a.workers > 1.5)""",
        )
    }
    assert flagged == expected
    assert flagged, "the demo has some companies whose headcount is far from the register"


def test_frozen_flags_name_companies_whose_four_rounds_are_identical(seeded: str) -> None:
    frozen = rows(
        seeded,
        "SELECT company_id, period_id FROM submissionflag WHERE rule_id = 'answers_frozen'",
    )
    assert frozen, "the demo has companies that copy their answers"
    for company_id, period_id in frozen:
        digests = rows(
            seeded,
            """SELECT a.answers_digest FROM assessment a JOIN period p ON p.id = a.period_id
               WHERE a.company_id = :c AND a.is_latest
                 AND p.due_on <= (SELECT due_on FROM period WHERE id = :p)
               ORDER BY p.due_on DESC""",
            c=company_id,
            p=period_id,
        )
        assert len(digests) >= 4 and len({d[0] for d in digests[:4]}) == 1


def test_recomputing_a_round_gives_the_flags_the_submits_gave(seeded: str) -> None:
    period = latest_period_id()
    query = "SELECT assessment_id, rule_id, severity FROM submissionflag WHERE period_id = :p ORDER BY 1, 2"
    before = [tuple(r) for r in rows(seeded, query, p=period)]
    assert credibility.recompute_round(period) == len(before)
    assert [tuple(r) for r in rows(seeded, query, p=period)] == before


def test_rows_stored_before_fingerprints_get_them_and_the_same_flags(seeded: str) -> None:
    """A database upgraded from before flags: no fingerprints, no flags. Recomputing every round
    fills in the fingerprints and finds what the seed's own computation found."""
    from sqlalchemy import text

    from app.services.context import unit_of_work

    query = "SELECT assessment_id, rule_id FROM submissionflag ORDER BY 1, 2"
    before = [tuple(r) for r in rows(seeded, query)]
    digests = rows(seeded, "SELECT id, answers_digest FROM assessment WHERE status <> 'draft' ORDER BY id")
    with unit_of_work(write=True) as session:
        session.execute(text("UPDATE assessment SET answers_digest = NULL"))
        session.execute(text("DELETE FROM submissionflag"))
    credibility.recompute_all()
    assert [tuple(r) for r in rows(seeded, query)] == before
    after = rows(seeded, "SELECT id, answers_digest FROM assessment WHERE status <> 'draft' ORDER BY id")
    assert [tuple(r) for r in after] == [tuple(r) for r in digests]


def test_the_flags_command_lists_them_and_counts(seeded: str) -> None:
    period = latest_period_id()
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "flags", "--period", str(period), "--lang", "en"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": seeded},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"(\d+) flags on (\d+) submissions", last)
    assert match, last
    flags = scalar(
        seeded,
        """SELECT count(*) FROM submissionflag f JOIN assessment a ON a.id = f.assessment_id
           WHERE f.period_id = :p AND a.is_latest""",
        p=period,
    )
    submissions = scalar(
        seeded,
        """SELECT count(DISTINCT f.assessment_id) FROM submissionflag f
           JOIN assessment a ON a.id = f.assessment_id WHERE f.period_id = :p AND a.is_latest""",
        p=period,
    )
    assert (int(match[1]), int(match[2])) == (flags, submissions)
    bad = subprocess.run(
        [sys.executable, "-m", "app.cli", "flags", "--period", "999999", "--lang", "en"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": seeded},
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "No such round" in bad.stderr


def test_a_submit_that_copies_the_last_rounds_is_flagged_as_the_batch_would(seeded: str) -> None:
    """The submit reads only its own earlier rounds, and its area's fingerprints only when its own
    answers turn out frozen; the round's recomputation reads everything at once. Same flags."""
    from sqlalchemy import text

    from app.credibility.checks import digest
    from app.services.context import unit_of_work

    me = actor("company")
    answers = {**GOOD_ANSWERS}
    with unit_of_work(write=True) as session:  # the three rounds before: the very same answers
        session.execute(
            text(
                "UPDATE assessment SET answers_digest = :d"
                " WHERE company_id = :c AND period_id <> :p AND is_latest"
            ),
            {"d": digest(answers), "c": me.company_id, "p": latest_period_id()},
        )
    submitted = _submit(answers, "copied")
    stored = {
        r[0] for r in rows(seeded, "SELECT rule_id FROM submissionflag WHERE assessment_id = :a", a=submitted)
    }
    assert "answers_frozen" in stored
    credibility.recompute_round(latest_period_id())
    again = {
        r[0] for r in rows(seeded, "SELECT rule_id FROM submissionflag WHERE assessment_id = :a", a=submitted)
    }
    assert again == stored


def test_a_round_recomputed_in_small_chunks_flags_the_same(seeded: str) -> None:
    """A round is recomputed a few thousand companies at a time (memory flat in the province's
    size); chunks of 7 find what one chunk finds, areas and earlier rounds included."""
    query = "SELECT assessment_id, rule_id, severity FROM submissionflag ORDER BY 1, 2"
    for period in [r[0] for r in rows(seeded, "SELECT id FROM period ORDER BY due_on")]:
        credibility.recompute_round(period, chunk=10_000)
    whole = [tuple(r) for r in rows(seeded, query)]
    for period in [r[0] for r in rows(seeded, "SELECT id FROM period ORDER BY due_on")]:
        credibility.recompute_round(period, chunk=7)
    assert [tuple(r) for r in rows(seeded, query)] == whole and whole


def test_a_chunk_finds_its_rows_by_company_not_by_reading_the_round(seeded: str) -> None:
    """What keeps a 50,000-company round's flags linear: each chunk's reads of its own submissions
    (this round's and the earlier ones) go through an index on the company, not through the
    round's index (which read the whole round again for every chunk). SQLite's planner, without
    statistics, chose the round's; its plans are checked here for every such read."""
    if not seeded.startswith("sqlite"):
        pytest.skip("PostgreSQL's planner chooses by its statistics")
    import sqlalchemy as sa

    from db.engine import get_engine

    engine = get_engine(seeded)
    chunk_reads: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().startswith("SELECT") and "assessment.company_id IN" in statement:
            chunk_reads.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        credibility.recompute_round(latest_period_id(), chunk=7)
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert len(chunk_reads) >= 2  # this round's rows and the earlier rounds', per chunk
    with engine.connect() as conn:
        for statement, parameters in chunk_reads:
            plan = " ".join(
                str(step[-1]) for step in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            )
            assert "ix_assessment_period_latest" not in plan, plan
            assert re.search(r"SEARCH (assessment|a) USING INDEX \w+ \(company_id=", plan), plan
