"""Whether the reminders worked: who was reminded, who filed after a reminder, who is still
missing, and per channel what was sent, what failed and who filed within 24 hours. The number the
ICT department reports up; every figure is one SQL aggregate over the outbox and the filings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from app.services.context import Actor, reading
from app.services.scope import company_condition, require_role
from app.vocabulary import OFFICIALS, MessageReason, MessageStatus, Role
from db.models import Assessment, Company, OutboxMessage

TO_COMPANIES = (MessageReason.reminder, MessageReason.manual)
WITHIN = timedelta(hours=24)


@dataclass(frozen=True)
class ChannelEffect:
    channel: str
    sent: int
    failed: int
    filed_within_24h: int  # companies that filed within a day of a message on this channel


@dataclass(frozen=True)
class Effect:
    reminded: int  # companies sent at least one reminder in the round
    filed_after: int  # of those, filed after their first reminder
    still_missing: int  # of those, not filed yet
    channels: list[ChannelEffect]
    # of those, filed before their first reminder went out (it was queued before they filed): with
    # the two above, the parts add up to `reminded`
    filed_before: int = 0


def effect(actor: Actor, period_id: int, *, session: Session | None = None) -> Effect:
    require_role(actor, *OFFICIALS)
    first_sent = (
        select(
            OutboxMessage.company_id.label("company_id"),  # type: ignore[union-attr]  # a column, not None
            func.min(OutboxMessage.sent_at).label("first_at"),
        )
        .join(Company, col(Company.id) == OutboxMessage.company_id)
        .where(
            OutboxMessage.period_id == period_id,
            col(OutboxMessage.reason).in_(TO_COMPANIES),
            OutboxMessage.status == MessageStatus.sent,
            company_condition(actor),
        )
        .group_by(col(OutboxMessage.company_id))
        .subquery()
    )
    filing = (
        select(Assessment.company_id, Assessment.first_submitted_at)
        .where(Assessment.period_id == period_id, col(Assessment.is_latest))
        .subquery()
    )
    with reading(session) as session:
        reminded, filed_after, missing, filed_before = session.exec(
            select(
                func.count(),
                func.coalesce(
                    func.sum(case((filing.c.first_submitted_at > first_sent.c.first_at, 1), else_=0)), 0
                ),
                func.coalesce(func.sum(case((filing.c.company_id.is_(None), 1), else_=0)), 0),
                func.coalesce(
                    func.sum(case((filing.c.first_submitted_at <= first_sent.c.first_at, 1), else_=0)), 0
                ),
            )
            .select_from(first_sent)
            .outerjoin(filing, filing.c.company_id == first_sent.c.company_id)
        ).one()
        in_scope = (
            OutboxMessage.period_id == period_id,
            col(OutboxMessage.reason).in_(TO_COMPANIES),
            company_condition(actor),
        )
        per_channel = session.exec(
            select(
                OutboxMessage.channel,
                func.sum(case((col(OutboxMessage.status) == MessageStatus.sent, 1), else_=0)),
                func.sum(
                    case(
                        (col(OutboxMessage.status).in_((MessageStatus.failed, MessageStatus.gave_up)), 1),
                        else_=0,
                    )
                ),
            )
            .join(Company, col(Company.id) == OutboxMessage.company_id)
            .where(*in_scope)
            .group_by(col(OutboxMessage.channel))
            .order_by(col(OutboxMessage.channel))
        ).all()
        # date arithmetic differs between the engines: the 24 hours are compared here
        followed = session.exec(
            select(
                OutboxMessage.channel,
                OutboxMessage.company_id,
                OutboxMessage.sent_at,
                filing.c.first_submitted_at,
            )
            .join(Company, col(Company.id) == OutboxMessage.company_id)
            .join(filing, filing.c.company_id == OutboxMessage.company_id)
            .where(
                *in_scope,
                col(OutboxMessage.status) == MessageStatus.sent,
                filing.c.first_submitted_at > OutboxMessage.sent_at,
            )
        ).all()
    quick: dict[str, set[int | None]] = {}
    for channel, company_id, sent_at, filed_at in followed:
        if sent_at is not None and filed_at - sent_at <= WITHIN:
            quick.setdefault(channel, set()).add(company_id)
    return Effect(
        int(reminded),
        int(filed_after),
        int(missing),
        [ChannelEffect(c, int(s or 0), int(f or 0), len(quick.get(c, ()))) for c, s, f in per_channel],
        int(filed_before),
    )


@dataclass(frozen=True)
class Notice:
    at: datetime
    channel: str
    subject: str
    reason: str
    status: str
    recipient: str
    error: str = ""
    company: str = ""


def company_notices(actor: Actor, limit: int = 10, *, session: Session | None = None) -> list[Notice]:
    """What the company was sent: its reminders and returns, newest first."""
    require_role(actor, Role.company)
    with reading(session) as session:
        rows = session.exec(
            select(OutboxMessage)
            .where(
                OutboxMessage.company_id == actor.company_id,
                OutboxMessage.status == MessageStatus.sent,
                OutboxMessage.reason != MessageReason.webhook,  # about the company, to another system
            )
            .order_by(col(OutboxMessage.sent_at).desc())
            .limit(limit)
        ).all()
    return [
        Notice(r.sent_at or r.created_at, r.channel, r.subject, r.reason, r.status, r.recipient) for r in rows
    ]


def failures(
    actor: Actor, period_id: int, limit: int = 200, *, session: Session | None = None
) -> list[Notice]:
    """Messages to companies in the official's scope that could not be delivered, newest first."""
    require_role(actor, *OFFICIALS)
    with reading(session) as session:
        rows = session.exec(
            select(OutboxMessage, Company.name)
            .join(Company, col(Company.id) == OutboxMessage.company_id)
            .where(
                OutboxMessage.period_id == period_id,
                col(OutboxMessage.status).in_((MessageStatus.failed, MessageStatus.gave_up)),
                company_condition(actor),
            )
            .order_by(col(OutboxMessage.id).desc())
            .limit(limit)
        ).all()
    return [
        Notice(r.created_at, r.channel, r.subject, r.reason, r.status, r.recipient, r.last_error, name)
        for r, name in rows
    ]
