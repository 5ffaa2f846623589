"""The action plan: a submission's "what to fix first" becomes actions the company owns, each with an
owner, a due date from app/assessment/rulesets/remediation.yaml and a status. A later submission or
an inspection that shows a criterion's points fell closes its action; officials see what is overdue.
Raised and closed inside the submit's (or the inspection's) unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import case, func, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app import yaml_text
from app.formatting import VIETNAM
from app.scoring import ScoreResult, recommend
from app.scoring.recommend import Change
from app.services import audit
from app.services.context import Actor, reading, writing
from app.services.errors import Conflict, Invalid, NotFound
from app.services.filing.company_records import clean_text
from app.services.scope import company_condition, not_found_in_scope, require_role
from app.vocabulary import OFFICIALS, ActionStatus, Role
from db.models import Company, Period, RemediationAction, Zone, utcnow

RULES_FILE = Path(__file__).parents[2] / "assessment" / "rulesets" / "remediation.yaml"
OPEN = ("open", "done")  # "done" is the company's word; a re-assessment or inspection confirms it
MAX_OWNER = 120


class Deadlines(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_actions: int = Field(ge=1, le=20)
    due_days: dict[str, int]
    stop_until_reassessed: tuple[str, ...] = ()


@cache
def _rules() -> dict[str, Deadlines]:
    data: dict[str, Any] = yaml_text.load(RULES_FILE.read_text(encoding="utf-8"))
    return {key: Deadlines.model_validate(value) for key, value in data.items() if key != "version"}


def deadlines(ruleset_id: str) -> Deadlines:
    rules = _rules()
    return rules.get(ruleset_id, rules["default"])


@dataclass(frozen=True)
class ActionView:
    id: int
    company_id: int
    criterion_id: str
    title: dict[str, str]
    steps: list[dict[str, str]]
    owner: str
    due_on: date | None
    status: str
    closed_by: str
    points: int
    assessment_id: int  # the submission whose targets its steps name
    round_name: str

    def overdue(self, today: date) -> bool:
        return self.status == ActionStatus.open and self.due_on is not None and self.due_on < today


def _view(row: RemediationAction, round_name: str = "") -> ActionView:
    return ActionView(
        row.id or 0,
        row.company_id,
        row.criterion_id,
        dict(row.title),
        list(row.steps),
        row.owner,
        row.due_on,
        row.status,
        row.closed_by,
        row.points,
        row.assessment_id,
        round_name,
    )


def close_fixed(session: Session, company_id: int, result: ScoreResult, by: str) -> int:
    """Actions whose criterion now scores fewer points than when they were raised are fixed; an
    action for a condition (raised at 1 "point") is fixed once the condition no longer fails."""
    return _close_fixed(session, _open_actions(session, company_id), result, by)


def _open_actions(session: Session, company_id: int) -> list[RemediationAction]:
    return list(
        session.execute(
            sa_select(RemediationAction).where(
                col(RemediationAction.company_id) == company_id, col(RemediationAction.status).in_(OPEN)
            )
        ).scalars()
    )


def _close_fixed(session: Session, rows: list[RemediationAction], result: ScoreResult, by: str) -> int:
    """The rows of `rows` that `result` shows fixed, marked fixed; returns how many."""
    points = dict(zip((p.id for p in result.compiled.criteria), result.points, strict=True))
    points.update({c.id: int(c.failed) for c in result.conditions})
    now = utcnow()
    closed = 0
    for row in rows:
        if row.criterion_id in points and points[row.criterion_id] < row.points:
            row.status, row.closed_by, row.closed_at, row.updated_at = ActionStatus.fixed, by, now, now
            session.add(row)
            closed += 1
    return closed


def _step(c: Change) -> dict[str, str]:
    return {
        lang: f"{c.input_label.get(lang)}: {c.current_label.get(lang)} → {c.proposed_label.get(lang)}"
        for lang in ("vi", "en")
    }


def raise_actions(
    session: Session, company_id: int, assessment_id: int, period_id: int, result: ScoreResult, at: datetime
) -> int:
    """After a submission: close what it shows fixed, then raise its priorities not already open."""
    open_rows = _open_actions(session, company_id)  # one read: what it closes, then what stays open
    _close_fixed(session, open_rows, result, "reassessment")
    rules = deadlines(result.ruleset_id)
    level = result.level_id
    due = (
        None
        if level in rules.stop_until_reassessed
        else (at + VIETNAM).date() + timedelta(days=rules.due_days.get(level, 14))
    )
    still_open = {row.criterion_id: row for row in open_rows if row.status in OPEN}
    priorities = recommend(result).priorities
    for priority in priorities:  # what is still open now aims at this submission's targets
        row = still_open.get(priority.criterion_id)
        if row is not None and priority.recoverable > 0:
            row.steps = [_step(change) for change in priority.changes]
            # (its points stay those it was raised at: "fixed" means lower than then)
            row.assessment_id, row.period_id, row.updated_at = assessment_id, period_id, at
            session.add(row)
    rows: list[dict[str, Any]] = []
    today = (at + VIETNAM).date()
    for failed in result.failed_conditions:  # a condition that must hold: always on the plan
        if failed.id in still_open:
            continue
        on_fail = failed.condition.on_fail
        rows.append(
            {
                "company_id": company_id,
                "assessment_id": assessment_id,
                "period_id": period_id,
                "criterion_id": failed.id,
                "points": 1,
                "title": failed.condition.title.model_dump(),
                "steps": [on_fail.action.model_dump()],
                # a condition that stops operation has no date: it is met before work goes on
                "due_on": today + timedelta(days=on_fail.fix_within_days)
                if on_fail.fix_within_days
                else None,
                "status": ActionStatus.open,
                "created_at": at,
                "updated_at": at,
            }
        )
    conditions = len(rows)
    for priority in priorities:
        if len(rows) - conditions >= rules.max_actions:
            break
        if priority.recoverable <= 0 or priority.criterion_id in still_open:
            continue
        rows.append(
            {
                "company_id": company_id,
                "assessment_id": assessment_id,
                "period_id": period_id,
                "criterion_id": priority.criterion_id,
                "points": priority.points,
                "title": priority.title.model_dump(),
                "steps": [_step(change) for change in priority.changes],
                "due_on": due,
                "status": ActionStatus.open,
                "created_at": at,
                "updated_at": at,
            }
        )
    if rows:
        session.execute(insert(RemediationAction), rows)
    return len(rows)


def plan(actor: Actor, company_id: int | None = None, *, session: Session | None = None) -> list[ActionView]:
    """The company's actions, open ones first by due date; officials pass the company."""
    target = actor.company_id if actor.role == Role.company else company_id
    if actor.role != Role.company:
        require_role(actor, *OFFICIALS)
    if target is None:
        return []
    with reading(session) as session:
        found = session.execute(
            sa_select(col(Company.id)).where(col(Company.id) == target, company_condition(actor))
        ).first()
        if found is None:
            raise not_found_in_scope("doanh nghiệp", "company")
        rows = session.execute(
            sa_select(RemediationAction, col(Period.name))
            .join(Period, col(Period.id) == col(RemediationAction.period_id))
            .where(col(RemediationAction.company_id) == target)
            .order_by(
                col(RemediationAction.status).in_(OPEN).desc(),
                col(RemediationAction.due_on),
                col(RemediationAction.id),
            )
        ).all()
        return [_view(r, name) for r, name in rows]


def update(
    actor: Actor,
    action_id: int,
    *,
    owner: str | None = None,
    done: bool | None = None,
    session: Session | None = None,
) -> ActionView:
    """The company names who does it and says when it is done (or not done after all)."""
    require_role(actor, Role.company)
    if owner is not None:
        owner = clean_text(owner)
        if len(owner) > MAX_OWNER:
            raise Invalid.said("remediation.owner_too_long", field="owner", most=MAX_OWNER)
    with writing(session) as session:
        row = session.get(RemediationAction, action_id)
        if row is None or row.company_id != actor.company_id:
            raise NotFound.said("remediation.not_found")
        if row.status == ActionStatus.fixed:
            raise Conflict.said("remediation.already_fixed")
        before = {"owner": row.owner, "status": row.status}
        if owner is not None:
            row.owner = owner
        if done is not None:
            row.status = ActionStatus.done if done else ActionStatus.open
            row.closed_by = "company" if done else ""
        row.updated_at = utcnow()
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "remediation.update",
            "remediation",
            row.id,
            before=before,
            after={"owner": row.owner, "status": row.status},
            company_id=row.company_id,
        )
        return _view(row)


def update_many(actor: Actor, changes: dict[int, tuple[str, bool]], *, session: Session | None = None) -> int:
    """The plan saved at once: each action's (owner, done) where it differs, all or nothing (an
    owner too long on the third card leaves the first two as they were). How many changed."""
    changed = 0
    with writing(session) as session:
        for action_id, (owner, done) in changes.items():
            row = session.get(RemediationAction, action_id)
            if row is not None and (owner, done) == (row.owner, row.status == ActionStatus.done):
                continue
            update(actor, action_id, owner=owner, done=done, session=session)
            changed += 1
    return changed


def overdue_by_zone(actor: Actor, today: date, *, session: Session | None = None) -> list[dict[str, Any]]:
    """Per zone or district in scope: open actions, and how many are past their due date."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        late = (col(RemediationAction.due_on) < today) & (col(RemediationAction.status) == ActionStatus.open)
        rows = session.execute(
            sa_select(
                col(Zone.name),
                func.count(),
                func.sum(case((late, 1), else_=0)),
                func.count(func.distinct(col(RemediationAction.company_id))),
            )
            .join(Company, col(Company.id) == col(RemediationAction.company_id))
            .join(Zone, col(Zone.id) == col(Company.zone_id))
            .where(col(RemediationAction.status).in_(OPEN), company_condition(actor))
            .group_by(col(Zone.name))
            .order_by(col(Zone.name))
        ).all()
    return [
        {"zone": zone, "open": int(count), "overdue": int(overdue or 0), "companies": int(companies)}
        for zone, count, overdue, companies in rows
    ]


def standing_at(
    actor: Actor, moment: datetime, day: date, *, session: Session | None = None
) -> tuple[int, int]:
    """(open, overdue) actions in scope as they stood at `moment`, on the Vietnamese calendar
    `day`: a closed round's report says what stood at its end, not today's figures. Open then:
    raised by then and not yet confirmed fixed; overdue then: open then, due before `day`, and not
    yet said done by the company by then."""
    require_role(actor, *OFFICIALS)
    raised = col(RemediationAction.created_at) <= moment
    unfixed = col(RemediationAction.closed_at).is_(None) | (col(RemediationAction.closed_at) > moment)
    said_done = (col(RemediationAction.status) == ActionStatus.done) & (
        col(RemediationAction.updated_at) <= moment
    )
    late = (col(RemediationAction.due_on) < day) & ~said_done
    with reading(session) as session:
        opened, overdue = session.execute(
            sa_select(func.count(), func.coalesce(func.sum(case((late, 1), else_=0)), 0))
            .join(Company, col(Company.id) == col(RemediationAction.company_id))
            .where(raised, unfixed, company_condition(actor))
        ).one()
    return int(opened), int(overdue)
