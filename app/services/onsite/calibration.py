"""Self-assessment against inspection: one inspection beside the company's own answers criterion by
criterion, the calibration across all of them (which criteria, zones and companies are answered too
kindly), and the round's summary for the chairman's report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.scoring import ScoreResult, score
from app.services.admin import rulesets
from app.services.context import Actor, reading
from app.services.errors import NotFound
from app.services.onsite.inspections import may_see
from app.services.scope import company_condition, require_role
from app.vocabulary import OFFICIALS, InspectionStatus, Role
from db.models import Assessment, Company, Inspection, Period, Zone

# An inspection's company's own counting submission of the same round: what it is compared with.
_SELF_ASSESSED = (
    (col(Assessment.company_id) == col(Inspection.company_id))
    & (col(Assessment.period_id) == col(Inspection.period_id))
    & col(Assessment.is_latest)
)


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
    criterion, both scored by the same rule-set version: for officials in scope and for the
    company inspected."""
    require_role(actor, *OFFICIALS, Role.company)
    with reading(session) as session:
        row = session.get(Inspection, inspection_id)
        if row is None or row.status != InspectionStatus.done:
            raise NotFound.said("inspections.not_found")
        may_see(session, actor, row)
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
                _SELF_ASSESSED,
            )
            .where(col(Inspection.status) == InspectionStatus.done, company_condition(actor))
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
                _SELF_ASSESSED,
            )
            .where(
                col(Inspection.period_id) == period_id,
                col(Inspection.status) == InspectionStatus.done,
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
        sum(gaps) / len(gaps) if gaps else None,  # exact: rounded once, where it is printed
        sum(1 for r in rows if r[2]),
        sum(1 for r in rows if r[3]),
        [w for w in worst if w[2] > 0][:3],
    )
