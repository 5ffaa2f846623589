"""Webhook subscriptions and the events they receive. An event is written to the outbox in the
unit of work of the change that caused it (a submission, a review, an inspection), so that a
rolled-back change announces nothing and a committed one is announced even if the receiver is
down; the sender (`outbox.drain`, the worker) delivers it with retries, outside any request, so a
slow receiver never holds up the company that files."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import insert, select
from sqlmodel import Session, col

from app.notify.webhook import WebhookChannel
from app.services.context import reading, writing
from app.services.errors import Invalid, NotFound
from app.services.integration.clients import ClientView, _view
from app.services.scope import company_condition
from app.vocabulary import MessageReason, MessageStatus
from db.models import ApiClient, Company, OutboxMessage, WebhookSubscription, as_utc, utcnow

EVENTS = ("submitted", "returned", "approved", "inspected")


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    url: str
    events: tuple[str, ...]
    active: bool
    created_at: datetime


def _view_of(row: WebhookSubscription) -> SubscriptionView:
    assert row.id is not None
    return SubscriptionView(row.id, row.url, tuple(row.events), row.active, as_utc(row.created_at))


def subscribe(
    client: ClientView, url: str, events: list[str], *, session: Session | None = None
) -> tuple[SubscriptionView, str]:
    """A new subscription and its signing secret, returned here only."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise Invalid.said("webhooks.bad_url", field="url")
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise Invalid.said("webhooks.bad_events", events=", ".join(unknown) or "[]", field="events")
    secret = "whsec_" + secrets.token_urlsafe(32)
    with writing(session) as session:
        row = WebhookSubscription(client_id=client.id, url=url, events=sorted(set(events)), secret=secret)
        session.add(row)
        session.flush()
        return _view_of(row), secret


def subscriptions(client: ClientView, *, session: Session | None = None) -> list[SubscriptionView]:
    with reading(session) as session:
        rows = session.execute(
            select(WebhookSubscription)
            .where(col(WebhookSubscription.client_id) == client.id, col(WebhookSubscription.active))
            .order_by(col(WebhookSubscription.id))
        ).scalars()
        return [_view_of(r) for r in rows]


def unsubscribe(client: ClientView, subscription_id: int, *, session: Session | None = None) -> None:
    with writing(session) as session:
        row = session.get(WebhookSubscription, subscription_id)
        if row is None or row.client_id != client.id or not row.active:
            raise NotFound.said("webhooks.unknown")
        row.active = False
        session.add(row)


def announce(session: Session, event: str, company_id: int, data: Callable[[], dict[str, Any]]) -> int:
    """Queue `event` about a company for every active subscription that wants it and whose client
    may see that company now; `data` is called only when someone listens. Returns how many
    deliveries were queued."""
    found = session.execute(
        select(WebhookSubscription, ApiClient)
        .join(ApiClient, col(ApiClient.id) == WebhookSubscription.client_id)
        .where(col(WebhookSubscription.active), col(ApiClient.revoked_at).is_(None))
    ).all()
    if not found:
        return 0
    now = utcnow()
    payload: dict[str, Any] | None = None
    rows: list[dict[str, Any]] = []
    for subscription, client_row in found:
        if event not in subscription.events:
            continue
        client = _view(client_row, None)
        if not client.active_at(now):
            continue
        visible = session.execute(
            select(col(Company.id)).where(col(Company.id) == company_id, company_condition(client.actor))
        ).first()
        if visible is None:
            continue
        delivery = uuid.uuid4().hex
        payload = payload if payload is not None else data()
        body = json.dumps(
            {"id": delivery, "event": event, "occurred_at": now.isoformat(), "data": payload},
            ensure_ascii=False,
            sort_keys=True,
        )
        rows.append(
            {
                "dedup_key": f"webhook:{subscription.id}:{delivery}",
                "company_id": company_id,
                "reason": MessageReason.webhook,
                "step": event,
                "channel": "webhook",
                "recipient": subscription.url,
                "template": event,
                "lang": "vi",
                "subject": "",
                "body": body,
                "values": {"subscription": str(subscription.id)},
                "status": MessageStatus.queued,
                "attempts": 0,
                "last_error": "",
                "provider_id": "",
                "created_by": "system",
                "created_at": now,
                "next_attempt_at": now,
            }
        )
    if rows:
        session.execute(insert(OutboxMessage), rows)
    return len(rows)


def _secret_of(subscription_id: str) -> str | None:
    if not subscription_id.isdigit():
        return None
    with reading(None) as session:
        row = session.get(WebhookSubscription, int(subscription_id))
        return row.secret if row is not None and row.active else None


def channel(timeout: float = 5.0) -> WebhookChannel:
    """The sender's webhook channel: secrets looked up by subscription as each message goes."""
    return WebhookChannel(secret_of=_secret_of, timeout=timeout)


def submission_event(session: Session, assessment_id: int) -> dict[str, Any]:
    """What a receiver learns of a submission: enough to act, the rest by the API."""
    from db.models import Assessment, Period

    row = session.execute(
        select(
            col(Assessment.id),
            col(Company.tax_code),
            col(Assessment.period_id),
            col(Period.name),
            col(Assessment.status),
            col(Assessment.total),
            col(Assessment.max_total),
            col(Assessment.risk_index),
            col(Assessment.level),
            col(Assessment.may_operate),
        )
        .join(Company, col(Company.id) == Assessment.company_id)
        .join(Period, col(Period.id) == Assessment.period_id)
        .where(col(Assessment.id) == assessment_id)
    ).one()
    keys = ["submission_id", "tax_code", "round_id", "round", "status", "total", "max_total", "risk_index"]
    keys += ["level", "may_operate"]
    return dict(zip(keys, row, strict=True))
