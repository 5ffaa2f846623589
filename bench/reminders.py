"""Reminders at province scale: plan and queue a round's reminders for 10,000 companies, and drain
10,000 queued messages through a real HTTP gateway on localhost.

Baselines: for planning, one hand-written `INSERT … SELECT` that queues every non-filer with a fixed
text (what a cron job in SQL would do, with no rules, channels or wording); for sending, the same
number of bare JSON POSTs to the same gateway over one kept-alive connection (the floor any sender
pays). SQLite always; PostgreSQL when reachable."""

from __future__ import annotations

import http.client
import json
import os
from datetime import date, timedelta

import sqlalchemy as sa

from app.config import ROOT, database_override, get_settings
from app.notify import planner
from app.notify.channels import Channel, SmsGateway
from app.services.reminding import outbox, reminders
from bench.harness import Figure, best_of
from bench.monitoring import _ensure_seeded, _postgres_url
from db.engine import get_engine
from db.models import OutboxMessage
from tests.notify.servers import Gateway

START = date(2021, 5, 17)

HAND_QUEUE = """
INSERT INTO outboxmessage (dedup_key, company_id, period_id, reason, step, channel, recipient, template,
    lang, subject, body, "values", status, attempts, last_error, provider_id, created_by, created_at,
    next_attempt_at)
SELECT 'reminder:' || pc.period_id || ':' || 'c' || c.id || ':' || 'due_day', c.id, pc.period_id, 'reminder',
    'due_day', 'email', c.contact_email, 'due_today', 'vi', 'Nhắc nộp',
    'Doanh nghiệp chưa nộp bản tự đánh giá.', '{{}}', 'queued', 0, '', '', 'bench', :now, :now
FROM periodcompany pc JOIN company c ON c.id = pc.company_id
LEFT JOIN assessment a ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND {latest}
WHERE pc.period_id = :period AND a.id IS NULL
"""


def _clear(url: str) -> None:
    with get_engine(url).begin() as conn:
        conn.execute(sa.text("DELETE FROM outboxmessage"))


def _figures(label: str, url: str, companies: int, messages: int) -> list[Figure]:
    _ensure_seeded(url, companies, 1)
    engine = get_engine(url)
    with engine.connect() as conn:
        period_id, due_on = conn.execute(
            sa.text("SELECT id, due_on FROM period ORDER BY opens_on DESC LIMIT 1")
        ).one()
    due = date.fromisoformat(str(due_on)[:10])
    moment = planner.local_moment(due, "09:00")
    latest = "a.is_latest = 1" if url.startswith("sqlite") else "a.is_latest"
    scale = f"{companies // 1000}k" if companies >= 1000 else str(companies)
    with database_override(url), Gateway() as gateway:
        os.environ.update({"ZONERISK_SMTP_HOST": "127.0.0.1", "ZONERISK_SMTP_FROM": "bench@zonerisk"})
        get_settings.cache_clear()

        def plan_and_queue() -> None:
            _clear(url)
            reminders.queue(reminders.plan(moment, period_id))

        def hand_queue() -> None:
            _clear(url)
            with engine.begin() as conn:
                conn.execute(sa.text(HAND_QUEUE.format(latest=latest)), {"period": period_id, "now": moment})

        plan_time = best_of(3, plan_and_queue)
        with engine.connect() as conn:
            queued = conn.execute(sa.text("SELECT count(*) FROM outboxmessage")).scalar_one()
        hand_time = best_of(3, hand_queue)

        rows = [
            {
                "dedup_key": f"bench:{n}",
                "reason": "reminder",
                "step": "due_day",
                "channel": "sms",
                "recipient": f"+8491{n:07d}",
                "template": "due_today",
                "lang": "vi",
                "subject": "",
                "body": "ZoneRisk: HOM NAY la han nop tu danh gia Tuan 27/2021. Nop tai https://zonerisk.bacgiang.gov.vn",
                "values": {},
                "status": "queued",
                "attempts": 0,
                "last_error": "",
                "provider_id": "",
                "created_by": "bench",
                "created_at": moment,
                "next_attempt_at": moment,
            }
            for n in range(messages)
        ]

        def fill() -> None:
            _clear(url)
            with engine.begin() as conn:
                conn.execute(sa.insert(OutboxMessage), rows)

        sms: dict[str, Channel] = {"sms": SmsGateway(gateway.url, "token", timeout=5)}
        drain_time = float("inf")
        for _ in range(3):
            fill()
            drain_time = min(drain_time, best_of(1, lambda: outbox.drain(moment + timedelta(minutes=1), sms)))
        with engine.connect() as conn:
            sent = conn.execute(
                sa.text("SELECT count(*) FROM outboxmessage WHERE status = 'sent'")
            ).scalar_one()
        if sent != messages:
            raise AssertionError(f"drained {sent} of {messages}")

        host, port = gateway.server.server_address[:2]

        def bare_posts() -> None:
            connection = http.client.HTTPConnection(str(host), int(port), timeout=5)
            for row in rows:
                body = json.dumps(
                    {"to": row["recipient"], "text": row["body"], "reference": row["dedup_key"]}
                )
                connection.request(
                    "POST",
                    "/send",
                    body,
                    {"Content-Type": "application/json", "Idempotency-Key": str(row["dedup_key"])},
                )
                connection.getresponse().read()
            connection.close()

        posts_time = best_of(3, bare_posts)
    return [
        Figure(
            f"reminders.plan+queue[{label} {scale}]",
            plan_time,
            hand_time,
            f"{queued:,} messages; baseline INSERT…SELECT",
        ),
        Figure(
            f"reminders.drain[{label} {messages:,}]",
            drain_time,
            posts_time,
            "baseline: bare POSTs, one connection",
        ),
    ]


def run(quick: bool) -> list[Figure]:
    companies, messages = (1_000, 1_000) if quick else (10_000, 10_000)
    sqlite = f"sqlite:///{ROOT / 'data' / 'bench' / f'reminders-{companies}.db'}"
    (ROOT / "data" / "bench").mkdir(parents=True, exist_ok=True)
    figures = _figures("sqlite", sqlite, companies, messages)
    postgres = _postgres_url(f"zonerisk_bench_reminders_{companies}")
    if postgres:
        figures += _figures("postgresql", postgres, companies, messages)
    return figures
