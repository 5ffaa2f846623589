"""Inspections: an official fills in the round's own questionnaire on site, the same scorer rates it,
and it is set beside the company's self-assessment criterion by criterion. Calibration averages
the gaps: which companies, which questions and which zones answer too kindly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.assessment.answers import Problem
from app.assessment.loader import LoadedRuleSet
from app.scoring import score
from app.services import audit
from app.services.admin import rulesets
from app.services.context import Actor, reading, writing
from app.services.errors import Conflict, Invalid, NotFound
from app.services.filing.assessments import problems_of
from app.services.filing.company_records import clean_text
from app.services.integration import webhooks
from app.services.onsite import remediation
from app.services.oversight.epidemic_levels import with_area_facts
from app.services.scope import company_condition, not_found_in_scope, require_role
from app.vocabulary import OFFICIALS, InspectionStatus, Role
from db.models import (
    Company,
    Inspection,
    Period,
    PlannedVisit,
    User,
    VisitPlan,
    utcnow,
)

INSPECTORS = (Role.zone_board, Role.labour)
MAX_NOTES = 5000


@dataclass(frozen=True)
class InspectionView:
    id: int
    company_id: int
    period_id: int
    status: str
    inspector: str
    answers: dict[str, Any]
    notes: str
    ruleset_id: str
    ruleset_version: int
    level: str | None
    risk_index: float | None
    total: int | None
    may_operate: bool | None
    official_level: bool
    stop_operation: bool
    visited_on: date | None
    inspector_name: str = ""  # the person, as a company or a report names them (not a login)
    inspector_agency: str = ""  # the inspector's role: zone_board | labour

    def signed(self, agency_name: str) -> str:
        name = self.inspector_name or self.inspector
        return f"{name} – {agency_name}" if agency_name else name


def _view(row: Inspection, name: str = "", agency: str = "") -> InspectionView:
    return InspectionView(
        row.id or 0,
        row.company_id,
        row.period_id,
        row.status,
        row.inspector,
        dict(row.answers),
        row.notes,
        row.ruleset_id,
        row.ruleset_version,
        row.level,
        row.risk_index,
        row.total,
        row.may_operate,
        row.official_level,
        row.stop_operation,
        row.visited_on,
        name,
        agency,
    )


def may_see(session: Session, actor: Actor, row: Inspection) -> None:
    """Officials see the inspections of companies in their scope; a company sees its own finished
    inspections (never a draft, never another company's): NotFound alike for both refusals."""
    if actor.role == Role.company:
        if row.company_id != actor.company_id or row.status != InspectionStatus.done:
            raise NotFound.said("inspections.not_found")
        return
    in_scope(session, actor, row.company_id)


def in_scope(session: Session, actor: Actor, company_id: int) -> None:
    found = session.execute(
        sa_select(col(Company.id)).where(col(Company.id) == company_id, company_condition(actor))
    ).first()
    if found is None:
        raise not_found_in_scope("doanh nghiệp", "company")


def own_draft(session: Session, actor: Actor, inspection_id: int) -> Inspection:
    row = session.get(Inspection, inspection_id)
    if row is None or row.inspector != actor.username:
        raise NotFound.said("inspections.not_found")
    in_scope(session, actor, row.company_id)
    if row.status != InspectionStatus.draft:
        raise Conflict.said("inspections.done_is_final")
    return row


def ruleset_of(view: InspectionView, *, session: Session | None = None) -> LoadedRuleSet:
    return rulesets.get(view.ruleset_id, view.ruleset_version, session=session)


def _open_draft(session: Session, actor: Actor, company_id: int, period_id: int) -> Inspection | None:
    return session.execute(
        sa_select(Inspection).where(
            col(Inspection.company_id) == company_id,
            col(Inspection.period_id) == period_id,
            col(Inspection.inspector) == actor.username,
            col(Inspection.status) == InspectionStatus.draft,
        )
    ).scalar_one_or_none()


def draft_of(
    actor: Actor, company_id: int, period_id: int, *, session: Session | None = None
) -> InspectionView | None:
    """The inspector's own draft for this company and round, if one was started: looking at a
    planned visit starts nothing (the audit log said "inspection started" for a glance)."""
    require_role(actor, *INSPECTORS)
    with reading(session) as session:
        in_scope(session, actor, company_id)
        found = _open_draft(session, actor, company_id, period_id)
        return None if found is None else _view(found)


def start(
    actor: Actor,
    company_id: int,
    period_id: int,
    *,
    planned_visit_id: int | None = None,
    session: Session | None = None,
) -> InspectionView:
    """The inspector's draft for this company and round (the same one if asked again): empty, so
    that the company's own answers do not lead the inspector's eye."""
    require_role(actor, *INSPECTORS)
    with writing(session) as session:
        in_scope(session, actor, company_id)
        period = session.get(Period, period_id)
        if period is None:
            raise NotFound.said("assessments.no_round")
        existing = _open_draft(session, actor, company_id, period_id)
        if existing is not None:
            return _view(existing)
        if planned_visit_id is not None:
            visit = session.get(PlannedVisit, planned_visit_id)
            if visit is None or visit.company_id != company_id:
                raise Invalid.said("inspections.wrong_visit", field="planned_visit_id")
        row = Inspection(
            company_id=company_id,
            period_id=period_id,
            planned_visit_id=planned_visit_id,
            inspector=actor.username,
            ruleset_id=period.ruleset_id,
            ruleset_version=period.ruleset_version,
        )
        session.add(row)
        session.flush()
        audit.record(session, actor, "inspection.start", "inspection", row.id, company_id=company_id)
        return _view(row)


def save(
    actor: Actor,
    inspection_id: int,
    answers: dict[str, Any],
    notes: str = "",
    *,
    session: Session | None = None,
) -> tuple[InspectionView, list[Problem]]:
    """Keep what was typed, valid or not, and say what the scorer would refuse."""
    require_role(actor, *INSPECTORS)
    notes = clean_text(notes)
    if len(notes) > MAX_NOTES:
        raise Invalid.said("inspections.notes_too_long", field="notes", most=MAX_NOTES, count=len(notes))
    with writing(session) as session:
        row = own_draft(session, actor, inspection_id)
        loaded = rulesets.get(row.ruleset_id, row.ruleset_version, session=session)
        row.answers = with_area_facts(session, loaded.ruleset, row.company_id, row.period_id, dict(answers))
        row.notes = notes
        session.add(row)
        session.flush()
        return _view(row), problems_of(loaded, row.answers)


def complete(
    actor: Actor,
    inspection_id: int,
    visited_on: date,
    *,
    official_level: bool = False,
    stop_operation: bool = False,
    today: date | None = None,
    session: Session | None = None,
) -> InspectionView:
    """Score the inspection with the round's rule set and close it. Its level can become the
    company's official level for the round, and it can order operations stopped: both audited."""
    require_role(actor, *INSPECTORS)
    with writing(session) as session:
        row = own_draft(session, actor, inspection_id)
        period = session.get(Period, row.period_id)
        if today is not None and visited_on > today:
            raise Invalid.said("inspections.visit_in_future", field="visited_on")
        if period is not None and visited_on < period.opens_on:
            raise Invalid.said(
                "inspections.visit_before_round", field="visited_on", opens=f"{period.opens_on:%d/%m/%Y}"
            )
        loaded = rulesets.get(row.ruleset_id, row.ruleset_version, session=session)
        result = score(loaded, row.answers)  # InvalidAnswers: nothing written
        row.status = InspectionStatus.done
        row.total, row.risk_index, row.level = result.total, result.index, result.level_id
        row.may_operate = result.may_operate
        row.score = result.summary()
        row.official_level, row.stop_operation = official_level, stop_operation
        row.visited_on, row.completed_at = visited_on, utcnow()
        session.add(row)
        session.flush()
        fixed = remediation.close_fixed(session, row.company_id, result, "inspection")
        audit.record(
            session,
            actor,
            "inspection.complete",
            "inspection",
            row.id,
            after={
                "level": result.level_id,
                "index": result.index,
                "official_level": official_level,
                "stop_operation": stop_operation,
                "visited_on": visited_on.isoformat(),
                "actions_fixed": fixed,
            },
            company_id=row.company_id,
        )
        inspection = row
        webhooks.announce(
            session,
            "inspected",
            row.company_id,
            lambda: {
                "inspection_id": inspection.id,
                "tax_code": session.execute(
                    sa_select(col(Company.tax_code)).where(col(Company.id) == inspection.company_id)
                ).scalar_one(),
                "round_id": inspection.period_id,
                "visited_on": visited_on.isoformat(),
                "level": result.level_id,
                "risk_index": result.index,
                "official_level": official_level,
                "stop_operation": stop_operation,
            },
        )
        return _view(row)


def _done_with_inspectors(session: Session, company_id: int) -> list[InspectionView]:
    found = session.execute(
        sa_select(Inspection, col(User.full_name), col(User.role))
        .join(User, col(User.username) == col(Inspection.inspector), isouter=True)
        .where(col(Inspection.company_id) == company_id, col(Inspection.status) == InspectionStatus.done)
        .order_by(col(Inspection.visited_on).desc(), col(Inspection.id).desc())
    ).all()
    return [_view(r, name or "", agency or "") for r, name, agency in found]


def of_company(actor: Actor, company_id: int, *, session: Session | None = None) -> list[InspectionView]:
    """The company's finished inspections, newest first, for officials in scope."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        in_scope(session, actor, company_id)
        return _done_with_inspectors(session, company_id)


def mine(actor: Actor, *, session: Session | None = None) -> list[InspectionView]:
    """A company's own finished inspections, newest first: what the team found, and who came."""
    require_role(actor, Role.company)
    if actor.company_id is None:
        return []
    with reading(session) as session:
        return _done_with_inspectors(session, actor.company_id)


def my_visits(actor: Actor, *, session: Session | None = None) -> list[dict[str, Any]]:
    """The planned visits in the actor's scope whose company has no finished inspection for the
    plan's round yet: what is left to do, newest plan first."""
    require_role(actor, *INSPECTORS)
    with reading(session) as session:
        done = sa_select(col(Inspection.planned_visit_id)).where(
            col(Inspection.status) == InspectionStatus.done, col(Inspection.planned_visit_id).is_not(None)
        )
        rows = session.execute(
            sa_select(
                col(PlannedVisit.id),
                col(VisitPlan.title),
                col(VisitPlan.period_id),
                col(Company.id),
                col(Company.tax_code),
                col(Company.name),
                col(PlannedVisit.rank),
            )
            .join(VisitPlan, col(VisitPlan.id) == col(PlannedVisit.plan_id))
            .join(Company, col(Company.id) == col(PlannedVisit.company_id))
            .where(company_condition(actor), col(PlannedVisit.id).not_in(done))
            .order_by(col(VisitPlan.created_at).desc(), col(PlannedVisit.rank))
        ).all()
    keys = ("visit_id", "plan", "period_id", "company_id", "tax_code", "name", "rank")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def problems(view: InspectionView) -> list[Problem]:
    """What the scorer would refuse in the draft as saved, for the form's marks."""
    return problems_of(ruleset_of(view), view.answers)
