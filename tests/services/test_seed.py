"""The demo province is deterministic and shaped like BAC-GIANG.md."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from app.services.context import unit_of_work
from db.migrate import upgrade
from db.models import Assessment, Company, Zone
from seed.build import build
from tests.databases import SEED_START, DatabaseFactory, scalar


def _fingerprint() -> tuple[Any, ...]:
    with unit_of_work() as session:
        companies = session.exec(
            select(Company.tax_code, Company.name, Company.workers).order_by(Company.tax_code)
        ).all()
        scores = session.exec(
            select(Assessment.company_id, Assessment.period_id, Assessment.total).order_by(
                col(Assessment.company_id), col(Assessment.period_id)
            )
        ).all()
    return tuple(companies), tuple(scores)


def test_same_seed_same_province(factory: DatabaseFactory, empty_db: str) -> None:
    upgrade(empty_db)
    build(companies=30, periods=3, start=SEED_START)
    first = _fingerprint()
    other = factory.empty()
    from tests.databases import using

    with using(other):
        upgrade(other)
        build(companies=30, periods=3, start=SEED_START)
        assert _fingerprint() == first
    factory.release(other)


@pytest.mark.parametrize("chunk", [2_000, 50])  # 50: companies, reviews and action plans in chunks
def test_the_seed_writes_what_it_always_wrote(
    empty_db: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every table of a 120 × 8 seed, row for row, as the seed wrote it before it moved to bulk
    writes (`tests/data/seed_120x8.json`, recorded at 362707f on SQLite and equal on PostgreSQL):
    a faster seed may not change the demo, the tests' templates or the benchmarks' databases.
    One change since, on purpose (issue 27): tax codes carry their check digit, so `company` and
    the `auditevent` rows that record each company's creation were recorded again; every other
    table is as it was (issue 28's area levels are a new table, empty unless the demo's round under
    the operating conditions is asked for). Since issue 27's last bullet the districts carry their GSO
    codes: `zone` and the `auditevent` rows of each zone's creation were recorded again."""
    import json
    from pathlib import Path

    import seed.build
    import seed.inspections
    from tests.seed_fingerprint import fingerprint

    monkeypatch.setattr(seed.build, "COMPANY_CHUNK", chunk)
    monkeypatch.setattr(seed.inspections, "FILER_CHUNK", chunk)  # the action plans' filers too
    upgrade(empty_db)
    build(companies=120, periods=8, start=SEED_START)
    recorded = json.loads((Path(__file__).parent.parent / "data" / "seed_120x8.json").read_text())
    found = fingerprint(empty_db)
    assert {t: d for t, d in found.items() if recorded.get(t) != d} == {}


def test_province_shape(seeded: str) -> None:
    with unit_of_work() as session:
        zones = session.exec(select(Zone)).all()
    assert sum(z.kind == "industrial_zone" for z in zones) == 6
    assert sum(z.kind == "district" for z in zones) == 10
    inside = scalar(
        seeded,
        "SELECT count(*) FROM company c JOIN zone z ON z.id = c.zone_id WHERE z.kind = 'industrial_zone'",
    )
    total = scalar(seeded, "SELECT count(*) FROM company")
    assert 0.65 <= inside / total <= 0.95
    assert scalar(seeded, "SELECT count(*) FROM company WHERE tax_code NOT LIKE '24%'") == 0
    late = scalar(
        seeded,
        "SELECT count(*) FROM assessment a JOIN period p ON p.id = a.period_id "
        "WHERE a.first_submitted_at > p.due_at",
    )
    assert late and late > 0  # some companies file late
    for role in ("company", "zone_board", "labour", "ict", "admin"):
        assert scalar(seeded, "SELECT count(*) FROM app_user WHERE role = :r", r=role) == 1


def test_the_seeded_history_of_reminders_leaves_the_current_round_to_the_worker(seeded: str) -> None:
    """Past rounds hold what the rules would have sent (mostly delivered, a few refused); the
    current round holds nothing yet, so `remind send` on its due day has something to send."""
    current = scalar(seeded, "SELECT id FROM period ORDER BY opens_on DESC LIMIT 1")
    assert scalar(seeded, "SELECT count(*) FROM outboxmessage WHERE period_id = :p", p=current) == 0
    sent = scalar(seeded, "SELECT count(*) FROM outboxmessage WHERE status = 'sent'")
    failed = scalar(seeded, "SELECT count(*) FROM outboxmessage WHERE status = 'failed'")
    assert sent and failed and failed < sent
    never_after_filing = scalar(
        seeded,
        """SELECT count(*) FROM outboxmessage o JOIN assessment a
           ON a.company_id = o.company_id AND a.period_id = o.period_id AND a.is_latest
           WHERE o.reason = 'reminder' AND a.first_submitted_at <= o.created_at""",
    )
    assert never_after_filing == 0  # nobody is reminded of a round they had already filed


def test_the_demo_writes_nothing_after_its_own_now(empty_db: str) -> None:
    """The demo's rounds end this week: no inspection, audit event or submission is dated later
    than the moment it was seeded (six of a round's 'done' inspections were dated next week)."""
    from datetime import UTC, datetime

    from db.models import AuditEvent, Inspection, as_utc

    upgrade(empty_db)
    build(companies=60, periods=4)  # the demo's calendar: rounds ending this week
    seeded_at = datetime.now(UTC)
    with unit_of_work() as session:
        visited = [v for v in session.exec(select(col(Inspection.visited_on))).all() if v is not None]
        latest = [
            session.exec(select(func.max(column))).one()
            for column in (Inspection.completed_at, AuditEvent.at, Assessment.submitted_at)
        ]
    assert visited, "the demo has inspections"
    assert max(visited) < seeded_at.date() or max(visited) == seeded_at.date()
    assert all(moment is not None and as_utc(moment) <= seeded_at for moment in latest), latest


def test_the_demo_files_a_round_under_the_operating_conditions(empty_db: str) -> None:
    """The demo's second kind of rule set: a round under bg-kcn-dk-2021 beside the current one, the
    outbreak areas at level 3, and zone companies filing against it; where screening was asked and
    failed, the company may not operate; where the area is at level 1, screening was not asked."""
    from sqlalchemy import text

    from app.services.context import unit_of_work

    upgrade(empty_db)
    build(companies=60, periods=2, start=SEED_START, with_conditions_round=True)
    with unit_of_work() as session:
        rows = session.execute(
            text(
                "SELECT a.answers, a.may_operate, a.score FROM assessment a "
                "WHERE a.ruleset_id = 'bg-kcn-dk-2021' AND a.is_latest"
            )
        ).all()
        levels = session.execute(text("SELECT zone_id, level FROM areaepidemiclevel")).all()
    assert ("kcn-quang-chau", 3) in [tuple(r) for r in levels]
    assert len(rows) >= 10
    import json

    filed = [
        (json.loads(a) if isinstance(a, str) else a, m, json.loads(s) if isinstance(s, str) else s)
        for a, m, s in rows
    ]
    for answers, may_operate, score in filed:
        asked = "screening_interval_days" in answers
        assert asked == (answers["epidemic_level"] in ("3", "4"))
        if "screening_every_7_days" in score["failed_conditions"]:
            assert not may_operate and score["compliance"] == "non_compliant"
    assert {a["epidemic_level"] for a, _, _ in filed} >= {"1", "3"}
