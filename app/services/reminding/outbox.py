"""The sender: drains the outbox with retries and exponential back-off, sends each message once.

A batch is claimed in a short transaction (PostgreSQL: FOR UPDATE SKIP LOCKED, so two senders
take different rows; SQLite: the write lock), sent outside any transaction, each message recorded
in a short transaction of its own as soon as its answer is in. A sender that dies mid-batch leaves
its claims to expire; the next sender sends again only the one message that was in flight, with
the same deduplication key, which the gateway recognises.

No message can jam the outbox: one that cannot be rendered, or whose answer cannot be read, is
recorded as failed with the reason, once, and the batch goes on. A channel whose settings are
wrong (`ConfigurationError`) is stopped for the run, its messages left queued untried, and the
report says what is wrong and which setting fixes it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from app.config import Settings, get_settings
from app.notify.channels import (
    Channel,
    ConfigurationError,
    EmailChannel,
    Outgoing,
    PermanentFailure,
    SmsGateway,
    TemporaryFailure,
    ZaloZns,
)
from app.services.context import unit_of_work
from app.services.integration import webhooks
from app.vocabulary import MessageStatus
from db.models import OutboxMessage

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=6)
CHANNEL_DOWN_AFTER = 3  # temporary failures in a row on one channel: leave the rest for later


def channels_from(settings: Settings | None = None) -> dict[str, Channel]:
    """The adapters for the channels that are configured, built from the settings."""
    s = settings or get_settings()
    made: dict[str, Channel] = {}
    if s.smtp_host and s.smtp_from:
        made["email"] = EmailChannel(
            s.smtp_host,
            s.smtp_port,
            s.smtp_from,
            s.smtp_user,
            s.smtp_password,
            s.smtp_starttls,
            s.gateway_timeout_seconds,
        )
    if s.sms_url and s.sms_token:
        made["sms"] = SmsGateway(s.sms_url, s.sms_token, s.sms_sender, s.gateway_timeout_seconds)
    if s.zalo_url and s.zalo_token:
        made["zalo"] = ZaloZns(s.zalo_url, s.zalo_token, s.zalo_templates, s.gateway_timeout_seconds)
    made["webhook"] = webhooks.channel(min(s.gateway_timeout_seconds, 5.0))  # needs no settings
    return made


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most six hours."""
    delay: timedelta = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(delay, LAST_RETRY)


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0  # refused for good, or given up after the last attempt
    retrying: int = 0  # a temporary failure: queued again for later
    waiting: int = 0  # queued on a channel that is not configured here, or left while a channel is down
    # channel → what is wrong with its settings and which one fixes it (nothing went on it)
    misconfigured: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Claimed:
    """A claimed message, as the sender needs it (plain values: no ORM objects on the hot path)."""

    id: int
    channel: str
    recipient: str
    subject: str
    body: str
    dedup_key: str
    template: str
    values: dict[str, object]
    attempts: int


TABLE = OutboxMessage.__table__  # type: ignore[attr-defined]  # SQLModel's table, typed as Any
CLAIMED_COLUMNS = [TABLE.c[name] for name in Claimed.__dataclass_fields__]


def _claim(
    now: datetime, channels: set[str], limit: int, token: str, only: frozenset[str] | None = None
) -> list[Claimed]:
    """One statement: take up to `limit` due messages nobody holds, mark them ours for a lease,
    return them. PostgreSQL skips rows another sender has locked; SQLite's write lock serialises."""
    with unit_of_work(write=True) as session:
        real_now = datetime.now(UTC)
        due = (
            sa_select(TABLE.c.id)
            .where(
                TABLE.c.status == MessageStatus.queued,
                TABLE.c.next_attempt_at <= now,
                TABLE.c.channel.in_(channels),
                or_(TABLE.c.claimed_until.is_(None), TABLE.c.claimed_until < real_now),
            )
            .order_by(TABLE.c.id)
            .limit(limit)
        )
        if only is not None:
            due = due.where(TABLE.c.dedup_key.in_(only))
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        taken = session.execute(
            update(TABLE)
            .where(TABLE.c.id.in_(due.scalar_subquery()))
            .values(claim=token, claimed_until=real_now + LEASE)
            .returning(*CLAIMED_COLUMNS)
        ).all()
    return sorted((Claimed(*row) for row in taken), key=lambda c: c.id)


Outcome = tuple[str, str, str]  # status (sent, failed, retry, released), error, provider id
RECORD = (
    update(TABLE)
    .where(TABLE.c.id == bindparam("message_id"), TABLE.c.claim == bindparam("token"))
    .values(
        status=bindparam("new_status"),
        attempts=bindparam("new_attempts"),
        last_error=bindparam("error"),
        provider_id=bindparam("provider"),
        sent_at=bindparam("sent"),
        next_attempt_at=bindparam("next_at"),
        claim=None,
        claimed_until=None,
    )
)


def _record(
    outcomes: Mapping[int, Outcome],
    rows: Mapping[int, Claimed],
    token: str,
    now: datetime,
    max_attempts: int,
    report: DrainReport,
) -> None:
    """Every result of a batch in one executemany; a row whose claim expired and was taken by
    another sender is left to that sender (the claim no longer matches)."""
    params = []
    for message_id, (outcome, error, provider_id) in outcomes.items():
        row = rows[message_id]
        attempts = row.attempts + 1
        values = {
            "message_id": message_id,
            "token": token,
            "error": error[:500],
            "provider": "",
            "sent": None,
            "next_at": now,
            "new_attempts": attempts,
            "new_status": MessageStatus.queued,
        }
        if outcome == "sent":
            values |= {"new_status": MessageStatus.sent, "sent": now, "provider": provider_id[:200]}
            report.sent += 1
        elif outcome == "failed" or (outcome == "retry" and attempts >= max_attempts):
            values |= {"new_status": MessageStatus.failed if outcome == "failed" else MessageStatus.gave_up}
            report.failed += 1
        elif outcome == "retry":
            values |= {"next_at": now + retry_delay(attempts)}
            report.retrying += 1
        else:  # released untried: the channel is down in this run
            values |= {"new_attempts": row.attempts, "error": ""}
            report.waiting += 1
        params.append(values)
    if params:
        with unit_of_work(write=True) as session:
            session.execute(RECORD, params)


def drain(
    now: datetime | None = None,
    channels: Mapping[str, Channel] | None = None,
    batch: int = 500,
    progress: Callable[[DrainReport], None] | None = None,
    only: frozenset[str] | None = None,
) -> DrainReport:
    """Send every message that is due at `now` (default: this moment) on the configured channels;
    with `only`, just those deduplication keys (a page sends what its user queued, not the backlog)."""
    now = now or datetime.now(UTC)
    adapters = dict(channels if channels is not None else channels_from())
    max_attempts = get_settings().reminder_max_attempts
    report = DrainReport()
    token = uuid.uuid4().hex
    down: set[str] = set()
    try:
        while live := set(adapters) - down:
            claimed = _claim(now, live, batch, token, only)
            if not claimed:
                break
            rows = {r.id: r for r in claimed}
            released: dict[int, Outcome] = {}
            failures_in_a_row: dict[str, int] = {}
            for row in claimed:
                if row.channel in down:
                    released[row.id] = ("released", "", "")
                    continue
                try:
                    outcome = _send(adapters[row.channel], row)
                except ConfigurationError as wrong:
                    report.misconfigured[row.channel] = str(wrong)
                    down.add(row.channel)
                    released[row.id] = ("released", "", "")
                    continue
                # recorded now, not with the batch: a sender killed later re-sends nothing of it
                _record({row.id: outcome}, rows, token, now, max_attempts, report)
                if outcome[0] == "retry":
                    failures_in_a_row[row.channel] = failures_in_a_row.get(row.channel, 0) + 1
                    if failures_in_a_row[row.channel] >= CHANNEL_DOWN_AFTER:
                        down.add(row.channel)
                else:
                    failures_in_a_row[row.channel] = 0
            _record(released, rows, token, now, max_attempts, report)
            if progress:
                progress(report)
    finally:
        for adapter in adapters.values():
            adapter.close()
    report.waiting += waiting(now, set(adapters))  # on channels not configured here
    return report


def _send(channel: Channel, row: Claimed) -> Outcome:
    message = Outgoing(
        row.channel,
        row.recipient,
        row.subject,
        row.body,
        row.dedup_key,
        row.template,
        {k: str(v) for k, v in (row.values or {}).items()},
    )
    try:
        return ("sent", "", channel.send(message).provider_id)
    except PermanentFailure as error:
        return ("failed", str(error), "")
    except TemporaryFailure as error:
        return ("retry", str(error), "")
    except ConfigurationError:
        raise
    except Exception as error:
        return ("failed", f"could not be sent: {type(error).__name__}: {error}", "")


def waiting(now: datetime, able: set[str]) -> int:
    """Messages due now that no channel configured here can send: shown, never silently dropped."""
    with unit_of_work() as session:
        query = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.queued, col(OutboxMessage.next_attempt_at) <= now)
        )
        if able:
            query = query.where(col(OutboxMessage.channel).not_in(able))
        return int(session.exec(query).one())
