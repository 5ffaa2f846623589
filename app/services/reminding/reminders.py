"""Đôn đốc: what the reminder rules say is due now, written to the outbox once per reason, step
and round. Planning reads the database and hands the pure planner (app.notify.rules) plain
states; queueing is an INSERT that ignores keys already there, so running it twice, or from two
processes, queues each message once. Sending is app.services.reminding.outbox's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.config import Settings, get_settings
from app.formatting import day
from app.notify import planner, rules
from app.notify.planner import Planned, Unreachable
from app.notify.rules import LoadedRules
from app.services import audit
from app.services.context import Actor, insert_many_ignore, reading, writing
from app.services.errors import Invalid
from app.services.periods import round_of
from app.services.reminding import outbox
from app.services.reminding.reminder_states import company_states, officials_by_zone
from app.services.scope import company_condition, require_role
from app.vocabulary import OFFICIALS, ActionStatus, MessageStatus, Role
from db.models import (
    Company,
    OutboxMessage,
    Period,
    RemediationAction,
    ReminderRulesVersion,
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
    return rules.parse_rules(saved.text if saved else rules.shipped_rules_text())


def save_rules(actor: Actor, text: str, *, session: Session | None = None) -> LoadedRules:
    """Checked whole before it replaces the rules in use; refused with every problem, nothing saved."""
    require_role(actor, Role.admin)
    try:
        loaded = rules.parse_rules(text)
    except rules.RulesError as error:
        raise Invalid.said(
            "reminders.rules_refused", problems=error.problems, problems_vi=error.problems_vi
        ) from None
    with writing(session) as session:
        row = ReminderRulesVersion(text=text, saved_by=actor.username)
        session.add(row)
        session.flush()
        audit.record(session, actor, "reminders.rules", "reminder_rules", row.id, after={"chars": len(text)})
    return loaded


@dataclass
class RoundPlan:
    period: Period
    messages: list[Planned] = field(default_factory=list)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (subject, body)
    unreachable: list[Unreachable] = field(default_factory=list)
    already: int = 0  # due now but already in the outbox


def _rounds(session: Session, now: datetime, period_id: int | None) -> list[Period]:
    if period_id is not None:
        return [round_of(session, period_id)]
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
        if plans:  # overdue fixes escalate once a day, with the newest round's messages
            _add_overdue_fixes(session, plans[-1], loaded, now, configured, link)
    return plans


def _add_overdue_fixes(
    session: Session, into: RoundPlan, loaded: LoadedRules, now: datetime, configured: set[str], link: str
) -> None:
    today = (now + planner.VIETNAM).date()
    rows = session.execute(
        sa_select(
            col(Company.zone_id),
            col(Company.name),
            col(Company.tax_code),
            col(RemediationAction.criterion_id),
            col(RemediationAction.due_on),
        )
        .join(Company, col(Company.id) == col(RemediationAction.company_id))
        .where(col(RemediationAction.status) == ActionStatus.open, col(RemediationAction.due_on) < today)
        .order_by(col(Company.name), col(RemediationAction.criterion_id))
    ).all()
    if not rows:
        return
    by_official: dict[int, tuple[planner.Official, list[str]]] = {}
    overseers = officials_by_zone(session)
    for zone_id, name, tax_code, criterion, due in rows:
        line = f"{name} (MST {tax_code}): {criterion}, hạn {due:%d/%m/%Y}"
        for official in overseers.get(zone_id, []):
            by_official.setdefault(official.user_id, (official, []))[1].append(line)
    period = into.period
    rough = planner.overdue_fixes(
        loaded,
        now,
        planner.Round(period.id or 0, period.name, period.due_on),
        by_official.values(),
        configured,
        link,
    )
    queued = set(
        session.exec(select(OutboxMessage.dedup_key).where(OutboxMessage.period_id == period.id)).all()
    )
    fresh = [m for m in rough.messages if m.key not in queued]
    into.messages.extend(fresh)
    into.texts.update({m.key: planner.render(loaded, m) for m in fresh})
    into.unreachable.extend(rough.unreachable)
    into.already += len(rough.messages) - len(fresh)


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
        "status": MessageStatus.queued,
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
        period = round_of(session, period_id)
        assert period.id is not None  # round_of returns a stored round, or says there is none
        loaded = current_rules(session=session)
        allowed = set(
            session.exec(
                select(Company.id).where(col(Company.id).in_(company_ids), company_condition(actor))
            ).all()
        )
        states = [s for s in company_states(session, period, loaded) if s.company_id in allowed]
    link = get_settings().effective_public_url()
    due = planner.Round(period.id, period.name, period.due_on)
    chosen = planner.remind_now(loaded, now, due, states, configured, link, day(period.due_on))
    messages, unreachable = chosen.messages, chosen.unreachable
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


@dataclass(frozen=True)
class SentNow:
    queued: int
    delivery: outbox.DrainReport


def send_now(actor: Actor, preview: ManualPreview, *, now: datetime | None = None) -> SentNow:
    """ "Nhắc ngay", confirmed: the messages queued and audited as the official's in one unit of
    work, then delivered at once (only these keys, not the backlog). Delivery is not inside that
    unit on purpose: it waits on gateways, and a message once queued is kept and retried by the
    worker even if this request dies. Its outcome is audited as the official's too."""
    queued = queue_manual(actor, preview)
    report = outbox.drain(now or datetime.now(UTC), only=frozenset(m.key for m in preview.messages))
    with writing(None) as session:
        audit.record(
            session,
            actor,
            "reminders.sent_now",
            "outbox",
            queued,
            after={"sent": report.sent, "failed": report.failed, "retrying": report.retrying},
        )
    return SentNow(queued, report)
