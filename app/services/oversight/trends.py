"""Filing and levels across rounds, for the trend charts, the rounds page and the chairman's
change section: two grouped queries whatever the number of rounds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from app.services.context import Actor, reading
from app.services.oversight.filters import Filters, apply_filters
from app.services.oversight.lists import EVERYONE
from app.services.periods import round_of
from app.services.scope import company_condition, require_role
from app.vocabulary import OFFICIALS, Role
from db.models import Assessment, Company, Period, PeriodCompany


@dataclass(frozen=True)
class TrendRow:
    period_id: int
    period_name: str
    due_on: Any
    expected: int
    submitted: int
    on_time: int
    levels: dict[str, int]


def trend(
    actor: Actor,
    filters: Filters = EVERYONE,
    limit: int = 52,
    until_period_id: int | None = None,
    *,
    session: Session | None = None,
) -> list[TrendRow]:
    """Filing and levels across the last `limit` rounds (up to `until_period_id`'s), oldest first.

    Two grouped queries (who was expected; what was filed) instead of one outer join of every
    expected company with its submission: at 10,000 companies × 52 rounds the join is the slow part.
    """
    require_role(actor, *OFFICIALS)
    company_filters = Filters(filters.zone_ids, filters.districts, filters.sectors, (), filters.search)
    needs_company = actor.role not in (Role.ict, Role.admin) or bool(company_filters.as_dict())
    with reading(session) as session:
        chosen = select(Period)
        if until_period_id is not None:
            until = round_of(session, until_period_id)
            chosen = chosen.where(
                (col(Period.opens_on) < until.opens_on)
                | ((col(Period.opens_on) == until.opens_on) & (col(Period.id) <= until.id))
            )
        periods = session.exec(
            chosen.order_by(col(Period.opens_on).desc(), col(Period.id).desc()).limit(limit)
        ).all()
        if not periods:
            return []
        ids = [p.id for p in periods if p.id is not None]
        expected_query = (
            select(col(PeriodCompany.period_id), func.count())
            .where(col(PeriodCompany.period_id).in_(ids))
            .group_by(col(PeriodCompany.period_id))
        )
        filed_query = (
            select(
                col(Assessment.period_id),
                col(Assessment.level),
                func.count(),
                func.coalesce(
                    func.sum(case((col(Assessment.first_submitted_at) <= Period.due_at, 1), else_=0)), 0
                ),
            )
            .join(Period, col(Period.id) == Assessment.period_id)
            .where(col(Assessment.period_id).in_(ids), col(Assessment.is_latest))
            .group_by(col(Assessment.period_id), col(Assessment.level))
        )
        if filters.levels:
            filed_query = filed_query.where(col(Assessment.level).in_(filters.levels))
        if needs_company:
            expected_query = apply_filters(
                expected_query.join(Company, col(Company.id) == PeriodCompany.company_id).where(
                    company_condition(actor)
                ),
                company_filters,
            )
            filed_query = apply_filters(
                filed_query.join(Company, col(Company.id) == Assessment.company_id).where(
                    company_condition(actor)
                ),
                company_filters,
            )
        expected: dict[int, int] = {pid: count for pid, count in session.execute(expected_query).all()}
        filed = session.execute(filed_query).all()
    by_period: dict[int, list[Any]] = {pid: [expected.get(pid, 0), 0, 0, {}] for pid in ids}
    for period_id, level, submitted, on_time in filed:
        entry = by_period[period_id]
        entry[1] += submitted
        entry[2] += on_time
        if level is not None:
            entry[3][level] = submitted
    if filters.levels:
        for entry in by_period.values():
            entry[0] = entry[1]  # a level filter keeps only companies that filed with that level
    return [
        TrendRow(p.id, p.name, p.due_on, *by_period[p.id])
        for p in sorted(periods, key=lambda p: (p.opens_on, p.id or 0))
        if p.id is not None
    ]
