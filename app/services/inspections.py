"""Inspections: an official fills in the round's own questionnaire on site, the same scorer rates it,
and it is set beside the company's self-assessment criterion by criterion. Calibration averages
the gaps: which companies, which questions and which zones answer too kindly."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.assessment.answers import Problem
from app.assessment.loader import LoadedRuleSet
from app.inspection import evidence
from app.scoring import ScoreResult, score
from app.services import audit, remediation, rulesets
from app.services.assessments import problems_of
from app.services.company_records import clean_text
from app.services.context import Actor, reading, writing
from app.services.errors import Conflict, Invalid, NotFound
from app.services.scope import company_condition, not_found_in_scope, require_role
from app.vocabulary import OFFICIALS, Role
from db.models import (
    Assessment,
    Company,
    Inspection,
    InspectionEvidence,
    Period,
    PlannedVisit,
    VisitPlan,
    Zone,
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


def _view(row: Inspection) -> InspectionView:
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
    )


def _in_scope(session: Session, actor: Actor, company_id: int) -> None:
    found = session.execute(
        sa_select(col(Company.id)).where(col(Company.id) == company_id, company_condition(actor))
    ).first()
    if found is None:
        raise not_found_in_scope("doanh nghiệp", "company")


def _own_draft(session: Session, actor: Actor, inspection_id: int) -> Inspection:
    row = session.get(Inspection, inspection_id)
    if row is None or row.inspector != actor.username:
        raise NotFound.said("inspections.not_found")
    _in_scope(session, actor, row.company_id)
    if row.status != "draft":
        raise Conflict.said("inspections.done_is_final")
    return row


def ruleset_of(view: InspectionView, *, session: Session | None = None) -> LoadedRuleSet:
    return rulesets.get(view.ruleset_id, view.ruleset_version, session=session)


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
        _in_scope(session, actor, company_id)
        period = session.get(Period, period_id)
        if period is None:
            raise NotFound.said("assessments.no_round")
        existing = session.execute(
            sa_select(Inspection).where(
                col(Inspection.company_id) == company_id,
                col(Inspection.period_id) == period_id,
                col(Inspection.inspector) == actor.username,
                col(Inspection.status) == "draft",
            )
        ).scalar_one_or_none()
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
        row = _own_draft(session, actor, inspection_id)
        row.answers = dict(answers)
        row.notes = notes
        session.add(row)
        session.flush()
        loaded = rulesets.get(row.ruleset_id, row.ruleset_version, session=session)
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
        row = _own_draft(session, actor, inspection_id)
        period = session.get(Period, row.period_id)
        if today is not None and visited_on > today:
            raise Invalid.said("inspections.visit_in_future", field="visited_on")
        if period is not None and visited_on < period.opens_on:
            raise Invalid.said(
                "inspections.visit_before_round", field="visited_on", opens=f"{period.opens_on:%d/%m/%Y}"
            )
        loaded = rulesets.get(row.ruleset_id, row.ruleset_version, session=session)
        result = score(loaded, row.answers)  # InvalidAnswers: nothing written
        row.status = "done"
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
        return _view(row)


def of_company(actor: Actor, company_id: int, *, session: Session | None = None) -> list[InspectionView]:
    """The company's finished inspections, newest first (officials only; never the company)."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        _in_scope(session, actor, company_id)
        found = session.execute(
            sa_select(Inspection)
            .where(col(Inspection.company_id) == company_id, col(Inspection.status) == "done")
            .order_by(col(Inspection.visited_on).desc(), col(Inspection.id).desc())
        ).scalars()
        return [_view(r) for r in found]


@dataclass(frozen=True)
class CriterionPair:
    criterion_id: str
    title: str
    self_points: int | None
    inspector_points: int
    self_answer: str
    inspector_answer: str
    max: int

    @property
    def gap(self) -> int | None:
        """Points the company left out: positive when the inspector found more risk."""
        return None if self.self_points is None else self.inspector_points - self.self_points


def side_by_side(
    actor: Actor, inspection_id: int, lang: str = "vi", *, session: Session | None = None
) -> tuple[ScoreResult | None, ScoreResult, list[CriterionPair]]:
    """The company's counting submission for the round beside the inspector's, criterion by
    criterion, both scored by the same rule-set version."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        row = session.get(Inspection, inspection_id)
        if row is None or row.status != "done":
            raise NotFound.said("inspections.not_found")
        _in_scope(session, actor, row.company_id)
        loaded = rulesets.get(row.ruleset_id, row.ruleset_version, session=session)
        own = session.execute(
            sa_select(
                col(Assessment.answers), col(Assessment.ruleset_id), col(Assessment.ruleset_version)
            ).where(
                col(Assessment.company_id) == row.company_id,
                col(Assessment.period_id) == row.period_id,
                col(Assessment.is_latest),
            )
        ).first()
    found = score(loaded, row.answers)
    told = None
    if own is not None:
        told = score(rulesets.get(own[1], own[2]), own[0])
    before = {c.id: c for c in told.criteria} if told is not None else {}
    pairs = []
    for c in found.criteria:
        mine = before.get(c.id)
        pairs.append(
            CriterionPair(
                c.id,
                c.title.get(lang),
                mine.points if mine else None,
                c.points,
                mine.fired.get(lang) if mine else "—",
                c.fired.get(lang),
                c.max,
            )
        )
    return told, found, pairs


def _criterion_gaps(into: dict[str, list[int]], found: Any, told: Any) -> None:
    """Points the inspection found minus points the company declared, per criterion both scored."""
    own = (told or {}).get("criteria", {})
    for criterion, points in (found or {}).get("criteria", {}).items():
        if criterion in own:
            into[criterion].append(points - own[criterion])


def _means(key: str, gaps: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """{key, mean_gap, inspections} per group, the largest gap (the kindest self-reports) first."""
    means = [(name, round(sum(v) / len(v), 2), len(v)) for name, v in gaps.items()]
    return [
        {key: name, "mean_gap": mean, "inspections": n}
        for name, mean, n in sorted(means, key=lambda m: -m[1])
    ]


@dataclass(frozen=True)
class Calibration:
    """Self-assessment minus inspection: by company (index points), by criterion (mean points the
    companies left out), by zone (mean index gap)."""

    companies: list[dict[str, Any]]
    criteria: list[dict[str, Any]]
    zones: list[dict[str, Any]]


def calibration(actor: Actor, *, session: Session | None = None) -> Calibration:
    """Every finished inspection in scope beside the company's counting submission of its round."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        rows = session.execute(
            sa_select(
                col(Inspection.company_id),
                col(Company.tax_code),
                col(Company.name),
                col(Zone.name),
                col(Period.name),
                col(Inspection.risk_index),
                col(Inspection.score),
                col(Assessment.risk_index),
                col(Assessment.score),
            )
            .join(Company, col(Company.id) == col(Inspection.company_id))
            .join(Zone, col(Zone.id) == col(Company.zone_id))
            .join(Period, col(Period.id) == col(Inspection.period_id))
            .join(
                Assessment,
                (col(Assessment.company_id) == col(Inspection.company_id))
                & (col(Assessment.period_id) == col(Inspection.period_id))
                & col(Assessment.is_latest),
            )
            .where(col(Inspection.status) == "done", company_condition(actor))
            .order_by(col(Inspection.visited_on).desc(), col(Inspection.id).desc())
        ).all()
    companies: list[dict[str, Any]] = []
    by_criterion: dict[str, list[int]] = defaultdict(list)
    by_zone: dict[str, list[float]] = defaultdict(list)
    for company_id, tax_code, name, zone, period, found_index, found, told_index, told in rows:
        gap = round((found_index or 0) - (told_index or 0), 2)
        companies.append(
            {
                "company_id": company_id,
                "tax_code": tax_code,
                "name": name,
                "zone": zone,
                "round": period,
                "self_index": told_index,
                "inspector_index": found_index,
                "gap": gap,
            }
        )
        by_zone[zone].append(gap)
        _criterion_gaps(by_criterion, found, told)
    criteria = _means("criterion", by_criterion)
    zones = _means("zone", by_zone)
    return Calibration(companies, criteria, zones)


def my_visits(actor: Actor, *, session: Session | None = None) -> list[dict[str, Any]]:
    """The planned visits in the actor's scope whose company has no finished inspection for the
    plan's round yet: what is left to do, newest plan first."""
    require_role(actor, *INSPECTORS)
    with reading(session) as session:
        done = sa_select(col(Inspection.planned_visit_id)).where(
            col(Inspection.status) == "done", col(Inspection.planned_visit_id).is_not(None)
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


def round_summary(
    actor: Actor, period_id: int, lang: str = "vi", *, session: Session | None = None
) -> tuple[int, float | None, int, int, list[tuple[str, str, float]]]:
    """For the chairman: the round's finished inspections in scope, their mean index gap, how many
    set the official level or stopped operations, and the three criteria most under-reported."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        rows = session.execute(
            sa_select(
                col(Inspection.risk_index),
                col(Inspection.score),
                col(Inspection.official_level),
                col(Inspection.stop_operation),
                col(Inspection.ruleset_id),
                col(Inspection.ruleset_version),
                col(Assessment.risk_index),
                col(Assessment.score),
            )
            .join(Company, col(Company.id) == col(Inspection.company_id))
            .outerjoin(
                Assessment,
                (col(Assessment.company_id) == col(Inspection.company_id))
                & (col(Assessment.period_id) == col(Inspection.period_id))
                & col(Assessment.is_latest),
            )
            .where(
                col(Inspection.period_id) == period_id,
                col(Inspection.status) == "done",
                company_condition(actor),
            )
        ).all()
        titles: dict[str, str] = {}
        if rows:
            loaded = rulesets.get(rows[0][4], rows[0][5], session=session)
            titles = {c.id: c.title.get(lang) for c in loaded.ruleset.criteria()}
    gaps = [found - told for found, _, _, _, _, _, told, _ in rows if found is not None and told is not None]
    by_criterion: dict[str, list[int]] = defaultdict(list)
    for _, found, _, _, _, _, _, told in rows:
        _criterion_gaps(by_criterion, found, told)
    worst = sorted(
        ((c, titles.get(c, c), sum(v) / len(v)) for c, v in by_criterion.items()), key=lambda x: -x[2]
    )
    return (
        len(rows),
        round(sum(gaps) / len(gaps), 2) if gaps else None,
        sum(1 for r in rows if r[2]),
        sum(1 for r in rows if r[3]),
        [w for w in worst if w[2] > 0][:3],
    )


MAX_EVIDENCE = 10  # files per inspection


@dataclass(frozen=True)
class EvidenceView:
    id: int
    file_name: str
    media_type: str
    size: int


def add_evidence(
    actor: Actor, inspection_id: int, name: str, data: bytes, *, session: Session | None = None
) -> EvidenceView:
    """Attach a photo or a PDF to the inspector's own draft, checked by content and size."""
    require_role(actor, *INSPECTORS)
    if not data:
        raise Invalid.said("inspections.evidence_empty", field="evidence")
    if len(data) > evidence.MAX_BYTES:
        raise Invalid.said("inspections.evidence_too_large", field="evidence", mb=evidence.MAX_BYTES // 2**20)
    media_type = evidence.sniff(data)
    if media_type is None:
        raise Invalid.said("inspections.evidence_type", field="evidence")
    with writing(session) as session:
        row = _own_draft(session, actor, inspection_id)
        count = session.execute(
            sa_select(func.count()).where(col(InspectionEvidence.inspection_id) == inspection_id)
        ).scalar_one()
        if count >= MAX_EVIDENCE:
            raise Invalid.said("inspections.evidence_count", field="evidence", most=MAX_EVIDENCE)
        item = InspectionEvidence(
            inspection_id=inspection_id,
            file_name=evidence.safe_name(name, media_type),
            media_type=media_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by=actor.username,
        )
        session.add(item)
        session.flush()
        audit.record(
            session,
            actor,
            "inspection.evidence",
            "inspection",
            row.id,
            after={"file": item.file_name, "type": media_type, "bytes": len(data)},
            company_id=row.company_id,
        )
        return EvidenceView(item.id or 0, item.file_name, media_type, len(data))


def evidence_of(actor: Actor, inspection_id: int, *, session: Session | None = None) -> list[EvidenceView]:
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        row = session.get(Inspection, inspection_id)
        if row is None:
            raise NotFound.said("inspections.not_found")
        _in_scope(session, actor, row.company_id)
        found = session.execute(
            sa_select(
                col(InspectionEvidence.id),
                col(InspectionEvidence.file_name),
                col(InspectionEvidence.media_type),
                col(InspectionEvidence.size),
            )
            .where(col(InspectionEvidence.inspection_id) == inspection_id)
            .order_by(col(InspectionEvidence.id))
        ).all()
        return [EvidenceView(*r) for r in found]


def evidence_file(
    actor: Actor, evidence_id: int, *, session: Session | None = None
) -> tuple[EvidenceView, bytes]:
    """The file's bytes, for officials in scope, with the type its content was found to be."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        item = session.get(InspectionEvidence, evidence_id)
        if item is None:
            raise NotFound.said("inspections.not_found")
        owner = session.get(Inspection, item.inspection_id)
        _in_scope(session, actor, owner.company_id if owner else -1)
        return EvidenceView(item.id or 0, item.file_name, item.media_type, item.size), bytes(item.data)
