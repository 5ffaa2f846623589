"""The epidemic level of each area in a round (QĐ 2686/QĐ-BCĐQG: levels 1–4 per commune and district).

Officials set it for the areas in their scope (the zones board for the industrial zones, the labour
department for the districts, the ICT department or an admin for the whole province), each with the
document that set it. A company's level is its own area's; an industrial zone without a level of its
own takes its district's; an area nobody set is at level 1, and says so. The level in force when a
company files is written into its answers (`provided_by: area_epidemic_level`), so a later change of
level never changes a filed result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app import area_structure
from app.assessment.schema import OTHER_SECTOR, Input, RuleSet
from app.services import audit
from app.services.context import Actor, reading, writing
from app.services.errors import Invalid, NotFound
from app.services.scope import not_found_in_scope, require_role, zone_condition
from app.vocabulary import Role
from db.models import AreaEpidemicLevel, Company, Period, Zone, utcnow

SETTERS = (Role.zone_board, Role.labour, Role.ict, Role.admin)
LEVELS = (1, 2, 3, 4)
ASSUMED_LEVEL = 1  # an area no official has set a level for
SOURCE_MAX = 200


@dataclass(frozen=True)
class AreaLevel:
    zone_id: str
    name: str
    kind: str
    district: str
    level: int | None  # set for this area in this round
    source: str
    set_by: str
    set_at: datetime | None
    in_force: int  # what applies: its own, else its district's, else level 1
    from_district: bool
    code: str | None = None  # the GSO code of an administrative area


@dataclass(frozen=True)
class LevelChange:
    zone_id: str
    level: int
    source: str


def areas(actor: Actor, period_id: int, *, session: Session | None = None) -> list[AreaLevel]:
    """Every area in the actor's scope with its level in the round (and the level in force)."""
    require_role(actor, *SETTERS)
    with reading(session) as session:
        _period(session, period_id)
        zones = session.exec(
            select(Zone).where(zone_condition(actor)).order_by(col(Zone.kind), col(Zone.name))
        )
        set_here = _levels(session, period_id)
        district_levels = _district_levels(session, set_here)
        out = []
        for zone in zones:
            own = set_here.get(zone.id)
            in_force, inherited = _in_force(zone, own, district_levels)
            out.append(
                AreaLevel(
                    zone.id,
                    zone.name,
                    zone.kind,
                    zone.district,
                    own.level if own else None,
                    own.source if own else "",
                    own.set_by if own else "",
                    own.set_at if own else None,
                    in_force,
                    inherited,
                    zone.code,
                )
            )
        return out


def set_levels(
    actor: Actor, period_id: int, changes: Sequence[LevelChange], *, session: Session | None = None
) -> int:
    """Set the levels of some areas in one unit of work; every change is checked first and a bad
    one refuses them all (nothing half-saved). Returns how many levels changed."""
    require_role(actor, *SETTERS)
    problems: list[tuple[str, str]] = []
    problems_vi: list[tuple[str, str]] = []
    for change in changes:
        if change.level not in LEVELS:
            problems.append((change.zone_id, f"the level must be 1–4 (not {change.level})"))
            problems_vi.append((change.zone_id, f"cấp độ phải từ 1 đến 4 (không phải {change.level})"))
        if not change.source.strip():
            problems.append((change.zone_id, "say which document set the level"))
            problems_vi.append((change.zone_id, "cần ghi văn bản công bố cấp độ"))
        elif len(change.source) > SOURCE_MAX:
            problems.append((change.zone_id, f"the document is at most {SOURCE_MAX} characters"))
            problems_vi.append((change.zone_id, f"văn bản tối đa {SOURCE_MAX} ký tự"))
    if problems:
        raise Invalid.said(
            "epidemic.invalid", problems=problems, problems_vi=problems_vi, count=len(problems)
        )
    with writing(session) as session:
        _period(session, period_id)
        wanted = {c.zone_id for c in changes}
        allowed = set(session.exec(select(Zone.id).where(zone_condition(actor), col(Zone.id).in_(wanted))))
        if wanted - allowed:
            raise not_found_in_scope("địa bàn", "area")
        current = _levels(session, period_id)
        changed = 0
        events: list[tuple[object, dict[str, Any] | None, dict[str, Any] | None, int | None]] = []
        for change in changes:
            row = current.get(change.zone_id)
            source = change.source.strip()
            if row is not None and row.level == change.level and row.source == source:
                continue
            before = None if row is None else {"level": row.level, "source": row.source}
            if row is None:
                row = AreaEpidemicLevel(
                    period_id=period_id, zone_id=change.zone_id, level=change.level, source="", set_by=""
                )
            row.level, row.source, row.set_by, row.set_at = change.level, source, actor.username, utcnow()
            session.add(row)
            events.append(
                (f"{period_id}:{change.zone_id}", before, {"level": change.level, "source": source}, None)
            )
            changed += 1
        if events:
            audit.record_many(session, actor, "epidemic_level.set", "area_level", events)
        return changed


def level_in_force(session: Session, period_id: int, zone: Zone) -> int:
    """The level a company of this area files under, as the levels page shows it in force."""
    set_here = _levels(session, period_id)
    return _in_force(zone, set_here.get(zone.id), _district_levels(session, set_here))[0]


def _in_force(zone: Zone, own: AreaEpidemicLevel | None, district_levels: dict[str, int]) -> tuple[int, bool]:
    """(the level in force, taken from the district?): the area's own level, else for an industrial
    zone its district's (or commune's), else level 1. The one rule the page and the filing share."""
    if own is not None:
        return own.level, False
    if zone.kind != area_structure.local_kind() and (inherited := district_levels.get(zone.district)):
        return inherited, True
    return ASSUMED_LEVEL, False


def _period(session: Session, period_id: int) -> Period:
    period = session.get(Period, period_id)
    if period is None:
        raise NotFound.said("assessments.no_round")
    return period


def _levels(session: Session, period_id: int) -> dict[str, AreaEpidemicLevel]:
    rows = session.exec(select(AreaEpidemicLevel).where(col(AreaEpidemicLevel.period_id) == period_id))
    return {row.zone_id: row for row in rows}


def _district_levels(session: Session, levels: dict[str, AreaEpidemicLevel]) -> dict[str, int]:
    """District name → level, for the districts that have one (industrial zones inherit it)."""
    if not levels:
        return {}
    districts = session.exec(
        select(Zone.id, Zone.district).where(
            col(Zone.kind) == area_structure.local_kind(), col(Zone.id).in_(list(levels))
        )
    )
    return {district: levels[zone_id].level for zone_id, district in districts}


def with_area_facts(
    session: Session, ruleset: RuleSet, company_id: int, period_id: int, answers: dict[str, Any]
) -> dict[str, Any]:
    """The answers with what the system provides filled in (not the company's to say): each
    `provided_by: area_epidemic_level` input set to the level in force for the company's area in
    the round, each `company_sector` input to the option of the company's sector in its profile."""
    provided = [i for i in ruleset.inputs if i.provided_by]
    if not provided:
        return answers
    company = session.get(Company, company_id)
    zone = session.get(Zone, company.zone_id) if company is not None else None
    if company is None or zone is None:
        return answers
    filled = dict(answers)
    for item in provided:
        if item.provided_by == "area_epidemic_level":
            filled[item.id] = str(level_in_force(session, period_id, zone))
        elif item.provided_by == "company_sector":
            filled[item.id] = sector_option(item, company.sector)
    return filled


def sector_option(item: Input, sector: str) -> str:
    """The option whose Vietnamese (or English) label is the company's sector, else `other`."""
    wanted = sector.strip().casefold()
    for option in item.options or []:
        if wanted in (option.label.vi.casefold(), option.label.en.casefold()):
            return option.id
    return OTHER_SECTOR
