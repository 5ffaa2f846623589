"""Each expected company of a round as the reminder planner needs it: its contact as the channels
can use it, whether it filed, how many rounds it missed before, whether its Bluezone or
health-declaration adoption is low, a return and its comment, and the officials who oversee it.
Three queries for the whole round, whatever its size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from app.notify.contacts import mobile_e164, normal_email
from app.notify.planner import CompanyState, Contact, Official
from app.notify.rules import LoadedRules
from app.services.scope import agency_zone_kind
from app.vocabulary import REVIEWERS, Status
from db.models import Assessment, Company, Period, PeriodCompany, Review, User, UserZone, Zone


def contact_of(email: str, phone: str) -> Contact:
    return Contact(normal_email(email), mobile_e164(phone))


def officials_by_zone(session: Session) -> dict[str, list[Official]]:
    """Zone id → the active reviewing officials whose scope holds it (zones board for zones,
    labour department for the local areas; an official with no zones listed covers every one)."""
    users = session.exec(select(User).where(col(User.role).in_(REVIEWERS), col(User.active))).all()
    zones = session.exec(select(Zone.id, Zone.kind)).all()
    listed: dict[int, set[str]] = defaultdict(set)
    for user_id, zone_id in session.exec(select(UserZone.user_id, UserZone.zone_id)).all():
        listed[user_id].add(zone_id)
    by_zone: dict[str, list[Official]] = defaultdict(list)
    for user in users:
        if user.id is None:
            continue
        official = Official(user.id, user.username, contact_of(user.email, user.phone))
        for zone_id, kind in zones:
            if agency_zone_kind(user.role) == kind and (not listed[user.id] or zone_id in listed[user.id]):
                by_zone[zone_id].append(official)
    return by_zone


def _missed_before(session: Session, period: Period, rounds: int) -> dict[int, int]:
    """Per company, how many of the `rounds` rounds just before this one it missed in a row."""
    if rounds <= 0:
        return {}
    earlier: list[int] = [
        p
        for p in session.exec(
            select(Period.id)
            .where(col(Period.opens_on) < period.opens_on)
            .order_by(col(Period.opens_on).desc())
            .limit(rounds)
        ).all()
        if p is not None
    ]
    filed = {
        (c, p)
        for c, p in session.exec(
            select(Assessment.company_id, Assessment.period_id).where(
                col(Assessment.period_id).in_(earlier), col(Assessment.is_latest)
            )
        ).all()
    }
    expected: dict[int, set[int]] = defaultdict(set)
    for p, c in session.exec(
        select(PeriodCompany.period_id, PeriodCompany.company_id).where(
            col(PeriodCompany.period_id).in_(earlier)
        )
    ).all():
        expected[c].add(p)
    missed: dict[int, int] = {}
    for company_id, periods in expected.items():
        streak = 0
        for p in earlier:  # newest first
            if p not in periods or (company_id, p) in filed:
                break
            streak += 1
        missed[company_id] = streak
    return missed


def company_states(session: Session, period: Period, loaded: LoadedRules) -> list[CompanyState]:
    """Each company expected in the round, as the planner needs it: one query for the companies
    and their submission, one for earlier rounds, one for the officials."""
    threshold = loaded.rules.adoption.below_share if loaded.rules.adoption else 0.0
    latest = select(Assessment).where(Assessment.period_id == period.id, col(Assessment.is_latest)).subquery()
    rows = session.execute(
        sql_select(
            col(Company.id),
            col(Company.name),
            col(Company.tax_code),
            col(Company.zone_id),
            col(Company.contact_email),
            col(Company.contact_phone),
            latest.c.id,
            latest.c.status,
            latest.c.smartphone_owners,
            latest.c.bluezone_installed,
            latest.c.workers,
            latest.c.health_declared,
        )
        .join(PeriodCompany, col(PeriodCompany.company_id) == Company.id)
        .outerjoin(latest, latest.c.company_id == Company.id)
        .where(col(PeriodCompany.period_id) == period.id, col(Company.active))
        .order_by(col(Company.id))
    ).all()
    escalate = loaded.rules.escalate
    missed = _missed_before(session, period, escalate.after_missed_rounds - 1 if escalate else 0)
    officials = officials_by_zone(session) if escalate else {}
    returned_ids = [r[6] for r in rows if r[7] == Status.returned]
    comments = _return_comments(session, returned_ids)
    states = []
    for cid, name, tax, zone, email, phone, aid, status, phones, bluezone, workers, health in rows:
        low = False
        if status in (Status.submitted, Status.approved) and threshold:
            shares = [b / p for b, p in ((bluezone, phones), (health, workers)) if p and b is not None]
            low = any(s < threshold for s in shares)
        states.append(
            CompanyState(
                company_id=cid,
                name=name,
                tax_code=tax,
                contact=contact_of(email, phone),
                filed=status in (Status.submitted, Status.approved),
                missed_before=missed.get(cid, 0),
                adoption_low=low,
                returned=(aid, comments.get(aid, "")) if status == Status.returned else None,
                officials=tuple(officials.get(zone, ())),
            )
        )
    return states


def _return_comments(session: Session, assessment_ids: Sequence[int]) -> dict[int, str]:
    """The latest review comment of each returned submission: what the company must fix."""
    if not assessment_ids:
        return {}
    rows = session.exec(
        select(Review.assessment_id, Review.comment)
        .where(col(Review.assessment_id).in_(assessment_ids))
        .order_by(col(Review.id))
    ).all()
    return {a: c for a, c in rows}
