"""Reads and writes kept apart: with ZONERISK_READ_DATABASE_URL set, the pages' reads go to that
database and every write to the primary, so a PostgreSQL streaming replica can take the
dashboards. The "replica" here is the same database opened read-only (PostgreSQL:
default_transaction_read_only; SQLite: mode=ro), so a write that strayed onto it would fail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.config import database_override, get_settings
from app.services.context import engine, unit_of_work
from app.services.filing import assessments
from tests.pages.apptest import logged_in
from tests.services.helpers import GOOD_ANSWERS, actor, latest_period_id

WRITES = ("INSERT", "UPDATE", "DELETE")


def read_only_twin(url: str) -> str:
    if url.startswith("sqlite:///"):
        return f"sqlite:///file:{url[len('sqlite:///') :]}?mode=ro&uri=true"
    twin = sa.make_url(url).update_query_dict({"options": "-c default_transaction_read_only=on"})
    return twin.render_as_string(hide_password=False)


@contextmanager
def recorded(bind: sa.Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def listener(*args: object) -> None:
        statements.append(str(args[2]).lstrip().upper())

    sa.event.listen(bind, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(bind, "before_cursor_execute", listener)


def test_the_read_url_defaults_to_the_primary(seeded: str) -> None:
    assert get_settings().resolved_read_database_url() == seeded
    assert engine(read=True) is engine()


def test_pages_read_from_the_replica_and_write_to_the_primary(seeded: str) -> None:
    with database_override(seeded, read_only_twin(seeded)):
        primary, replica = engine(), engine(read=True)
        assert primary is not replica
        with recorded(primary) as on_primary, recorded(replica) as on_replica:
            board = logged_in("demo.zoneboard")  # login (a write: the audit) and the Overview
            assert not board.exception, board.exception
            board.switch_page("app/pages/lists.py").run()
            assert not board.exception, board.exception
            me = actor("company")
            draft = assessments.start_draft(me, latest_period_id())
            assessments.save_draft(me, draft.id, GOOD_ANSWERS)
            done = assessments.submit(me, draft.id, "wired")
            assessments.review(actor("zone_board"), done.id, "approve")
            board.switch_page("app/pages/overview.py").run()
            assert not board.exception, board.exception
        assert any(s.startswith("SELECT") for s in on_replica)
        assert any("DATAVERSION" in s for s in on_replica)  # the cache key's version: the replica's own
        assert not [s for s in on_replica if s.startswith(WRITES)]
        assert any(s.startswith(WRITES) for s in on_primary)


def test_the_replica_refuses_a_write_that_strays_onto_it(seeded: str) -> None:
    with database_override(seeded, read_only_twin(seeded)):
        with pytest.raises(DBAPIError), unit_of_work(read_only=True) as session:
            session.execute(sa.text("UPDATE company SET workers = workers"))
        engine(read=True).dispose()
