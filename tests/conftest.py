"""Fixtures: real databases per backend (SQLite always, PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import get_settings
from tests.databases import Backend, DatabaseFactory, backends, using
from tests.notify.servers import Gateway, SmtpServer

os.environ["ZONERISK_ENV"] = "test"
os.environ.setdefault(
    "ZONERISK_BACKUP_DIR", tempfile.mkdtemp(prefix="zr-safety-")
)  # a test key is allowed; no demo seeding: tests seed what they need

SMALL = (40, 4)  # companies, weekly rounds: enough for every role and status

# The files that run longest (`--durations`), started first: with `--dist loadfile` each worker takes
# the next file as it frees up, so a minute-long file collected last would leave the other worker
# idle while it runs. Longest first keeps both busy to the end (`.ci/run` passes
# `--no-loadscope-reorder`, or xdist would order files by their number of tests instead).
LONGEST_FIRST = (
    "tests/browser/test_walkthrough.py",
    "tests/browser/test_walkthrough_phone.py",
    "tests/test_load.py",
    "tests/browser/test_reload.py",
    "tests/browser/test_sessions.py",
    "tests/test_replicas.py",
    "tests/security/test_restore.py",
    "tests/browser/test_inspection_journey.py",
    "tests/browser/test_conditions_journey.py",
    "tests/browser/test_company_journey.py",
    "tests/api/test_served.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: n for n, path in enumerate(LONGEST_FIRST)}

    def weight(item: pytest.Item) -> int:
        return rank.get(item.nodeid.split("::", 1)[0], len(rank))

    items.sort(key=weight)  # stable: the rest keep their order


@pytest.fixture(scope="session", params=backends(), ids=lambda b: b.name)
def factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DatabaseFactory]:
    backend: Backend = request.param
    made = DatabaseFactory(backend, Path(tmp_path_factory.mktemp(f"db-{backend.name}")))
    yield made
    made.close()


@pytest.fixture
def seeded(factory: DatabaseFactory) -> Iterator[str]:
    """A private copy of a small seeded province; the services point at it during the test."""
    url = factory.copy_of(factory.template(*SMALL))
    with using(url):
        yield url
    factory.release(url)


@pytest.fixture
def empty_db(factory: DatabaseFactory) -> Iterator[str]:
    url = factory.empty()
    with using(url):
        yield url
    factory.release(url)


@pytest.fixture(autouse=True)
def _settings_read_afresh() -> Iterator[None]:
    """A test that changes the environment leaves no cached settings behind (torn down after
    monkeypatch has put the environment back)."""
    yield
    get_settings.cache_clear()


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        monkeypatch.setenv("ZONERISK_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ZONERISK_SMTP_PORT", str(server.port))
        monkeypatch.setenv("ZONERISK_SMTP_FROM", "zonerisk@bacgiang.gov.vn")
        monkeypatch.setenv("ZONERISK_SMTP_STARTTLS", "false")
        get_settings.cache_clear()
        yield server


@pytest.fixture
def sms(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    with Gateway() as gateway:
        monkeypatch.setenv("ZONERISK_SMS_URL", gateway.url)
        monkeypatch.setenv("ZONERISK_SMS_TOKEN", "sms-token")
        # a reply from localhost takes milliseconds; a short timeout here raced a busy machine's clock
        # (a message sent and answered, counted as not sent); hanging answers are tested with their own
        monkeypatch.setenv("ZONERISK_GATEWAY_TIMEOUT_SECONDS", "10")
        get_settings.cache_clear()
        yield gateway


@pytest.fixture
def no_reminders_yet(seeded: str) -> str:
    """The seeded province without its history of reminders: for tests of what gets sent, where
    the seed's past messages (which already hold this round's steps) would answer for them. Its
    overdue remediation actions go too, so that the officials' daily list of them (tested on its
    own) does not join every count of company reminders."""
    from sqlalchemy import delete

    from app.services.context import unit_of_work
    from db.models import OutboxMessage, RemediationAction

    with unit_of_work(write=True) as session:
        session.execute(delete(OutboxMessage))
        session.execute(delete(RemediationAction))
    return seeded
