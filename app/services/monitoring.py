"""What officials monitor: filing, levels, adoption, trends and lists, each scoped in SQL and each
aggregated by the database (one query per figure family, no loops over rows in Python)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.assessment.schema import high_levels
from app.exports.report import Filing
from app.services.assessments import ruleset_of
from app.services.context import Actor, reading
from app.services.errors import NotFound
from app.services.scope import company_condition, require_role, zone_condition
from app.vocabulary import OFFICIALS, Role
from db.models import Assessment, Company, Period, PeriodCompany, Zone


@dataclass(frozen=True)
class Filters:
    """The filters of the officials' pages; they carry into the exports."""

    zone_ids: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    search: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class LevelCount:
    level: str
    companies: int
    workers: int


@dataclass(frozen=True)
class AreaRow:
    zone_id: str
    zone_name: str
    kind: str
    expected: int
    submitted: int
    on_time: int
    late: int
    levels: dict[str, int]
    workers: int
    smartphone_owners: int
    bluezone_installed: int
    health_declared: int
    lat: float | None
    lon: float | None

    @property
    def bluezone_share(self) -> float | None:
        return self.bluezone_installed / self.smartphone_owners if self.smartphone_owners else None

    @property
    def health_share(self) -> float | None:
        return self.health_declared / self.workers if self.workers else None


@dataclass(frozen=True)
class TrendRow:
    period_id: int
    period_name: str
    due_on: Any
    expected: int
    submitted: int
    on_time: int
    levels: dict[str, int]


@dataclass(frozen=True)
class Overview:
    period: Period
    filing: Filing
    levels: list[LevelCount]
    may_not_operate: int
    areas: list[AreaRow]
    level_order: list[str]
    adoption: dict[str, float | None] = field(default_factory=dict)

    @property
    def submitted_workers(self) -> int:
        return sum(level.workers for level in self.levels)


def _period(session: Session, period_id: int) -> Period:
    period: Period | None = session.get(Period, period_id)
    if period is None:
        raise NotFound.said("assessments.no_round")
    return period


def _apply_filters(query: Any, filters: Filters) -> Any:
    """The sidebar's filters on any select that joins Company (SQLModel's and SQLAlchemy's select
    types differ, hence Any)."""
    if filters.zone_ids:
        query = query.where(col(Company.zone_id).in_(filters.zone_ids))
    if filters.districts:
        query = query.where(col(Company.district).in_(filters.districts))
    if filters.sectors:
        query = query.where(col(Company.sector).in_(filters.sectors))
    if filters.levels:
        query = query.where(col(Assessment.level).in_(filters.levels))
    if filters.search:
        pattern = f"%{filters.search.strip().lower()}%"
        query = query.where(or_(func.lower(Company.name).like(pattern), col(Company.tax_code).like(pattern)))
    return query


def _latest_join() -> Any:
    return and_(
        col(Assessment.company_id) == PeriodCompany.company_id,
        col(Assessment.period_id) == PeriodCompany.period_id,
        col(Assessment.is_latest),
    )


def filing(
    actor: Actor, period_id: int, filters: Filters = Filters(), *, session: Session | None = None
) -> Filing:
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        period = _period(session, period_id)
        query = (
            select(
                func.count(),
                func.count(col(Assessment.id)),
                func.coalesce(
                    func.sum(case((col(Assessment.first_submitted_at) <= period.due_at, 1), else_=0)), 0
                ),
                func.coalesce(
                    func.sum(case((col(Assessment.first_submitted_at) > period.due_at, 1), else_=0)), 0
                ),
            )
            .select_from(PeriodCompany)
            .join(Company, col(Company.id) == PeriodCompany.company_id)
            .join(Assessment, _latest_join(), isouter=True)
            .where(PeriodCompany.period_id == period_id, company_condition(actor))
        )
        expected, submitted, on_time, late = session.execute(_apply_filters(query, filters)).one()
        return Filing(int(expected), int(submitted), int(on_time), int(late))


def _empty_area() -> dict[str, Any]:
    return dict.fromkeys(
        ("expected", "submitted", "on_time", "late", "workers", "phones", "bluezone", "health"), 0
    ) | {"levels": {}}


def overview(
    actor: Actor, period_id: int, filters: Filters = Filters(), *, session: Session | None = None
) -> Overview:
    """The first screen of every official: filing, levels (companies and workers), who may not
    operate, and per zone or district the filing, levels and adoption. Three queries."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        period = _period(session, period_id)
        level_order = [lv.id for lv in ruleset_of(period, session=session).ruleset.levels]
        on_time = case((col(Assessment.first_submitted_at) <= period.due_at, 1), else_=0)
        late = case((col(Assessment.first_submitted_at) > period.due_at, 1), else_=0)
        base = (
            sa_select(
                col(Company.zone_id),
                col(Assessment.level),
                func.count().label("expected"),
                func.count(col(Assessment.id)).label("submitted"),
                func.coalesce(func.sum(on_time), 0),
                func.coalesce(func.sum(late), 0),
                func.coalesce(func.sum(Assessment.workers), 0),
                func.coalesce(func.sum(Assessment.smartphone_owners), 0),
                func.coalesce(func.sum(Assessment.bluezone_installed), 0),
                func.coalesce(func.sum(Assessment.health_declared), 0),
                func.coalesce(func.sum(case((col(Assessment.may_operate).is_(False), 1), else_=0)), 0),
            )
            .select_from(PeriodCompany)
            .join(Company, col(Company.id) == PeriodCompany.company_id)
            .join(Assessment, _latest_join(), isouter=True)
            .where(col(PeriodCompany.period_id) == period_id, company_condition(actor))
            .group_by(col(Company.zone_id), col(Assessment.level))
        )
        rows = session.execute(_apply_filters(base, filters)).all()
        zones = session.exec(select(Zone).where(zone_condition(actor))).all()

    totals = {"expected": 0, "submitted": 0, "on_time": 0, "late": 0, "not_operate": 0}
    by_level: dict[str, list[int]] = {}
    by_zone: dict[str, dict[str, Any]] = {}
    for (
        zone_id,
        level,
        expected,
        submitted,
        ontime,
        latecount,
        workers,
        phones,
        bluezone,
        health,
        stop,
    ) in rows:
        totals["expected"] += expected
        totals["submitted"] += submitted
        totals["on_time"] += ontime
        totals["late"] += latecount
        totals["not_operate"] += stop
        z = by_zone.setdefault(
            zone_id,
            _empty_area(),
        )
        z["expected"] += expected
        z["submitted"] += submitted
        z["on_time"] += ontime
        z["late"] += latecount
        z["workers"] += workers
        z["phones"] += phones
        z["bluezone"] += bluezone
        z["health"] += health
        if level is not None:
            z["levels"][level] = z["levels"].get(level, 0) + submitted
            entry = by_level.setdefault(level, [0, 0])
            entry[0] += submitted
            entry[1] += workers
    areas = []
    for zone in sorted(zones, key=lambda z: (z.kind != "industrial_zone", z.name)):
        found = by_zone.get(zone.id)
        if found is None and (filters.zone_ids and zone.id not in filters.zone_ids):
            continue
        z = found or _empty_area()
        areas.append(
            AreaRow(
                zone.id,
                zone.name,
                zone.kind,
                z["expected"],
                z["submitted"],
                z["on_time"],
                z["late"],
                z["levels"],
                z["workers"],
                z["phones"],
                z["bluezone"],
                z["health"],
                zone.lat,
                zone.lon,
            )
        )
    levels = [LevelCount(lv, *by_level.get(lv, [0, 0])) for lv in level_order]
    phones = sum(a.smartphone_owners for a in areas)
    workers = sum(a.workers for a in areas)
    adoption = {
        "bluezone": sum(a.bluezone_installed for a in areas) / phones if phones else None,
        "health": sum(a.health_declared for a in areas) / workers if workers else None,
    }
    return Overview(
        period=period,
        filing=Filing(totals["expected"], totals["submitted"], totals["on_time"], totals["late"]),
        levels=levels,
        may_not_operate=totals["not_operate"],
        areas=areas,
        level_order=level_order,
        adoption=adoption,
    )


def trend(
    actor: Actor,
    filters: Filters = Filters(),
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
            until = _period(session, until_period_id)
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
            expected_query = _apply_filters(
                expected_query.join(Company, col(Company.id) == PeriodCompany.company_id).where(
                    company_condition(actor)
                ),
                company_filters,
            )
            filed_query = _apply_filters(
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


def company_rows(
    actor: Actor,
    period_id: int,
    filters: Filters = Filters(),
    filed: bool | None = None,
    only_high: bool = False,
    only_not_operating: bool = False,
    only_rising: bool = False,
    with_criteria: bool = False,
    limit: int | None = None,
    *,
    session: Session | None = None,
) -> list[CompanyRow]:
    """The lists officials work from (high risk, may not operate, non-filers, risers) and the rows
    of the exports: one query, every filter in SQL."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        period = _period(session, period_id)
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
        ]
        if with_criteria:
            columns.append(Assessment.score)
        query = (
            select(*columns)
            .select_from(PeriodCompany)
            .join(Company, col(Company.id) == PeriodCompany.company_id)
            .join(Zone, col(Zone.id) == Company.zone_id)
            .join(Assessment, _latest_join(), isouter=True)
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
        query = _apply_filters(query, filters)
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
                    "criteria": (row[26] or {}).get("criteria", {}) if with_criteria else {},
                },
            )
        )
    return result


def sectors(actor: Actor, *, session: Session | None = None) -> list[str]:
    """The sectors of the companies in the actor's scope, for the filter."""
    with reading(session) as session:
        query = (
            select(Company.sector).where(company_condition(actor)).distinct().order_by(col(Company.sector))
        )
        return list(session.exec(query).all())


def scoped_zone_ids(actor: Actor, *, session: Session | None = None) -> Sequence[str]:
    with reading(session) as session:
        return list(session.exec(select(Zone.id).where(zone_condition(actor))).all())
