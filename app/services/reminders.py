"""Đôn đốc: what the reminder rules say is due now, written to the outbox once per reason, step
and round. Planning reads the database and hands the pure planner (app.notify.rules) plain
states; queueing is an INSERT that ignores keys already there, so running it twice, or from two
processes, queues each message once. Sending is app.services.outbox's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from app.config import Settings, get_settings
from app.formatting import day
from app.notify import rules as planner
from app.notify.contacts import mobile_e164, normal_email
from app.notify.rules import CompanyState, Contact, LoadedRules, Official, Planned, Unreachable
from app.services import audit
from app.services.context import Actor, insert_many_ignore, reading, writing
from app.services.errors import Invalid, NotFound
from app.services.scope import AGENCY_ZONE_KIND, company_condition, require_role
from app.vocabulary import OFFICIALS, REVIEWERS, Role, Status
from db.models import (
    Assessment,
    Company,
    OutboxMessage,
    Period,
    PeriodCompany,
    ReminderRulesVersion,
    Review,
    User,
    UserZone,
    Zone,
)


def configured_channels(settings: Settings | None = None) -> dict[str, bool]:
    """Each channel and whether it is configured: the pages and the plan say "not configured"."""
    s = settings or get_settings()
    return {
        "email": bool(s.smtp_host and s.smtp_from),
        "sms": bool(s.sms_url and s.sms_token),
        "zalo": bool(s.zalo_url and s.zalo_token),
    }


def current_rules(*, session: Session | None = None) -> LoadedRules:
    """The rules an admin saved last, else the shipped file."""
    with reading(session) as session:
        saved = session.exec(
            select(ReminderRulesVersion).order_by(col(ReminderRulesVersion.id).desc())
        ).first()
    return planner.parse_rules(saved.text if saved else planner.shipped_rules_text())


def save_rules(actor: Actor, text: str, *, session: Session | None = None) -> LoadedRules:
    """Checked whole before it replaces the rules in use; refused with every problem, nothing saved."""
    require_role(actor, Role.admin)
    try:
        loaded = planner.parse_rules(text)
    except planner.RulesError as error:
        raise Invalid.said(
            "reminders.rules_refused", problems=error.problems, problems_vi=error.problems
        ) from None
    with writing(session) as session:
        row = ReminderRulesVersion(text=text, saved_by=actor.username)
        session.add(row)
        session.flush()
        audit.record(session, actor, "reminders.rules", "reminder_rules", row.id, after={"chars": len(text)})
    return loaded


def contact_of(email: str, phone: str) -> Contact:
    return Contact(normal_email(email), mobile_e164(phone))


def _officials(session: Session) -> dict[str, list[Official]]:
    """Zone id → the active reviewing officials whose scope holds it (zones board for zones,
    labour department for districts; an official with no zones listed covers every one)."""
    users = session.exec(select(User).where(col(User.role).in_(REVIEWERS), col(User.active))).all()
    zones = session.exec(select(Zone.id, Zone.kind)).all()
    listed: dict[int, set[str]] = defaultdict(set)
    for user_id, zone_id in session.exec(select(UserZone.user_id, UserZone.zone_id)).all():
        listed[user_id].add(zone_id)
    by_zone: dict[str, list[Official]] = defaultdict(list)
    for user in users:
        if user.id is None:
            continue
        official = Official(user.id, user.username, contact_of(user.email, user.phone))
        for zone_id, kind in zones:
            if AGENCY_ZONE_KIND.get(user.role) == kind and (
                not listed[user.id] or zone_id in listed[user.id]
            ):
                by_zone[zone_id].append(official)
    return by_zone


def _missed_before(session: Session, period: Period, rounds: int) -> dict[int, int]:
    """Per company, how many of the `rounds` rounds just before this one it missed in a row."""
    if rounds <= 0:
        return {}
    earlier: list[int] = [
        p
        for p in session.exec(
            select(Period.id)
            .where(col(Period.opens_on) < period.opens_on)
            .order_by(col(Period.opens_on).desc())
            .limit(rounds)
        ).all()
        if p is not None
    ]
    filed = {
        (c, p)
        for c, p in session.exec(
            select(Assessment.company_id, Assessment.period_id).where(
                col(Assessment.period_id).in_(earlier), col(Assessment.is_latest)
            )
        ).all()
    }
    expected: dict[int, set[int]] = defaultdict(set)
    for p, c in session.exec(
        select(PeriodCompany.period_id, PeriodCompany.company_id).where(
            col(PeriodCompany.period_id).in_(earlier)
        )
    ).all():
        expected[c].add(p)
    missed: dict[int, int] = {}
    for company_id, periods in expected.items():
        streak = 0
        for p in earlier:  # newest first
            if p not in periods or (company_id, p) in filed:
                break
            streak += 1
        missed[company_id] = streak
    return missed


def company_states(session: Session, period: Period, loaded: LoadedRules) -> list[CompanyState]:
    """Each company expected in the round, as the planner needs it: one query for the companies
    and their submission, one for earlier rounds, one for the officials."""
    threshold = loaded.rules.adoption.below_share if loaded.rules.adoption else 0.0
    latest = select(Assessment).where(Assessment.period_id == period.id, col(Assessment.is_latest)).subquery()
    rows = session.execute(
        sql_select(
            col(Company.id),
            col(Company.name),
            col(Company.tax_code),
            col(Company.zone_id),
            col(Company.contact_email),
            col(Company.contact_phone),
            latest.c.id,
            latest.c.status,
            latest.c.smartphone_owners,
            latest.c.bluezone_installed,
            latest.c.workers,
            latest.c.health_declared,
        )
        .join(PeriodCompany, col(PeriodCompany.company_id) == Company.id)
        .outerjoin(latest, latest.c.company_id == Company.id)
        .where(col(PeriodCompany.period_id) == period.id, col(Company.active))
        .order_by(col(Company.id))
    ).all()
    escalate = loaded.rules.escalate
    missed = _missed_before(session, period, escalate.after_missed_rounds - 1 if escalate else 0)
    officials = _officials(session) if escalate else {}
    returned_ids = [r[6] for r in rows if r[7] == Status.returned]
    comments = _return_comments(session, returned_ids)
    states = []
    for cid, name, tax, zone, email, phone, aid, status, phones, bluezone, workers, health in rows:
        low = False
        if status in (Status.submitted, Status.approved) and threshold:
            shares = [b / p for b, p in ((bluezone, phones), (health, workers)) if p and b is not None]
            low = any(s < threshold for s in shares)
        states.append(
            CompanyState(
                company_id=cid,
                name=name,
                tax_code=tax,
                contact=contact_of(email, phone),
                filed=status in (Status.submitted, Status.approved),
                missed_before=missed.get(cid, 0),
                adoption_low=low,
                returned=(aid, comments.get(aid, "")) if status == Status.returned else None,
                officials=tuple(officials.get(zone, ())),
            )
        )
    return states


def _return_comments(session: Session, assessment_ids: Sequence[int]) -> dict[int, str]:
    """The latest review comment of each returned submission: what the company must fix."""
    if not assessment_ids:
        return {}
    rows = session.exec(
        select(Review.assessment_id, Review.comment)
        .where(col(Review.assessment_id).in_(assessment_ids))
        .order_by(col(Review.id))
    ).all()
    return {a: c for a, c in rows}


@dataclass
class RoundPlan:
    period: Period
    messages: list[Planned] = field(default_factory=list)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (subject, body)
    unreachable: list[Unreachable] = field(default_factory=list)
    already: int = 0  # due now but already in the outbox


def _rounds(session: Session, now: datetime, period_id: int | None) -> list[Period]:
    if period_id is not None:
        period = session.get(Period, period_id)
        if period is None:
            raise NotFound.said("reports.no_round")
        return [period]
    return planner.due_rounds(session.exec(select(Period).order_by(col(Period.opens_on))).all(), now)


def plan(
    now: datetime | None = None, period_id: int | None = None, *, session: Session | None = None
) -> list[RoundPlan]:
    """What the rules say is due at `now` (default: this moment), not yet in the outbox."""
    now = now or datetime.now(UTC)
    link = get_settings().effective_public_url()
    configured = {name for name, ok in configured_channels().items() if ok}
    plans = []
    with reading(session) as session:
        loaded = current_rules(session=session)
        for period in _rounds(session, now, period_id):
            if period.id is None:
                continue
            states = company_states(session, period, loaded)
            rough = planner.plan(
                loaded,
                now,
                planner.Round(period.id, period.name, period.due_on),
                states,
                configured,
                link,
                day(period.due_on),
            )
            queued = set(
                session.exec(
                    select(OutboxMessage.dedup_key).where(OutboxMessage.period_id == period.id)
                ).all()
            )
            fresh = [m for m in rough.messages if m.key not in queued]
            result = RoundPlan(
                period, fresh, {m.key: planner.render(loaded, m) for m in fresh}, rough.unreachable
            )
            result.already = len(rough.messages) - len(fresh)
            plans.append(result)
    return plans


def outbox_row(message: Planned, subject: str, body: str, created_by: str) -> dict[str, object]:
    return {
        "dedup_key": message.key,
        "company_id": message.company_id,
        "user_id": message.user_id,
        "period_id": message.period_id,
        "reason": message.reason,
        "step": message.step,
        "channel": message.channel,
        "recipient": message.recipient,
        "template": message.template,
        "lang": message.lang,
        "subject": subject,
        "body": body,
        "values": message.values,
        "status": "queued",
        "attempts": 0,
        "last_error": "",
        "provider_id": "",
        "created_by": created_by,
        "created_at": datetime.now(UTC),
        "next_attempt_at": message.not_before,
    }


def queue(plans: Sequence[RoundPlan], created_by: str = "system", *, session: Session | None = None) -> int:
    """Write the planned messages; a key already there (another sender was quicker) is skipped."""
    rows = [outbox_row(m, *p.texts[m.key], created_by) for p in plans for m in p.messages]
    with writing(session) as session:
        return insert_many_ignore(session, OutboxMessage, rows)


@dataclass(frozen=True)
class ManualPreview:
    per_channel: dict[str, int]
    unreachable: list[Unreachable]
    messages: list[Planned]
    texts: dict[str, tuple[str, str]]


def manual(
    actor: Actor,
    period_id: int,
    company_ids: Sequence[int],
    now: datetime | None = None,
    *,
    session: Session | None = None,
) -> ManualPreview:
    """An official's "remind these non-filers now": one message each, on the rules' channel, at
    most once a day per company and round. Companies outside the official's scope are not found."""
    require_role(actor, *OFFICIALS)
    now = now or datetime.now(UTC)
    configured = {name for name, ok in configured_channels().items() if ok}
    with reading(session) as session:
        period = session.get(Period, period_id)
        if period is None or period.id is None:
            raise NotFound.said("reports.no_round")
        loaded = current_rules(session=session)
        allowed = set(
            session.exec(
                select(Company.id).where(col(Company.id).in_(company_ids), company_condition(actor))
            ).all()
        )
        states = [
            s for s in company_states(session, period, loaded) if s.company_id in allowed and not s.filed
        ]
    step = f"{(now + planner.VIETNAM).date():%Y%m%d}"
    messages: list[Planned] = []
    unreachable: list[Unreachable] = []
    link = get_settings().effective_public_url()
    template = (
        loaded.rules.steps[-1].template if now.date() > period.due_on else loaded.rules.steps[0].template
    )
    days_late = max(((now + planner.VIETNAM).date() - period.due_on).days, 0)
    for state in states:
        route = planner.route(loaded.rules, state.contact, configured)
        if isinstance(route, str):
            unreachable.append(Unreachable(state.company_id, None, state.name, "manual", route))
            continue
        channel, address = route
        messages.append(
            Planned(
                key=f"manual:{period.id}:c{state.company_id}:{step}",
                reason="manual",
                step=step,
                period_id=period.id,
                company_id=state.company_id,
                user_id=None,
                channel=channel,
                recipient=address,
                template=template,
                lang="vi",
                values={
                    "company": state.name,
                    "tax_code": state.tax_code,
                    "round": period.name,
                    "due_date": day(period.due_on),
                    "link": link,
                    "days_overdue": str(days_late),
                },
                not_before=planner.after_quiet(loaded.rules, channel, now),
            )
        )
    counts: dict[str, int] = defaultdict(int)
    for m in messages:
        counts[m.channel] += 1
    return ManualPreview(
        dict(counts), unreachable, messages, {m.key: planner.render(loaded, m) for m in messages}
    )


def queue_manual(actor: Actor, preview: ManualPreview, *, session: Session | None = None) -> int:
    require_role(actor, *OFFICIALS)
    rows = [outbox_row(m, *preview.texts[m.key], actor.username) for m in preview.messages]
    with writing(session) as session:
        made = insert_many_ignore(session, OutboxMessage, rows)
        audit.record(session, actor, "reminders.manual", "outbox", made, after={"messages": made})
    return made
