"""The demo's round under a rule set of the second kind (bg-kcn-dk-2021): the industrial zones'
companies file the risk table *and* the operating conditions, under the epidemic level officials
set for their area. Quang Châu and Vân Trung (Việt Yên, where the 2021 outbreak was) are at level 3,
so their factories are asked about screening; the other areas are at level 1 or 2 and are not."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.assessment.applicability import Applicability
from app.formatting import VIETNAM
from app.services.admin import rulesets
from app.services.context import Actor
from app.services.filing.assessments import insert_submissions
from app.services.oversight.epidemic_levels import LevelChange, level_in_force, sector_option, set_levels
from app.services.periods import Expected, open_period
from db.models import Assessment, Company, Period, Zone

RULESET = "bg-kcn-dk-2021"
DOCUMENT = "Thông báo cấp độ dịch của BCĐ tỉnh (dữ liệu minh họa / demo data)"
LEVELS = {"kcn-quang-chau": 3, "kcn-van-trung": 3, "kcn-dinh-tram": 2, "dist-viet-yen": 3, "dist-yen-dung": 2}


def conditions_round(
    session: Session, actor: Actor, current: Period, rng: random.Random, now: datetime, persona_id: int
) -> tuple[Period, int]:
    """Open the round beside the current one, set the areas' levels, and file most zone companies'
    answers (the persona's factory is left to file it in the demo): the round, and how many filed."""
    loaded = rulesets.get(RULESET, session=session)  # in the seed's unit: it alone holds the file
    period = open_period(
        actor,
        f"Điều kiện hoạt động – {current.name}",
        current.opens_on,
        current.due_on,
        Expected(
            zone_ids=tuple(
                z for z in session.exec(select(Zone.id).where(col(Zone.kind) == "industrial_zone"))
            )
        ),
        loaded.ruleset.id,
        loaded.ruleset.version,
        session=session,
    )
    set_levels(
        actor, period.id or 0, [LevelChange(z, lv, DOCUMENT) for z, lv in LEVELS.items()], session=session
    )
    applicability = Applicability(loaded.ruleset)
    latest = {
        company_id: answers
        for company_id, answers in session.exec(
            select(Assessment.company_id, Assessment.answers).where(
                col(Assessment.period_id) == current.id, col(Assessment.is_latest)
            )
        )
    }
    zones = {z.id: z for z in session.exec(select(Zone))}
    sector_input = next(i for i in loaded.ruleset.inputs if i.provided_by == "company_sector")
    open_at = datetime.combine(period.opens_on, time(7, 0), tzinfo=UTC) - VIETNAM
    rows: list[dict[str, Any]] = []
    for company_id, zone_id, sector in session.exec(
        select(Company.id, Company.zone_id, Company.sector)
        .join(Zone, col(Zone.id) == col(Company.zone_id))
        .where(col(Zone.kind) == "industrial_zone")
    ):
        base = latest.get(company_id or 0)
        if company_id == persona_id or base is None or rng.random() < 0.3:
            continue
        answers = dict(base)
        answers["epidemic_level"] = str(level_in_force(session, period.id or 0, zones[zone_id]))
        answers[sector_input.id] = sector_option(sector_input, sector)
        answers["lockdown_plan"] = rng.choices(["approved", "written", "none"], [0.7, 0.2, 0.1])[0]
        answers["risk_controlled_pct"] = 100 if rng.random() < 0.8 else round(rng.uniform(80, 99.9), 1)
        answers["screening_interval_days"] = rng.randint(5, 7) if rng.random() < 0.75 else rng.randint(8, 14)
        answers["screening_coverage_pct"] = (
            round(rng.uniform(20, 100)) if rng.random() < 0.85 else rng.randint(5, 19)
        )
        hidden = applicability.hidden(answers)
        at = min(now - timedelta(minutes=5), open_at + timedelta(hours=rng.uniform(2, 6 * 24)))
        rows.append(
            {
                "ruleset": loaded,
                "company_id": company_id,
                "period_id": period.id,
                "answers": {k: v for k, v in answers.items() if k not in hidden},
                "submitted_at": at,
                "first_submitted_at": at,
            }
        )
    return period, insert_submissions(rows, session=session)
