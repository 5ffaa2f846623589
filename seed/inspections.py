"""The demo's inspections: in each past round a few filers were visited, and the inspectors found
what such visits find: on a few questions (cleaning, meals, shuttles, masks) companies answer more
kindly than the site deserves; elsewhere the inspector mostly agrees. So calibration is not empty."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.assessment.loader import LoadedRuleSet
from app.scoring import score
from app.scoring.engine import CompiledRuleSet
from app.services.periods import VIETNAM
from app.vocabulary import InspectionStatus
from db.models import Assessment, AuditEvent, Company, Inspection, Period, Zone

KIND_QUESTIONS = {"cs10": 0.55, "cs11": 0.5, "cs12": 0.35, "cs13": 0.45}  # option worse, this often
SHARE = 0.04  # of a round's filers
FILER_CHUNK = 2_000  # action plans: a round's riskier filers whose answers are held at once
INSPECTORS = {"industrial_zone": "demo.zoneboard", "district": "demo.labour"}


def _worse(options: list[str], current: Any, steps: int = 1) -> Any:
    if current not in options:
        return current
    return options[min(len(options) - 1, options.index(current) + steps)]


def inspected_answers(
    rng: random.Random, answers: dict[str, Any], choices: dict[str, list[str]]
) -> dict[str, Any]:
    found = dict(answers)
    for input_id, chance in KIND_QUESTIONS.items():
        if input_id in found and rng.random() < chance:
            found[input_id] = _worse(choices[input_id], found[input_id])
    if isinstance(found.get("mask_rate_pct"), int | float) and rng.random() < 0.5:
        found["mask_rate_pct"] = max(0, found["mask_rate_pct"] - rng.choice([5, 10, 15, 25]))
    for input_id, options in choices.items():  # elsewhere an occasional disagreement, either way
        if input_id not in KIND_QUESTIONS and input_id in found and rng.random() < 0.05:
            found[input_id] = _worse(options, found[input_id]) if rng.random() < 0.6 else options[0]
    return found


def inspection_history(
    session: Session,
    rounds: list[Period],
    loaded: LoadedRuleSet | CompiledRuleSet,
    choices: dict[str, list[str]],
    rng: random.Random,
    now: datetime | None = None,
) -> int:
    """Done inspections for the past rounds (not the current one), each audited as the real ones;
    a visit falls 1–5 days after the round's due date, never after the seed's own `now` (the
    round just closed was visited up to yesterday, not next week)."""
    latest_day = (now + VIETNAM).date() - timedelta(days=1) if now is not None else None
    count = 0
    for period in rounds:
        filers = session.exec(
            select(Assessment.company_id, Assessment.id, Zone.kind)
            .join(Company, col(Company.id) == col(Assessment.company_id))
            .join(Zone, col(Zone.id) == col(Company.zone_id))
            .where(col(Assessment.period_id) == period.id, col(Assessment.is_latest))
            .order_by(col(Assessment.company_id))
        ).all()
        if not filers:
            continue
        visited = rng.sample(filers, max(1, round(len(filers) * SHARE)))
        # the answers of the visited only (a round's every answer set held 250 MB at 50k)
        answers_of = dict(
            session.exec(
                select(Assessment.id, Assessment.answers).where(
                    col(Assessment.id).in_([assessment_id for _, assessment_id, _ in visited])
                )
            ).all()
        )
        rows, events = [], []
        for company_id, assessment_id, kind in visited:
            found = inspected_answers(rng, dict(answers_of[assessment_id]), choices)
            result = score(loaded, found)
            on = period.due_on + timedelta(days=rng.randint(1, 5))
            if latest_day is not None:
                on = max(min(on, latest_day), period.opens_on)
            inspector = INSPECTORS.get(kind, "demo.zoneboard")
            moment = datetime.combine(on, time(10, 0), tzinfo=UTC) - VIETNAM  # 10:00 local
            rows.append(
                {
                    "company_id": company_id,
                    "period_id": period.id,
                    "inspector": inspector,
                    "status": InspectionStatus.done,
                    "answers": found,
                    "notes": "",
                    "ruleset_id": period.ruleset_id,
                    "ruleset_version": period.ruleset_version,
                    "total": result.total,
                    "risk_index": result.index,
                    "level": result.level_id,
                    "may_operate": result.may_operate,
                    "score": result.summary(),
                    "official_level": False,
                    "stop_operation": False,
                    "visited_on": on,
                    "created_at": moment,
                    "completed_at": moment,
                }
            )
            events.append(
                {
                    "actor": inspector,
                    "action": "inspection.complete",
                    "object_type": "inspection",
                    "object_id": "seed",
                    "company_id": company_id,
                    "after": {"level": result.level_id, "index": result.index},
                    "at": moment,
                }
            )
        session.execute(insert(Inspection), rows)
        session.execute(insert(AuditEvent), events)
        count += len(rows)
    return count


def remediation_history(
    session: Session, rounds: list[Period], loaded: LoadedRuleSet | CompiledRuleSet
) -> int:
    """The action plans of the last rounds' riskier filers (medium and above), raised and closed in
    order as the submits would have: the older round's fixes are confirmed, or overdue."""
    from app.services.onsite.remediation import raise_actions

    count = 0
    for period in rounds:
        filers = session.exec(
            select(Assessment.id)
            .where(
                col(Assessment.period_id) == period.id,
                col(Assessment.is_latest),
                col(Assessment.level).in_(("medium", "high", "very_high")),
            )
            .order_by(col(Assessment.id))
        ).all()
        for start in range(0, len(filers), FILER_CHUNK):  # answers decoded a chunk at a time
            chunk = session.exec(
                select(Assessment.id, Assessment.company_id, Assessment.answers, Assessment.submitted_at)
                .where(col(Assessment.id).in_(filers[start : start + FILER_CHUNK]))
                .order_by(col(Assessment.id))
            ).all()
            for assessment_id, company_id, answers, at in chunk:
                result = score(loaded, answers)
                when = at or datetime.combine(period.due_on, time(10, 0), tzinfo=UTC)
                count += raise_actions(session, company_id, assessment_id or 0, period.id or 0, result, when)
    return count
