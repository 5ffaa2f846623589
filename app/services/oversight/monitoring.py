"""What officials monitor: filing, levels, adoption, trends and lists, each scoped in SQL and each
aggregated by the database (one query per figure family, no loops over rows in Python)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.exports.report import Filing
from app.services.context import Actor, reading
from app.services.filing.assessments import ruleset_of
from app.services.oversight.filters import NO_FILTERS, Filters, apply_filters
from app.services.periods import round_of
from app.services.scope import company_condition, require_role, zone_condition
from app.vocabulary import OFFICIALS
from db.models import Assessment, Company, Period, PeriodCompany, Zone


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


def latest_join() -> Any:
    return and_(
        col(Assessment.company_id) == PeriodCompany.company_id,
        col(Assessment.period_id) == PeriodCompany.period_id,
        col(Assessment.is_latest),
    )


def filing(
    actor: Actor, period_id: int, filters: Filters = NO_FILTERS, *, session: Session | None = None
) -> Filing:
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        period = round_of(session, period_id)
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
            .join(Assessment, latest_join(), isouter=True)
            .where(PeriodCompany.period_id == period_id, company_condition(actor))
        )
        expected, submitted, on_time, late = session.execute(apply_filters(query, filters)).one()
        return Filing(int(expected), int(submitted), int(on_time), int(late))


def _empty_area() -> dict[str, Any]:
    return dict.fromkeys(
        ("expected", "submitted", "on_time", "late", "workers", "phones", "bluezone", "health"), 0
    ) | {"levels": {}}


def overview(
    actor: Actor, period_id: int, filters: Filters = NO_FILTERS, *, session: Session | None = None
) -> Overview:
    """The first screen of every official: filing, levels (companies and workers), who may not
    operate, and per zone or district the filing, levels and adoption. Three queries."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        period = round_of(session, period_id)
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
            .join(Assessment, latest_join(), isouter=True)
            .where(col(PeriodCompany.period_id) == period_id, company_condition(actor))
            .group_by(col(Company.zone_id), col(Assessment.level))
        )
        rows = session.execute(apply_filters(base, filters)).all()
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
