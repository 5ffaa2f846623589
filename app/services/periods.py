"""Reporting rounds: which rule set, when due, and which companies must file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.assessment import registry
from app.services import audit
from app.services.admin import rulesets
from app.services.context import Actor, reading, writing
from app.services.errors import Invalid, NotFound
from app.services.scope import company_condition, require_role
from app.vocabulary import Role
from db.models import Company, Period, PeriodCompany, Zone

VIETNAM = timedelta(hours=7)


def due_at_utc(due_on: date) -> datetime:
    """The end of the due day in Vietnam (UTC+7, no daylight saving), as an aware UTC time."""
    return datetime.combine(due_on + timedelta(days=1), time(0, 0), tzinfo=UTC) - VIETNAM


def round_of(session: Session, period_id: int | None) -> Period:
    """The round with this id, or with None the newest (by opening day, then id): the one lookup
    every service uses, so "no such round" is said one way."""
    if period_id is None:
        period = session.exec(
            select(Period).order_by(col(Period.opens_on).desc(), col(Period.id).desc())
        ).first()
    else:
        period = session.get(Period, period_id)
    if period is None:
        raise NotFound.said("assessments.no_round")
    return period


@dataclass(frozen=True)
class Expected:
    """Who must file: everyone, or the companies of some zones / districts."""

    zone_ids: tuple[str, ...] = ()
    all_companies: bool = False


def open_period(
    actor: Actor,
    name: str,
    opens_on: date,
    due_on: date,
    expected: Expected,
    ruleset_id: str | None = None,
    ruleset_version: int | None = None,
    *,
    session: Session | None = None,
) -> Period:
    """A new round and the companies expected in it, in the caller's unit when given."""
    require_role(actor, Role.admin)
    with writing(session) as session:
        return _insert_period(session, actor, name, opens_on, due_on, expected, ruleset_id, ruleset_version)


def _insert_period(
    session: Session,
    actor: Actor,
    name: str,
    opens_on: date,
    due_on: date,
    expected: Expected,
    ruleset_id: str | None,
    ruleset_version: int | None,
) -> Period:
    ruleset_id = ruleset_id or registry.default_id()
    try:
        loaded = rulesets.get(ruleset_id, ruleset_version, session=session)
    except LookupError as exc:
        raise Invalid(str(exc), str(exc), field="ruleset_id") from None
    if not loaded.ruleset.selectable:
        raise Invalid.said("periods.ruleset_incomplete", ruleset_id=ruleset_id, field="ruleset_id")
    if due_on < opens_on:
        raise Invalid.said("periods.due_before_opening", field="due_on")
    name = name.strip()
    if not name:
        raise Invalid.said("periods.name_missing", field="name")
    period = Period(
        name=name,
        ruleset_id=loaded.ruleset.id,
        ruleset_version=loaded.ruleset.version,
        opens_on=opens_on,
        due_on=due_on,
        due_at=due_at_utc(due_on),
    )
    session.add(period)
    session.flush()
    companies = select(Company.id).where(col(Company.active))
    if not expected.all_companies:
        if not expected.zone_ids:
            raise Invalid.said("periods.nobody_expected", field="expected")
        known = set(session.exec(select(Zone.id).where(col(Zone.id).in_(expected.zone_ids))).all())
        unknown = sorted(set(expected.zone_ids) - known)
        if unknown:
            raise Invalid.said("periods.unknown_zones", join=", ".join(unknown), field="expected")
        companies = companies.where(col(Company.zone_id).in_(expected.zone_ids))
    session.execute(
        insert(PeriodCompany).from_select(
            ["period_id", "company_id"], select(period.id, companies.subquery().c.id)
        )
    )
    audit.record(
        session,
        actor,
        "period.open",
        "period",
        period.id,
        after={
            "name": name,
            "ruleset": f"{period.ruleset_id} v{period.ruleset_version}",
            "opens_on": opens_on,
            "due_on": due_on,
            "expected": "all" if expected.all_companies else list(expected.zone_ids),
        },
    )
    return period


def close_period(actor: Actor, period_id: int, *, session: Session | None = None) -> Period:
    require_role(actor, Role.admin)
    with writing(session) as session:
        period = session.get(Period, period_id)
        if period is None:
            raise NotFound.said("assessments.no_round")
        if not period.closed:
            period.closed = True
            session.add(period)
            audit.record(session, actor, "period.close", "period", period.id)
        return period


@dataclass(frozen=True)
class Round:
    """A round as the pages and commands see it: a stored one, so its id is an int, and a plain
    value that outlives the unit of work it was read in."""

    id: int
    name: str
    ruleset_id: str
    ruleset_version: int
    opens_on: date
    due_on: date
    due_at: datetime
    closed: bool

    @classmethod
    def of(cls, period: Period) -> Round:
        if period.id is None:
            raise ValueError("a round that was never stored has no id")
        return cls(
            period.id,
            period.name,
            period.ruleset_id,
            period.ruleset_version,
            period.opens_on,
            period.due_on,
            period.due_at,
            period.closed,
        )


def current_round(rounds: Sequence[Round], today: date) -> Round | None:
    """The round officials look at by default: the open one due soonest that is not past its due
    day (so week 48, due today, stays the default when week 49 opens), else the newest."""
    running = [p for p in rounds if not p.closed and p.opens_on <= today <= p.due_on]
    if running:
        return min(running, key=lambda p: (p.due_on, p.id))
    started = [p for p in rounds if p.opens_on <= today]
    pool = started or list(rounds)
    return max(pool, key=lambda p: (p.opens_on, p.id)) if pool else None


def list_periods(actor: Actor, *, session: Session | None = None) -> list[Round]:
    """Newest first. A company sees the rounds it is expected in; officials see every round."""
    with reading(session) as session:
        query = select(Period).order_by(col(Period.opens_on).desc(), col(Period.id).desc())
        if actor.role == Role.company:
            query = query.where(
                col(Period.id).in_(
                    select(PeriodCompany.period_id)
                    .join(Company, col(Company.id) == PeriodCompany.company_id)
                    .where(company_condition(actor))
                )
            )
        return [Round.of(p) for p in session.exec(query).all()]


def latest_period(actor: Actor, *, session: Session | None = None) -> Round | None:
    periods = list_periods(actor, session=session)
    return periods[0] if periods else None
