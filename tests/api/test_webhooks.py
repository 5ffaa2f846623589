"""Webhooks against a receiving server started here: signed, retried after a 500, never sent
twice, scoped, and never on the path of the company that files."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from app.notify.webhook import SIGNATURE_HEADER, verify
from app.services.context import unit_of_work
from app.services.filing import assessments
from app.services.reminding import outbox
from db.models import utcnow
from tests.api.conftest import Issue, bearer
from tests.api.receiver import Receiver
from tests.services.helpers import GOOD_ANSWERS, actor


def _subscribe(api: TestClient, token: str, url: str, events: list[str]) -> dict[str, Any]:
    answer = api.post("/api/v1/webhooks", json={"url": url, "events": events}, headers=bearer(token))
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _file(api: TestClient, token: str, key: str) -> dict[str, Any]:
    rounds = api.get("/api/v1/rounds", headers=bearer(token)).json()["items"]
    round_id = next(r["id"] for r in rounds if not r["closed"])
    answer = api.post(
        "/api/v1/submissions",
        json={"round_id": round_id, "answers": GOOD_ANSWERS},
        headers=bearer(token) | {"Idempotency-Key": key},
    )
    assert answer.status_code in (200, 201), answer.text
    return dict(answer.json())


def _webhook_rows() -> list[Any]:
    with unit_of_work() as session:
        return list(
            session.execute(text("SELECT status, attempts FROM outboxmessage WHERE channel = 'webhook'"))
        )


def test_a_filing_reaches_the_receiver_signed_once_even_after_a_500(api: TestClient, issue: Issue) -> None:
    platform, company = issue("province"), issue("company", write=True)
    with Receiver() as receiver:
        subscription = _subscribe(api, platform, receiver.url, ["submitted", "approved"])
        receiver.answers.append(500)
        receiver.delay = 1.0  # a slow receiver: the filing below must not wait for it
        filed = _file(api, company, "k-1")
        assert receiver.received == []  # the filing answered before anything was delivered
        receiver.delay = 0.0
        first = outbox.drain(channels={"webhook": outbox.channels_from()["webhook"]})
        assert (first.sent, first.retrying) == (0, 1)
        assert outbox.drain().sent == 0  # not due yet: retried after its back-off
        later = utcnow() + timedelta(minutes=2)
        assert outbox.drain(now=later).sent == 1
        assert outbox.drain(now=later + timedelta(hours=1)).sent == 0  # never twice
        _file(api, company, "k-1")  # a retried filing with the same key announces nothing new
        assert outbox.drain(now=later + timedelta(hours=2)).sent == 0
    assert len(receiver.received) == 2  # the 500, then the delivery
    refused, delivered = receiver.received
    assert refused.body == delivered.body
    assert refused.headers["ZoneRisk-Delivery"] == delivered.headers["ZoneRisk-Delivery"]
    assert verify(subscription["secret"], delivered.headers[SIGNATURE_HEADER], delivered.body)
    assert not verify("whsec_other", delivered.headers[SIGNATURE_HEADER], delivered.body)
    assert not verify(subscription["secret"], delivered.headers[SIGNATURE_HEADER], delivered.body + b" ")
    event = json.loads(delivered.body)
    assert event["event"] == "submitted"
    assert event["data"]["submission_id"] == filed["id"] and event["data"]["level"] == filed["level"]
    assert _webhook_rows() == [("sent", 2)]


def test_a_replayed_delivery_fails_the_receivers_check(api: TestClient, issue: Issue) -> None:
    platform, company = issue("province"), issue("company", write=True)
    with Receiver() as receiver:
        subscription = _subscribe(api, platform, receiver.url, ["submitted"])
        _file(api, company, "k-2")
        outbox.drain()
    delivered = receiver.received[0]
    header = delivered.headers[SIGNATURE_HEADER]
    sent_at = int(header.split(",")[0][2:])
    assert verify(subscription["secret"], header, delivered.body, now=sent_at + 299)
    assert not verify(subscription["secret"], header, delivered.body, now=sent_at + 301)


def test_reviews_are_announced_and_scope_decides_who_hears(api: TestClient, issue: Issue) -> None:
    from sqlmodel import select

    from db.models import Company, Zone

    company = issue("company", write=True)
    with unit_of_work() as session:
        me = session.get(Company, actor("company").company_id)
        assert me is not None
        elsewhere = (
            session.execute(select(Zone.id).where(Zone.id != me.zone_id, Zone.kind == "industrial_zone"))
            .scalars()
            .first()
        )
    mine, other = issue("zones", areas=(me.zone_id,)), issue("zones", areas=(elsewhere,))
    with Receiver() as near, Receiver() as far:
        _subscribe(api, mine, near.url, ["returned", "submitted"])
        _subscribe(api, other, far.url, ["returned", "submitted"])
        filed = _file(api, company, "k-3")
        assessments.review(actor("zone_board"), filed["id"], "return", "Thiếu số liệu Bluezone")
        outbox.drain()
    assert far.received == []
    events = [json.loads(r.body) for r in near.received]
    assert [e["event"] for e in events] == ["submitted", "returned"]
    assert events[1]["data"]["comment"] == "Thiếu số liệu Bluezone"


def test_a_removed_subscription_receives_nothing_more(api: TestClient, issue: Issue) -> None:
    platform, company = issue("province"), issue("company", write=True)
    with Receiver() as receiver:
        subscription = _subscribe(api, platform, receiver.url, ["submitted"])
        assert (
            api.get("/api/v1/webhooks", headers=bearer(platform)).json()["items"][0]["id"]
            == subscription["id"]
        )
        assert (
            api.delete(f"/api/v1/webhooks/{subscription['id']}", headers=bearer(platform)).status_code == 204
        )
        assert (
            api.delete(f"/api/v1/webhooks/{subscription['id']}", headers=bearer(platform)).status_code == 404
        )
        _file(api, company, "k-4")
        outbox.drain()
    assert receiver.received == []


def test_a_subscription_needs_a_web_address_and_known_events(api: TestClient, issue: Issue) -> None:
    token = issue("province")
    for body in (
        {"url": "ftp://x.example/hook", "events": ["submitted"]},
        {"url": "https://x.example/hook", "events": ["deleted"]},
        {"url": "https://x.example/hook", "events": []},
    ):
        answer = api.post("/api/v1/webhooks", json=body, headers=bearer(token))
        assert answer.status_code == 422, body
        assert answer.headers["content-type"] == "application/problem+json"


def test_the_company_never_sees_the_platforms_deliveries_among_its_messages(
    api: TestClient, issue: Issue
) -> None:
    from app.services.reminding import reminder_effect

    platform, company = issue("province"), issue("company", write=True)
    with Receiver() as receiver:
        _subscribe(api, platform, receiver.url, ["submitted"])
        _file(api, company, "k-5")
        assert outbox.drain().sent == 1
    assert all(n.channel != "webhook" for n in reminder_effect.company_notices(actor("company"), limit=1000))
    assert receiver.url not in {
        n.recipient for n in reminder_effect.company_notices(actor("company"), limit=1000)
    }
