"""The officials' lists as rows: each expected company of a round with its latest submission, its
previous level and, for the workbook, its points per criterion; filtered and scoped in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, case, func, literal, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.assessment.schema import high_levels
from app.services.context import Actor, reading
from app.services.filing.assessments import ruleset_of
from app.services.oversight.filters import Filters, apply_filters
from app.services.oversight.monitoring import latest_join
from app.services.periods import round_of
from app.services.scope import company_condition, require_role
from app.vocabulary import OFFICIALS, Status
from db.models import Assessment, Company, Period, PeriodCompany, Zone

EVERYONE = Filters()  # no filter: every company in scope


@dataclass(frozen=True)
class CompanyRow:
    """One company in a round, with the submission that counts (if any)."""

    company_id: int
    tax_code: str
    name: str
    zone_id: str
    zone_name: str
    district: str
    sector: str
    contact_name: str
    contact_phone: str
    contact_email: str
    lat: float | None
    lon: float | None
    company_workers: int | None
    assessment_id: int | None
    status: str | None
    submitted_at: datetime | None
    first_submitted_at: datetime | None
    on_time: bool | None
    total: int | None
    max_total: int | None
    risk_index: float | None
    level: str | None
    may_operate: bool | None
    workers: int | None
    ruleset_id: str | None
    ruleset_version: int | None
    criteria: dict[str, int] = field(default_factory=dict)
    previous_level: str | None = None
    resubmission: bool = False
    failed_conditions: tuple[str, ...] = ()  # a set with conditions: those this submission failed


def company_rows(
    actor: Actor,
    period_id: int,
    filters: Filters = EVERYONE,
    filed: bool | None = None,
    only_high: bool = False,
    only_not_operating: bool = False,
    only_rising: bool = False,
    only_to_review: bool = False,
    with_criteria: bool = False,
    limit: int | None = None,
    *,
    session: Session | None = None,
) -> list[CompanyRow]:
    """The lists officials work from (high risk, may not operate, non-filers, risers) and the rows
    of the exports: one query, every filter in SQL."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        period = round_of(session, period_id)
        loaded = ruleset_of(period, session=session)
        order = [lv.id for lv in loaded.ruleset.levels]
        previous_id = session.exec(
            select(Period.id)
            .where(
                or_(
                    col(Period.opens_on) < period.opens_on,
                    and_(col(Period.opens_on) == period.opens_on, col(Period.id) < period.id),
                )
            )
            .order_by(col(Period.opens_on).desc(), col(Period.id).desc())
            .limit(1)
        ).first()
        previous = Assessment.__table__.alias("previous")  # type: ignore[attr-defined]  # SQLModel declares __table__ only at run time
        rank = case({lv: n for n, lv in enumerate(order)}, value=col(Assessment.level), else_=-1)
        previous_rank = case({lv: n for n, lv in enumerate(order)}, value=previous.c.level, else_=-1)
        columns = [
            Company.id,
            Company.tax_code,
            Company.name,
            Company.zone_id,
            Zone.name,
            Company.district,
            Company.sector,
            Company.contact_name,
            Company.contact_phone,
            Company.contact_email,
            Company.lat,
            Company.lon,
            Company.workers,
            Assessment.id,
            Assessment.status,
            Assessment.submitted_at,
            Assessment.first_submitted_at,
            Assessment.total,
            Assessment.max_total,
            Assessment.risk_index,
            Assessment.level,
            Assessment.may_operate,
            Assessment.workers,
            Assessment.ruleset_id,
            Assessment.ruleset_version,
            previous.c.level,
            Assessment.resubmission,
        ]
        if with_criteria:
            columns.append(Assessment.score)
        query = (
            select(*columns)
            .select_from(PeriodCompany)
            .join(Company, col(Company.id) == PeriodCompany.company_id)
            .join(Zone, col(Zone.id) == Company.zone_id)
            .join(Assessment, latest_join(), isouter=True)
            .join(
                previous,
                and_(
                    previous.c.company_id == PeriodCompany.company_id,
                    previous.c.period_id == (previous_id if previous_id is not None else literal(-1)),
                    previous.c.is_latest,
                ),
                isouter=True,
            )
            .where(PeriodCompany.period_id == period_id, company_condition(actor))
        )
        query = apply_filters(query, filters)
        if filed is True:
            query = query.where(col(Assessment.id).is_not(None))
        elif filed is False:
            query = query.where(col(Assessment.id).is_(None))
        if only_high:
            query = query.where(col(Assessment.level).in_(high_levels(order)))
        if only_not_operating:
            query = query.where(col(Assessment.may_operate).is_(False))
        if only_rising:
            query = query.where(rank > previous_rank, previous_rank >= 0)
        if only_to_review:  # awaiting review; a resubmission after a return first
            query = query.where(col(Assessment.status) == Status.submitted).order_by(
                col(Assessment.resubmission).desc()
            )
        query = query.order_by(
            col(Assessment.risk_index).desc().nulls_last(),
            col(Company.workers).desc().nulls_last(),
            col(Company.name),
        )
        if limit is not None:
            query = query.limit(limit)
        rows = session.execute(query).all()
    due_at = period.due_at
    result = []
    for row in rows:
        first = row[16]
        result.append(
            CompanyRow(
                *row[:17],
                **{
                    "on_time": None if first is None else first <= due_at,
                    "total": row[17],
                    "max_total": row[18],
                    "risk_index": row[19],
                    "level": row[20],
                    "may_operate": row[21],
                    "workers": row[22],
                    "ruleset_id": row[23],
                    "ruleset_version": row[24],
                    "previous_level": row[25],
                    "resubmission": bool(row[26]),
                    "criteria": (row[27] or {}).get("criteria", {}) if with_criteria else {},
                    "failed_conditions": tuple((row[27] or {}).get("failed_conditions", ()))
                    if with_criteria
                    else (),
                },
            )
        )
    return result


class MapPoint(NamedTuple):
    """One company on the map (a named tuple: built thousands at a time, cheaply)."""

    lat: float
    lon: float
    level: str
    workers: int
    name: str
    risk_index: float | None


def map_points(
    actor: Actor, period_id: int, filters: Filters = EVERYONE, *, session: Session | None = None
) -> list[MapPoint]:
    """What the Overview's map draws, and only that: the located companies that filed in the
    round, six columns in one query (the lists' query carries 26 and a join to the previous round)."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        query = (
            sa_select(
                col(Company.lat),
                col(Company.lon),
                col(Assessment.level),
                func.coalesce(col(Assessment.workers), col(Company.workers), 0),
                col(Company.name),
                col(Assessment.risk_index),
            )
            .select_from(PeriodCompany)
            .join(Company, col(Company.id) == PeriodCompany.company_id)
            .join(Assessment, latest_join())
            .where(
                col(PeriodCompany.period_id) == period_id,
                company_condition(actor),
                col(Company.lat).is_not(None),
                col(Company.lon).is_not(None),
                col(Assessment.level).is_not(None),
            )
        )
        # Core rows, not the ORM's result loading: the points are plain values
        return list(map(MapPoint._make, session.connection().execute(apply_filters(query, filters))))
