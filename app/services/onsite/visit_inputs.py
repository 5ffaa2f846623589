"""What the inspection planner knows of each company in scope, read as columns in a few queries
(registered workers, the round's level, the round's flags, the last visit, missed rounds) and ranked
by app.inspection.priority; details are read only for the companies a page shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func

from app.inspection.priority import Columns, order_of, shipped_weights, terms_array
from app.services.admin import rulesets
from app.services.context import Actor
from app.services.scope import company_condition
from app.vocabulary import InspectionStatus
from db.models import Assessment, Company, Inspection, Period, PeriodCompany, SubmissionFlag, Zone, utcnow


def rows(session: Session, query: Any) -> list[Any]:
    """Column rows straight from the connection: thousands at a time, no ORM row processing."""
    return list(session.connection().execute(query).all())


def scope_of(session: Session, actor: Actor, zone_id: str | None, district: str | None) -> list[Any]:
    """(id, registered workers) of every active company in scope and in the zone or district."""
    query = sa_select(col(Company.id), col(Company.workers)).where(
        col(Company.active), company_condition(actor)
    )
    if zone_id:
        query = query.where(col(Company.zone_id) == zone_id)
    if district:
        query = query.where(col(Company.district) == district)
    return rows(session, query)


def details(session: Session, ids: Iterable[int]) -> dict[int, Any]:
    """What a shown row prints: name, area, address and contacts, for those rows only."""
    query = (
        sa_select(
            col(Company.id),
            col(Company.tax_code),
            col(Company.name),
            col(Zone.name),
            col(Company.district),
            col(Company.address),
            col(Company.contact_name),
            col(Company.contact_phone),
            col(Company.contact_email),
            col(Company.workers),
        )
        .join(Zone, col(Zone.id) == col(Company.zone_id))
        .where(col(Company.id).in_(list(ids)))
    )
    return {row[0]: row for row in rows(session, query)}


def levels_of(session: Session, period: Period) -> dict[int, tuple[str, str, int]]:
    """The round's level, or the round before's for a company that has not filed this one (two
    index reads; one query with an OR of the rounds measured no faster)."""
    earlier = session.execute(
        sa_select(col(Period.id))
        .where(col(Period.due_on) < period.due_on)
        .order_by(col(Period.due_on).desc())
        .limit(1)
    ).first()
    out: dict[int, tuple[str, str, int]] = {}
    for period_id in [period.id, *([earlier[0]] if earlier else [])]:
        query = sa_select(
            col(Assessment.company_id),
            col(Assessment.level),
            col(Assessment.ruleset_id),
            col(Assessment.ruleset_version),
        ).where(col(Assessment.period_id) == period_id, col(Assessment.is_latest))
        for company_id, level, rid, version in rows(session, query):
            if level is not None and company_id not in out:
                out[company_id] = (level, rid, version)
    return out


def flags_by_company(session: Session, period: Period) -> dict[int, list[str]]:
    query = (
        sa_select(col(SubmissionFlag.company_id), col(SubmissionFlag.severity))
        .join(Assessment, col(Assessment.id) == col(SubmissionFlag.assessment_id))
        .where(col(SubmissionFlag.period_id) == period.id, col(Assessment.is_latest))
    )
    out: dict[int, list[str]] = defaultdict(list)
    for company_id, severity in rows(session, query):
        out[company_id].append(severity)
    return out


def last_visits(session: Session) -> dict[int, date]:
    query = (
        sa_select(col(Inspection.company_id), func.max(Inspection.visited_on))
        .where(col(Inspection.status) == InspectionStatus.done)
        .group_by(col(Inspection.company_id))
    )
    return {company_id: visited for company_id, visited in rows(session, query) if visited is not None}


def missed_rounds(session: Session, period: Period, rounds: int) -> dict[int, int]:
    """Rounds not filed among the last `rounds` whose deadline has passed (this one included): only
    companies with a miss come back (NOT EXISTS probes the partial index of counting rows)."""
    past = [
        r[0]
        for r in session.execute(
            sa_select(col(Period.id))
            .where(col(Period.due_on) <= period.due_on, col(Period.due_at) < utcnow())
            .order_by(col(Period.due_on).desc())
            .limit(rounds)
        ).all()
    ]
    if not past:
        return {}
    filed = (
        sa_select(literal(1))
        .where(
            col(Assessment.company_id) == col(PeriodCompany.company_id),
            col(Assessment.period_id) == col(PeriodCompany.period_id),
            col(Assessment.is_latest),
        )
        .exists()
    )
    query = (
        sa_select(col(PeriodCompany.company_id), func.count())
        .where(col(PeriodCompany.period_id).in_(past), ~filed)
        .group_by(col(PeriodCompany.company_id))
    )
    return dict(rows(session, query))


@dataclass(frozen=True)
class Scope:
    columns: Columns
    terms: np.ndarray
    order: list[int]  # company ids, highest priority first
    at: dict[int, int]  # company id → row of the columns
    levels: dict[int, tuple[str, str, int]]
    flags: dict[int, list[str]]


def ranked(
    session: Session, actor: Actor, period: Period, zone_id: str | None, district: str | None, today: date
) -> Scope:
    """The scope's candidates as columns, ranked (app.inspection.priority)."""
    weights = shipped_weights()
    scope = scope_of(session, actor, zone_id, district)
    levels = levels_of(session, period)
    flags = flags_by_company(session, period)
    visits = last_visits(session)
    missed = missed_rounds(session, period, weights.missed_rounds)
    bands: dict[tuple[str, int], tuple[str, ...]] = {}
    position, count = [], []
    for company_id, _ in scope:
        found = levels.get(company_id)
        if found is None:
            position.append(np.nan)
            count.append(0)
            continue
        level, rid, version = found
        if (rid, version) not in bands:
            loaded = rulesets.get(rid, version, session=session)
            bands[(rid, version)] = tuple(lv.id for lv in loaded.ruleset.levels)
        ids = bands[(rid, version)]
        position.append(ids.index(level) if level in ids else np.nan)
        count.append(len(ids) if level in ids else 0)
    severity = weights.doubt_by_severity
    never = float("nan")
    columns = Columns(
        company_id=np.array([c for c, _ in scope], dtype=np.int64),
        level_position=np.array(position, dtype=float),
        level_count=np.array(count, dtype=float),
        workers=np.array([max(w or 0, 0) for _, w in scope], dtype=float),
        doubt=np.array([sum(severity.get(x, 0.0) for x in flags.get(c, ())) for c, _ in scope], dtype=float),
        weeks=np.array(
            [(today - visits[c]).days / 7 if c in visits else never for c, _ in scope], dtype=float
        ),
        missed=np.array([missed.get(c, 0) for c, _ in scope], dtype=float),
    )
    terms = terms_array(columns, weights) if scope else np.zeros((0, 5))
    order = [int(columns.company_id[i]) for i in order_of(columns, terms)] if scope else []
    at = {int(c): n for n, c in enumerate(columns.company_id)}
    return Scope(columns, terms, order, at, levels, flags)
