"""The tests' own databases: a PostgreSQL copy put back for a later test is what a new copy of its
template would be, its rows and its sequences; a copy whose schema a test changed is never handed on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import SMALL
from tests.databases import DatabaseFactory, backends, database_name, libpq

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="copies are put back on PostgreSQL only"
)


@pytest.fixture
def postgresql(tmp_path: Path) -> Iterator[DatabaseFactory]:
    made = DatabaseFactory(backends()[1], tmp_path)
    yield made
    made.close()


def contents(url: str) -> dict[str, str]:
    """Every table's rows and every sequence's position, as text that differs if one value does."""
    with psycopg.connect(libpq(url)) as conn:
        found = {}
        listed = "SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace"
        for name, kind in conn.execute(listed + " AND relkind IN ('r', 'S')").fetchall():
            if kind == "S":
                found[name] = str(conn.execute(f'SELECT last_value, is_called FROM "{name}"').fetchone())
            else:
                digest = f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM \"{name}\" t"
                found[name] = str(conn.execute(digest).fetchone())
        return found


def run(url: str, *statements: str) -> None:
    with psycopg.connect(libpq(url)) as conn:
        for statement in statements:
            conn.execute(statement)


def test_a_copy_written_to_comes_back_as_its_template(postgresql: DatabaseFactory) -> None:
    template = postgresql.template(*SMALL)
    first = postgresql.copy_of(template)
    fresh = contents(first)
    run(
        first,
        "UPDATE company SET name = name || ' (đã sửa)'",
        "DELETE FROM outboxmessage",
        "INSERT INTO zone (id, name, district, kind) SELECT id || '-2', name, district, kind FROM zone",
        "SELECT nextval('assessment_id_seq'), nextval('assessment_id_seq')",
    )
    assert contents(first) != fresh  # the writes above did change what the comparison reads
    postgresql.release(first)
    postgresql.settled()
    second = postgresql.copy_of(template)
    # the same database, at an address of its own
    assert database_name(second) == database_name(first) and second != first
    assert contents(second) == fresh  # rows, and the next id a new copy would give
    postgresql.release(second)


def test_a_copy_whose_schema_changed_is_dropped(postgresql: DatabaseFactory) -> None:
    """An index and a table that a test made would go unnoticed by the rows' put-back (its COPY
    still fits), and would follow the copy into the next test: the catalog's change stops that."""
    template = postgresql.template(*SMALL)
    first = postgresql.copy_of(template)
    run(first, "CREATE INDEX zr_test_index ON company (name)", "CREATE TABLE zr_test_scratch (x int)")
    postgresql.release(first)
    postgresql.settled()
    second = postgresql.copy_of(template)
    assert database_name(second) != database_name(first)
    with psycopg.connect(libpq(postgresql.backend.admin_url or "")) as admin:
        gone = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database_name(first),))
        assert gone.fetchone() is None
    with psycopg.connect(libpq(second)) as conn:
        made = conn.execute("SELECT relname FROM pg_class WHERE relname LIKE 'zr_test_%'").fetchall()
    assert made == []
    postgresql.release(second)


def test_a_connection_left_open_in_a_transaction_does_not_keep_the_copy_dirty(
    postgresql: DatabaseFactory,
) -> None:
    """A test that ends holding a row lock (a process it started, a second engine) would block the
    put-back; it is ended first, and its uncommitted write is not what the next test reads."""
    template = postgresql.template(*SMALL)
    first = postgresql.copy_of(template)
    fresh = contents(first)
    left = psycopg.connect(libpq(first))
    left.execute("UPDATE company SET name = 'giữ khóa'")  # open transaction, rows locked
    postgresql.release(first)
    postgresql.settled()
    second = postgresql.copy_of(template)
    assert database_name(second) == database_name(first)
    assert contents(second) == fresh
    left.close()
    postgresql.release(second)
