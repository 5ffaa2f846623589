"""The action plan on real databases: raised by a submit with due dates from the data file, owned and
ticked by the company, confirmed by a re-assessment or an inspection, overdue counts per zone
recomputed from SQL; nothing for another company, nothing after a confirmation."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from app.formatting import VIETNAM
from app.scoring import recommend
from app.services.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.filing import assessments
from app.services.onsite import inspections, remediation
from tests.databases import rows
from tests.services.helpers import GOOD_ANSWERS, RISKY_ANSWERS, actor, latest_period_id


def _submit(answers: dict[str, object], key: str) -> int:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, answers)
    return assessments.submit(me, draft.id, key).id


def test_a_risky_submission_raises_its_fixes_with_due_dates_and_a_better_one_confirms_them(
    seeded: str,
) -> None:
    me = actor("company")
    before = {a.id for a in remediation.plan(me)}
    submitted = _submit(RISKY_ANSWERS, "risky")
    view = assessments.get_assessment(me, submitted)
    level, at = view.level, view.submitted_at
    assert at is not None
    new = [a for a in remediation.plan(me) if a.id not in before]
    assert 1 <= len(new) <= remediation.deadlines("bg-kcn-2021").max_actions
    days = remediation.deadlines("bg-kcn-2021").due_days[str(level)]
    assert {a.due_on for a in new} == {(at + VIETNAM).date() + timedelta(days=days)}
    assert all(a.status == "open" and a.steps and "→" in a.steps[0]["vi"] for a in new)
    stored = rows(
        seeded, "SELECT criterion_id, points FROM remediationaction WHERE assessment_id = :a", a=submitted
    )
    points = rows(seeded, "SELECT score FROM assessment WHERE id = :a", a=submitted)[0][0]
    criteria = (json.loads(points) if isinstance(points, str) else points)["criteria"]
    assert all(criteria[c] == p for c, p in stored)

    # the company names an owner, ticks one done; another company cannot touch it
    first = new[0]
    remediation.update(me, first.id, owner="Chị Hương – phòng HCNS", done=True)
    with pytest.raises(Invalid):
        remediation.update(me, first.id, owner="x" * 121)
    with pytest.raises(Forbidden):
        remediation.update(actor("zone_board"), first.id, done=True)
    owner_status = rows(seeded, "SELECT owner, status FROM remediationaction WHERE id = :i", i=first.id)
    assert tuple(owner_status[0]) == ("Chị Hương – phòng HCNS", "done")

    # a better re-assessment confirms every fix whose criterion lost points, and raises no repeats
    _submit(GOOD_ANSWERS, "good")
    after = {a.id: a for a in remediation.plan(me)}
    for action in new:
        assert after[action.id].status == "fixed" and after[action.id].closed_by == "reassessment"
    with pytest.raises(Conflict):
        remediation.update(me, first.id, done=False)


def test_an_inspection_confirms_the_fixes_it_sees(seeded: str) -> None:
    me = actor("company")
    _submit(RISKY_ANSWERS, "risky")
    raised = [a for a in remediation.plan(me) if a.status == "open"]
    board = actor("zone_board")
    period = latest_period_id()
    draft = inspections.start(board, me.company_id or 0, period)
    inspections.save(board, draft.id, GOOD_ANSWERS)
    inspections.complete(board, draft.id, date(2030, 1, 1) - timedelta(days=1), today=date(2030, 1, 1))
    states = {a.id: (a.status, a.closed_by) for a in remediation.plan(me)}
    assert all(states[a.id] == ("fixed", "inspection") for a in raised)


def test_overdue_by_zone_matches_sql(seeded: str) -> None:
    today = date(2030, 1, 1)
    _submit(RISKY_ANSWERS, "risky")
    shown = {
        r["zone"]: (r["open"], r["overdue"], r["companies"])
        for r in remediation.overdue_by_zone(actor("ict"), today)
    }
    expected = {
        r[0]: (int(r[1]), int(r[2]), int(r[3]))
        for r in rows(
            seeded,
            """SELECT z.name, count(*),
                      sum(CASE WHEN a.status = 'open' AND a.due_on < :today THEN 1 ELSE 0 END),
                      count(DISTINCT a.company_id)
               FROM remediationaction a JOIN company c ON c.id = a.company_id JOIN zone z ON z.id = c.zone_id
               WHERE a.status IN ('open', 'done') GROUP BY z.name""",
            today=today,
        )
    }
    assert shown == expected and sum(v[1] for v in shown.values()) > 0
    zones = {r["zone"] for r in remediation.overdue_by_zone(actor("labour"), today)}
    assert all(not z.startswith("KCN") for z in zones)
    with pytest.raises(Forbidden):
        remediation.overdue_by_zone(actor("company"), today)
    with pytest.raises(NotFound):
        remediation.update(actor("company"), 10**9, done=True)


def test_a_still_open_action_aims_at_the_newest_submissions_target(seeded: str) -> None:
    """Issue 26: the plan said "2.439 → 2.653" from an older round while the advice beside it named
    this round's figure. An action left open by a new submission takes that submission's step, the
    one its "what to fix first" names; its owner, due date and raised points stay."""
    me = actor("company")
    masks_only = {**RISKY_ANSWERS, **{k: GOOD_ANSWERS[k] for k in ("cs4", "cs7", "cs12", "cs13", "cs14")}}
    _submit(masks_only, "risky")
    masks = next(a for a in remediation.plan(me) if a.criterion_id == "CS8" and a.status == "open")
    assert "40" in masks.steps[0]["vi"]
    remediation.update(me, masks.id, owner="Anh Tuấn")
    again = _submit({**masks_only, "mask_rate_pct": 45}, "risky-again")
    now = next(a for a in remediation.plan(me) if a.id == masks.id)
    result = assessments.result_of(assessments.get_assessment(me, again))
    advice = next(p for p in recommend(result).priorities if p.criterion_id == "CS8")
    assert now.steps == [
        {
            lang: f"{c.input_label.get(lang)}: {c.current_label.get(lang)} → {c.proposed_label.get(lang)}"
            for lang in ("vi", "en")
        }
        for c in advice.changes
    ]
    assert "45" in now.steps[0]["vi"] and now.assessment_id == again
    assert (now.owner, now.due_on, now.points) == ("Anh Tuấn", masks.due_on, masks.points)
    assert len([a for a in remediation.plan(me) if a.criterion_id == "CS8" and a.status == "open"]) == 1


def test_the_plan_is_saved_whole_or_not_at_all(seeded: str) -> None:
    """One save of the plan is one unit of work: an owner too long on one card leaves the others
    as they were; a clean save says how many changed."""
    me = actor("company")
    _submit(RISKY_ANSWERS, "whole")
    first, second = [a for a in remediation.plan(me) if a.status == "open"][:2]
    with pytest.raises(Invalid):
        remediation.update_many(me, {first.id: ("Chị Hương", True), second.id: ("x" * 121, False)})
    kept = {a.id: (a.owner, a.status) for a in remediation.plan(me)}
    assert kept[first.id] == (first.owner, "open")
    assert remediation.update_many(me, {first.id: ("Chị Hương", True), second.id: (second.owner, False)}) == 1
    assert {a.id: (a.owner, a.status) for a in remediation.plan(me)}[first.id] == ("Chị Hương", "done")
