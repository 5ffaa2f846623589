"""The demo's history after the submissions: the officials' reviews of them, and the reminders the
shipped rules would have sent in the rounds so far."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.notify import planner, rules
from app.services.context import insert_columns
from app.services.reminding.reminder_states import contact_of
from app.vocabulary import MessageReason, MessageStatus
from db.models import Assessment, Company, OutboxMessage, Period, Review

PROVIDER_ERROR = {
    "email": "550 5.1.1 <mailbox unavailable>",
    "sms": "HTTP 400: invalid phone number",
    "zalo": "HTTP 400: invalid phone number",
}


def reminder_history(
    session: Session,
    rounds: list[Period],
    now: datetime,
    rng: random.Random,
    round_done: Callable[[int], None] = lambda _rounds: None,
) -> None:
    """What the reminder rules would have sent in the rounds so far: each step to each company that
    had not filed by then, mostly delivered, a few refused, so the effect figures are not empty.
    Nothing is sent: the rows are history, status sent or failed. `round_done` hears how many
    rounds are done."""
    loaded = rules.parse_rules(rules.shipped_rules_text())
    addressed: list[tuple[int, str, str]] = []  # (company, channel, recipient), fixed per company
    for cid, email, phone in session.exec(
        select(Company.id, Company.contact_email, Company.contact_phone)
    ).all():
        channel = "zalo" if cid and cid % 10 < 5 else "sms" if cid and cid % 10 < 8 else "email"
        recipient = contact_of(email, phone).address(channel)
        if cid is not None and recipient is not None:
            addressed.append((cid, channel, recipient))
    columns = _Columns()
    for n, period in enumerate(rounds, start=1):
        if period.id is None:
            continue
        steps = sorted(
            (moment, key, step.template, days)
            for step in loaded.rules.steps
            for key, moment, days in planner.occurrences(step, period.due_on)
            if moment <= now
        )
        filed_at = dict(  # one round at a time: memory stays flat in the number of rounds
            session.exec(
                select(Assessment.company_id, Assessment.first_submitted_at).where(
                    Assessment.period_id == period.id, col(Assessment.is_latest)
                )
            ).all()
        )
        texts: dict[tuple[str, str, int], tuple[dict[str, str], str, str]] = {}
        for cid, channel, recipient in addressed:
            filed = filed_at.get(cid)
            for moment, key, template, days in steps:
                if filed is not None and filed <= moment:
                    break
                if (template, channel, days) not in texts:  # the same words for every company
                    values = {
                        "round": period.name,
                        "due_date": f"{period.due_on:%d/%m/%Y}",
                        "days_overdue": str(max(days, 0)),
                    }
                    text = loaded.templates[template]
                    texts[(template, channel, days)] = (
                        values,
                        text.render("subject", "vi", values),
                        text.render(channel, "vi", values),
                    )
                values, subject, body = texts[(template, channel, days)]
                failed = rng.random() < 0.03
                sent_at = moment + timedelta(minutes=rng.uniform(0.5, 20))
                held = len(columns)  # the provider's ids count within each batch written
                columns.dedup_key.append(f"reminder:{period.id}:c{cid}:{key}")
                columns.company_id.append(cid)
                columns.period_id.append(period.id)
                columns.step.append(key)
                columns.channel.append(channel)
                columns.recipient.append(recipient)
                columns.template.append(template)
                columns.subject.append(subject)
                columns.body.append(body)
                columns.values.append(values)
                columns.status.append(MessageStatus.failed if failed else MessageStatus.sent)
                # what each kind of gateway answers for a bad address (an email is no phone)
                columns.last_error.append(PROVIDER_ERROR[channel] if failed else "")
                columns.provider_id.append("" if failed else f"seed-{held + 1}")
                columns.created_at.append(moment)
                columns.sent_at.append(None if failed else sent_at)
                if len(columns) >= 5_000:
                    columns.write(session)
        round_done(n)
    columns.write(session)


@dataclass
class _Columns:
    """The reminders not yet written, column by column (a million rows at 10,000 companies: no
    dict per row to build and take apart again)."""

    dedup_key: list[str] = field(default_factory=list)
    company_id: list[int] = field(default_factory=list)
    period_id: list[int] = field(default_factory=list)
    step: list[str] = field(default_factory=list)
    channel: list[str] = field(default_factory=list)
    recipient: list[str] = field(default_factory=list)
    template: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    values: list[dict[str, str]] = field(default_factory=list)
    status: list[MessageStatus] = field(default_factory=list)
    last_error: list[str] = field(default_factory=list)
    provider_id: list[str] = field(default_factory=list)
    created_at: list[datetime] = field(default_factory=list)
    sent_at: list[datetime | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.dedup_key)

    def write(self, session: Session) -> None:
        count = len(self)
        given = {f.name: getattr(self, f.name) for f in fields(self)}
        constant = {
            "reason": MessageReason.reminder,
            "lang": "vi",
            "attempts": 1,
            "created_by": "system",
        }
        insert_columns(
            session,
            OutboxMessage,
            given
            | {name: [value] * count for name, value in constant.items()}
            | {"next_attempt_at": self.created_at},
        )
        for f in fields(self):
            setattr(self, f.name, [])


REVIEW_CHUNK = 5_000


def store_reviews(session: Session, reviews: list[dict[str, Any]], period_id: int) -> None:
    """Each review of a round against the submission that counts for its company in it."""
    ids = {
        (company_id, round_id): assessment_id
        for assessment_id, company_id, round_id in session.exec(
            select(Assessment.id, Assessment.company_id, Assessment.period_id).where(
                col(Assessment.is_latest), Assessment.period_id == period_id
            )
        ).all()
    }
    for start in range(0, len(reviews), REVIEW_CHUNK):  # 40,000 reviews a round at 50k companies
        session.execute(
            insert(Review),
            [
                {
                    "assessment_id": ids[(r["company_id"], r["period_id"])],
                    "official_id": r["official_id"],
                    "decision": r["decision"],
                    "comment": r["comment"],
                    "at": r["at"],
                }
                for r in reviews[start : start + REVIEW_CHUNK]
            ],
        )
