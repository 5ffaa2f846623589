"""Inspections on real databases: a planned visit filled in and scored by the same scorer, set beside
the company's own answers, refused outside scope or with bad input (nothing half-saved), and the
calibration's figures recomputed from SQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.assessment import registry
from app.assessment.answers import InvalidAnswers
from app.scoring import score
from app.services.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.onsite import calibration, inspection_evidence, inspections, visits
from tests.databases import rows, scalar
from tests.services.helpers import GOOD_ANSWERS, RISKY_ANSWERS, actor, latest_period_id

TODAY = date(2030, 1, 1)


def _planned(role: str = "zone_board") -> tuple[int, int, int]:
    """(visit id, company id, round id) of the first visit of a fresh plan."""
    official = actor(role)
    period = latest_period_id()
    plan = visits.save_plan(official, visits.propose(official, period, 3, today=TODAY))
    first = visits.get_plan(official, plan).rows[0]
    visit_id = scalar_visit(plan, first.company_id)
    return visit_id, first.company_id, period


def scalar_visit(plan_id: int, company_id: int) -> int:
    from sqlmodel import select

    from app.services.context import unit_of_work
    from db.models import PlannedVisit

    with unit_of_work() as session:
        found = session.exec(
            select(PlannedVisit.id).where(
                PlannedVisit.plan_id == plan_id, PlannedVisit.company_id == company_id
            )
        ).one()
        return int(found or 0)


def test_a_planned_visit_inspected_scored_and_set_beside_the_self_assessment(seeded: str) -> None:
    board = actor("zone_board")
    visit, company, period = _planned()
    assert next(v["visit_id"] for v in inspections.my_visits(board)) == visit
    draft = inspections.start(board, company, period, planned_visit_id=visit)
    assert draft.answers == {} and draft.status == "draft"
    assert inspections.start(board, company, period).id == draft.id  # asked again: the same draft

    # an error first: a share over 100 is kept as typed and said, then corrected
    typed = {**RISKY_ANSWERS, "mask_rate_pct": 130}
    saved, problems = inspections.save(board, draft.id, typed, "Cổng phụ không quét QR.")
    assert saved.answers["mask_rate_pct"] == 130 and [p.input_id for p in problems] == ["mask_rate_pct"]
    with pytest.raises(InvalidAnswers):
        inspections.complete(board, draft.id, TODAY - timedelta(days=1), today=TODAY)
    assert scalar(seeded, "SELECT status FROM inspection WHERE id = :i", i=draft.id) == "draft"
    inspections.save(board, draft.id, RISKY_ANSWERS, "Cổng phụ không quét QR.")
    with pytest.raises(Invalid):  # a visit in the future
        inspections.complete(board, draft.id, TODAY + timedelta(days=1), today=TODAY)
    done = inspections.complete(
        board, draft.id, TODAY - timedelta(days=1), official_level=True, stop_operation=True, today=TODAY
    )
    expected = score(registry.get("bg-kcn-2021"), RISKY_ANSWERS)
    assert (done.status, done.total, done.risk_index, done.level) == (
        "done",
        expected.total,
        expected.index,
        expected.level_id,
    )
    assert (
        scalar(seeded, "SELECT notes FROM inspection WHERE id = :i", i=draft.id) == "Cổng phụ không quét QR."
    )
    event = rows(seeded, "SELECT actor, company_id FROM auditevent WHERE action = 'inspection.complete'")
    assert [tuple(e) for e in event][-1] == ("demo.zoneboard", company)
    with pytest.raises(Conflict):
        inspections.save(board, draft.id, GOOD_ANSWERS)
    assert visit not in [v["visit_id"] for v in inspections.my_visits(board)]

    told, found, pairs = calibration.side_by_side(board, draft.id, "vi")
    own = rows(
        seeded,
        "SELECT total FROM assessment WHERE company_id = :c AND period_id = :p AND is_latest",
        c=company,
        p=period,
    )
    assert found.total == expected.total
    if own:
        assert told is not None and told.total == own[0][0]
        assert sum(p.gap or 0 for p in pairs) == expected.total - own[0][0]
    else:
        assert told is None and all(p.self_points is None for p in pairs)
    # the company is never shown it; the planner now knows the visit was a day ago
    with pytest.raises(Forbidden):
        inspections.of_company(actor("company"), company)
    again = visits.propose(board, period, 500, today=TODAY)
    row = next(r for r in again.chosen if r.company_id == company)
    assert row.terms["staleness"] == pytest.approx(1 + (1 / 7) / 12, abs=1e-3)


def test_outside_the_scope_or_the_role_nothing_is_started(seeded: str) -> None:
    in_zone = scalar(
        seeded,
        "SELECT min(c.id) FROM company c JOIN zone z ON z.id = c.zone_id WHERE z.kind = 'industrial_zone'",
    )
    before = scalar(seeded, "SELECT count(*) FROM inspection")
    with pytest.raises(Forbidden):
        inspections.start(actor("labour"), int(in_zone), latest_period_id())
    for role in ("company", "ict", "admin"):
        with pytest.raises(Forbidden):
            inspections.start(actor(role), int(in_zone), latest_period_id())
    other = scalar(seeded, "SELECT max(id) FROM company WHERE id <> :c", c=in_zone)
    visit, company, period = _planned()
    with pytest.raises(Invalid):  # a planned visit of another company
        inspections.start(actor("zone_board"), int(other), period, planned_visit_id=visit)
    draft = inspections.start(actor("zone_board"), company, period)
    with pytest.raises(Invalid):
        inspections.save(actor("zone_board"), draft.id, GOOD_ANSWERS, "x" * 5001)
    assert scalar(seeded, "SELECT count(*) FROM inspection") == before + 1
    assert scalar(seeded, "SELECT answers FROM inspection WHERE id = :i", i=draft.id) in ("{}", {})


def test_calibration_by_zone_matches_sql(seeded: str) -> None:
    """The seed's inspections found more risk than declared on a few questions; each zone's mean
    gap, recomputed in SQL, is the one the officials read."""
    result = calibration.calibration(actor("ict"))
    expected = {
        r[0]: (round(float(r[1]), 2), int(r[2]))
        for r in rows(
            seeded,
            """SELECT z.name, avg(i.risk_index - a.risk_index), count(*) FROM inspection i
               JOIN assessment a ON a.company_id = i.company_id AND a.period_id = i.period_id AND a.is_latest
               JOIN company c ON c.id = i.company_id JOIN zone z ON z.id = c.zone_id
               WHERE i.status = 'done' GROUP BY z.name""",
        )
    }
    assert expected, "the demo has inspections"
    shown = {z["zone"]: (z["mean_gap"], z["inspections"]) for z in result.zones}
    assert shown.keys() == expected.keys()
    for zone, (gap, count) in shown.items():
        assert count == expected[zone][1] and gap == pytest.approx(expected[zone][0], abs=0.011)
    assert len(result.companies) == sum(n for _, n in expected.values())
    assert result.criteria[0]["mean_gap"] > 0  # the honest bias: companies left points out
    board = calibration.calibration(actor("zone_board"))
    assert {z["zone"] for z in board.zones} <= {z["zone"] for z in result.zones}
    assert all(c["zone"].startswith("KCN") for c in board.companies)


def test_evidence_is_checked_by_content_and_never_half_saved(seeded: str) -> None:
    from tests.inspection.test_evidence import JPEG, PDF

    board = actor("zone_board")
    visit, company, period = _planned()
    draft = inspections.start(board, company, period, planned_visit_id=visit)
    photo = inspection_evidence.add_evidence(board, draft.id, "../nhà ăn.jpg", JPEG)
    assert (photo.file_name, photo.media_type) == ("nhà ăn.jpg", "image/jpeg")
    inspection_evidence.add_evidence(board, draft.id, "biên bản.pdf", PDF)
    for name, data, words in (
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "by their content"),
        ("short.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 72, "cannot be read"),
        ("big.jpg", JPEG + b"\x00" * (5 * 2**20), "at most 5 MB"),
        ("empty.jpg", b"", "empty"),
    ):
        with pytest.raises(Invalid) as refused:
            inspection_evidence.add_evidence(board, draft.id, name, data)
        assert words in refused.value.text("en")
    with pytest.raises(NotFound):  # another official's draft, outside that official's scope too
        inspection_evidence.add_evidence(actor("labour"), draft.id, "x.jpg", JPEG)
    shown = inspection_evidence.evidence_of(board, draft.id)
    assert [(e.file_name, e.media_type) for e in shown] == [
        ("nhà ăn.jpg", "image/jpeg"),
        ("biên bản.pdf", "application/pdf"),
    ]
    view, data = inspection_evidence.evidence_file(board, shown[0].id)
    assert data == JPEG and view.media_type == "image/jpeg"
    assert inspection_evidence.evidence_preview(board, shown[0].id)[:3] == b"\xff\xd8\xff"  # type: ignore[index]
    assert inspection_evidence.evidence_preview(board, shown[1].id) is None  # a PDF has no preview
    with pytest.raises(Forbidden):
        inspection_evidence.evidence_file(actor("labour"), shown[0].id)
    assert scalar(seeded, "SELECT count(*) FROM inspectionevidence") == 2
    assert scalar(seeded, "SELECT count(*) FROM auditevent WHERE action = 'inspection.evidence'") == 2


def test_the_company_sees_its_finished_inspection_and_nothing_else(seeded: str) -> None:
    """Issue 26: the company saw only action rows turning "confirmed by inspection". It sees its
    finished inspections: date, the inspector by name and agency (not a login), the level, the
    decisions, the notes, the criteria found worse than declared and the evidence; never a draft,
    never another company's."""
    from tests.inspection.test_evidence import JPEG

    board, me = actor("zone_board"), actor("company")
    period = latest_period_id()
    company = me.company_id or 0
    draft = assessments_submit(me, period, GOOD_ANSWERS)
    visit = inspections.start(board, company, period)
    inspections.save(board, visit.id, RISKY_ANSWERS, "Nhà ăn không có vách ngăn.")
    photo = inspection_evidence.add_evidence(board, visit.id, "nhà ăn.jpg", JPEG)
    assert inspections.mine(me) == []  # a draft is the inspector's own
    with pytest.raises(NotFound):
        inspection_evidence.evidence_file(me, photo.id)
    inspections.complete(board, visit.id, TODAY - timedelta(days=2), stop_operation=True, today=TODAY)

    [seen] = inspections.mine(me)
    full_name = scalar(seeded, "SELECT full_name FROM app_user WHERE username = 'demo.zoneboard'")
    assert (seen.visited_on, seen.inspector_name, seen.inspector_agency) == (
        TODAY - timedelta(days=2),
        full_name,
        "zone_board",
    )
    assert full_name and seen.signed("Ban Quản lý các KCN") == f"{full_name} – Ban Quản lý các KCN"
    assert seen.notes == "Nhà ăn không có vách ngăn." and seen.stop_operation
    told, _found, pairs = calibration.side_by_side(me, seen.id, "vi")
    assert told is not None and told.total == draft
    worse = {p.criterion_id for p in pairs if (p.gap or 0) > 0}
    declared = score(registry.get("bg-kcn-2021"), GOOD_ANSWERS)
    inspected = score(registry.get("bg-kcn-2021"), RISKY_ANSWERS)
    assert worse == {
        c.id for c, d in zip(inspected.criteria, declared.criteria, strict=True) if c.points > d.points
    }
    assert [e.file_name for e in inspection_evidence.evidence_of(me, seen.id)] == ["nhà ăn.jpg"]
    assert inspection_evidence.evidence_file(me, photo.id)[1] == JPEG

    other = scalar(seeded, "SELECT min(id) FROM company WHERE id <> :c", c=company)
    elsewhere = inspections.start(board, int(other), period)
    inspections.save(board, elsewhere.id, GOOD_ANSWERS)
    inspections.complete(board, elsewhere.id, TODAY - timedelta(days=1), today=TODAY)
    assert [v.id for v in inspections.mine(me)] == [seen.id]
    with pytest.raises(NotFound):
        calibration.side_by_side(me, elsewhere.id, "vi")
    with pytest.raises(NotFound):
        inspection_evidence.evidence_of(me, elsewhere.id)
    # officials read a person too, not a login
    assert inspections.of_company(board, company)[0].inspector_name == full_name


def assessments_submit(me: object, period: int, answers: dict[str, object]) -> int:
    """The company's own filing of the round; its total."""
    from app.services.filing import assessments

    draft = assessments.start_draft(me, period)  # type: ignore[arg-type]
    assessments.save_draft(me, draft.id, answers)  # type: ignore[arg-type]
    return assessments.submit(me, draft.id, f"inspect-{period}").total or 0  # type: ignore[arg-type]


def test_a_glance_at_a_visit_starts_nothing(seeded: str) -> None:
    """Issue 26: showing a planned visit recorded "inspection started". draft_of reads; start writes."""
    board = actor("zone_board")
    visit, company, period = _planned()
    before = scalar(seeded, "SELECT count(*) FROM auditevent")
    assert inspections.draft_of(board, company, period) is None
    assert scalar(seeded, "SELECT count(*) FROM auditevent") == before
    started = inspections.start(board, company, period, planned_visit_id=visit)
    found = inspections.draft_of(board, company, period)
    assert found is not None and found.id == started.id
    with pytest.raises(Forbidden):  # another official's scope: refused, as start refuses it
        inspections.draft_of(actor("labour"), company, period)
