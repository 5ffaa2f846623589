"""The company's draft → submit journey and the officials' review, on real databases."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete
from sqlmodel import col, select

from app.assessment import registry
from app.assessment.answers import InvalidAnswers
from app.scoring import score
from app.services import periods
from app.services.context import unit_of_work
from app.services.errors import Conflict, Forbidden, Invalid
from app.services.filing import assessments
from db.models import Assessment, AuditEvent
from tests.databases import scalar
from tests.services.helpers import GOOD_ANSWERS, actor, latest_period_id


def _count(url: str, sql: str, **params: object) -> int:
    return int(scalar(url, sql, **params))


def test_draft_is_prefilled_from_the_last_submission(seeded: str) -> None:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assert draft.status == "draft"
    last = assessments.history(me, me.company_id)[0]  # type: ignore[arg-type]
    assert draft.answers == last.answers
    # asking again gives the same draft, not a second one
    assert assessments.start_draft(me, latest_period_id()).id == draft.id


def test_saving_a_draft_keeps_invalid_values_and_lists_the_problems(seeded: str) -> None:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    typed = {**GOOD_ANSWERS, "mask_rate_pct": 130, "bluezone_installed": 2800}
    saved, problems = assessments.save_draft(me, draft.id, typed)
    assert saved.answers["mask_rate_pct"] == 130
    assert {p.input_id for p in problems} == {"mask_rate_pct", "bluezone_installed"}
    assert assessments.get_assessment(me, draft.id).answers == typed
    with pytest.raises(InvalidAnswers):
        assessments.submit(me, draft.id, "key-1")
    assert assessments.get_assessment(me, draft.id).status == "draft"


def test_submit_stores_the_score_snapshot_and_replaces_nothing_else(seeded: str) -> None:
    me = actor("company")
    period = latest_period_id()
    draft = assessments.start_draft(me, period)
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    done = assessments.submit(me, draft.id, "key-1")
    expected = score(registry.get("bg-kcn-2021"), GOOD_ANSWERS)
    assert (done.status, done.total, done.risk_index, done.level, done.may_operate) == (
        "submitted",
        expected.total,
        expected.index,
        expected.level_id,
        expected.may_operate,
    )
    assert done.is_latest and done.first_submitted_at == done.submitted_at
    assert done.score and done.score["criteria"]["CS15"] == 0
    with pytest.raises(Conflict):
        assessments.save_draft(me, draft.id, {**GOOD_ANSWERS, "workers": 10})


def test_a_double_submit_stores_one_row(seeded: str) -> None:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    first = assessments.submit(me, draft.id, "click-1")
    again = assessments.submit(me, draft.id, "click-1")
    assert again.id == first.id and again.submitted_at == first.submitted_at
    with pytest.raises(Conflict):
        assessments.submit(me, draft.id, "another-tab")
    assert (
        _count(
            seeded,
            "SELECT count(*) FROM assessment WHERE company_id = :c AND period_id = :p AND is_latest",
            c=me.company_id,
            p=latest_period_id(),
        )
        == 1
    )


def test_twelve_tabs_starting_the_draft_at_once_all_get_the_same_one(seeded: str) -> None:
    me = actor("company")
    period_id = latest_period_id()
    with unit_of_work(write=True) as session:  # the seed's draft goes: the twelve race to make one
        session.execute(
            delete(Assessment).where(
                col(Assessment.company_id) == me.company_id,
                col(Assessment.period_id) == period_id,
                col(Assessment.status) == "draft",
            )
        )
    barrier = threading.Barrier(12)
    outcomes: list[object] = []

    def start() -> None:
        barrier.wait()
        try:
            outcomes.append(assessments.start_draft(me, period_id).id)
        except Exception as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=start) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 12 and len(set(outcomes)) == 1, outcomes
    assert all(isinstance(o, int) for o in outcomes)


def test_concurrent_submissions_of_one_draft_store_exactly_one(seeded: str) -> None:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    outcomes: list[object] = []
    barrier = threading.Barrier(4)

    def submit(key: str) -> None:
        barrier.wait()
        try:
            outcomes.append(assessments.submit(me, draft.id, key).id)
        except Conflict as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=submit, args=(f"key-{n % 2}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 4
    submitted = _count(
        seeded,
        "SELECT count(*) FROM assessment WHERE company_id = :c AND period_id = :p AND status = 'submitted'",
        c=me.company_id,
        p=latest_period_id(),
    )
    assert submitted == 1
    assert _count(seeded, "SELECT count(*) FROM auditevent WHERE action = 'assessment.submit'") == 1
    ids = {o for o in outcomes if isinstance(o, int)}
    assert ids == {draft.id}


def test_a_correction_is_a_new_submission_and_history_stays(seeded: str) -> None:
    me = actor("company")
    period = latest_period_id()
    draft = assessments.start_draft(me, period)
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    first = assessments.submit(me, draft.id, "k1")
    returned = assessments.review(actor("zone_board"), first.id, "return", "Bổ sung phương án xe đưa đón.")
    assert returned.status == "returned"
    mine = assessments.get_assessment(me, first.id)
    assert mine.latest_review and mine.latest_review.comment == "Bổ sung phương án xe đưa đón."
    second_draft = assessments.start_draft(me, period)
    assert second_draft.id != first.id and second_draft.answers == GOOD_ANSWERS
    assessments.save_draft(me, second_draft.id, {**GOOD_ANSWERS, "cs13": "no_shuttle"})
    second = assessments.submit(me, second_draft.id, "k2")
    assert second.is_latest and second.total == first.total - 10  # type: ignore[operator]
    assert second.first_submitted_at == first.submitted_at  # filing time is the first one
    old = assessments.get_assessment(me, first.id)
    assert not old.is_latest and old.answers == GOOD_ANSWERS and old.status == "returned"
    assert [h.id for h in assessments.history(me, me.company_id)][:2] == [second.id, first.id]  # type: ignore[arg-type]


def test_review_rules(seeded: str) -> None:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    done = assessments.submit(me, draft.id, "k")
    with pytest.raises(Invalid):
        assessments.review(actor("zone_board"), done.id, "return", "  ")
    with pytest.raises(Forbidden):
        assessments.review(actor("ict"), done.id, "approve")
    with pytest.raises(Forbidden):  # the persona's factory is in a zone, not the labour department's
        assessments.review(actor("labour"), done.id, "approve")
    approved = assessments.review(actor("zone_board"), done.id, "approve")
    assert approved.status == "approved"
    with pytest.raises(Conflict):
        assessments.review(actor("zone_board"), done.id, "return", "again")
    with unit_of_work() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "assessment.approve")).all()
    assert [(e.actor, e.object_id, (e.after or {}).get("status")) for e in events] == [
        ("demo.zoneboard", str(done.id), "approved")
    ]


def test_closed_round_takes_no_submission(seeded: str) -> None:
    me = actor("company")
    period = latest_period_id()
    draft = assessments.start_draft(me, period)
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    periods.close_period(actor("admin"), period)
    with pytest.raises(Invalid):
        assessments.submit(me, draft.id, "late")
    with unit_of_work() as session:
        assert session.get(Assessment, draft.id).status == "draft"  # type: ignore[union-attr]


def test_bulk_history_scores_like_submit(seeded: str) -> None:
    """The seed's bulk path stores the same snapshot the submit path would."""
    with unit_of_work() as session:
        row = session.exec(select(Assessment).where(Assessment.status != "draft")).first()
    assert row is not None
    fresh = score(registry.get(row.ruleset_id, row.ruleset_version), row.answers)
    assert (row.total, row.risk_index, row.level, row.may_operate) == (
        fresh.total,
        fresh.index,
        fresh.level_id,
        fresh.may_operate,
    )
    assert row.ruleset_hash == registry.get(row.ruleset_id).content_hash
    assert row.workers == row.answers["workers"]


def test_a_headcount_corrected_in_the_profile_prefills_the_next_draft(seeded: str) -> None:
    from app.services.filing import companies

    me = actor("company")
    company = companies.get_company(me, me.company_id)  # type: ignore[arg-type]
    companies.update_profile(
        me, company.id, {"name": company.name, "sector": company.sector, "workers": 3210}
    )
    assert assessments.start_draft(me, latest_period_id()).answers["workers"] == 3210


def test_a_companys_history_is_read_in_two_queries_whatever_its_length(seeded: str) -> None:
    """One query for the submissions, one for all their reviews: not one per submission."""
    from sqlalchemy import event

    from app.services.context import unit_of_work

    official = actor("zone_board")
    company_id = actor("company").company_id
    assert company_id is not None
    statements: list[str] = []
    with unit_of_work() as session:
        listener = lambda *args: statements.append(str(args[2]))  # noqa: E731 - (conn, cursor, statement, …)
        event.listen(session.get_bind(), "before_cursor_execute", listener)
        try:
            shown = assessments.history(official, company_id, session=session)
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", listener)
    assert len(shown) >= 3
    assert [s.split()[0] for s in statements if s != "BEGIN"] == ["SELECT", "SELECT"], statements
    reviewed = scalar(
        seeded,
        "SELECT count(*) FROM review r JOIN assessment a ON a.id = r.assessment_id WHERE a.company_id = :c",
        c=company_id,
    )
    assert sum(len(v.reviews) for v in shown) == reviewed
