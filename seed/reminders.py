"""The demo's history after the submissions: the officials' reviews of them, and the reminders the
shipped rules would have sent in the rounds so far."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.notify import planner, rules
from app.services.context import insert_rows
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
) -> None:
    """What the reminder rules would have sent in the rounds so far: each step to each company that
    had not filed by then, mostly delivered, a few refused, so the effect figures are not empty.
    Nothing is sent: the rows are history, status sent or failed."""
    loaded = rules.parse_rules(rules.shipped_rules_text())
    addressed: list[tuple[int, str, str]] = []  # (company, channel, recipient), fixed per company
    for cid, email, phone in session.exec(
        select(Company.id, Company.contact_email, Company.contact_phone)
    ).all():
        channel = "zalo" if cid and cid % 10 < 5 else "sms" if cid and cid % 10 < 8 else "email"
        recipient = contact_of(email, phone).address(channel)
        if cid is not None and recipient is not None:
            addressed.append((cid, channel, recipient))
    rows: list[dict[str, object]] = []
    for period in rounds:
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
                rows.append(
                    {
                        "dedup_key": f"reminder:{period.id}:c{cid}:{key}",
                        "company_id": cid,
                        "period_id": period.id,
                        "reason": MessageReason.reminder,
                        "step": key,
                        "channel": channel,
                        "recipient": recipient,
                        "template": template,
                        "lang": "vi",
                        "subject": subject,
                        "body": body,
                        "values": values,
                        "status": MessageStatus.failed if failed else MessageStatus.sent,
                        "attempts": 1,
                        # what each kind of gateway answers for a bad address (an email is no phone)
                        "last_error": (PROVIDER_ERROR[channel] if failed else ""),
                        "provider_id": "" if failed else f"seed-{len(rows) + 1}",
                        "created_by": "system",
                        "created_at": moment,
                        "next_attempt_at": moment,
                        "sent_at": None if failed else sent_at,
                    }
                )
                if len(rows) >= 5_000:
                    insert_rows(session, OutboxMessage, rows)
                    rows = []
    insert_rows(session, OutboxMessage, rows)


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
