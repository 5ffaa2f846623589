"""Real databases for the tests: SQLite files, and PostgreSQL when TEST_DATABASE_URL is set.

A migrated and seeded template is built once per backend; each test that writes gets its own copy
(a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL), so tests never see each other's
writes and never mock the database. On PostgreSQL a used copy is put back as its template was (its
rows and sequences) and handed to a later test, unless the test changed its schema: 25 ms against
170 ms to create and drop a database, for some 400 tests a run.
"""

from __future__ import annotations

import os
import queue
import shutil
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from app.config import database_override
from db.engine import get_engine, normalise_url

SEED_START = date(2021, 5, 17)  # the Bắc Giang calendar, so dates in tests never move


@dataclass(frozen=True)
class Backend:
    name: str
    admin_url: str | None  # PostgreSQL: where CREATE DATABASE is issued


def backends() -> list[Backend]:
    found = [Backend("sqlite", None)]
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        found.append(Backend("postgresql", normalise_url(url)))
    return found


# What a test's DDL changes: the catalog rows of tables, columns, defaults, constraints, indexes,
# triggers, functions, types and schemas. Each row a DDL statement writes gets that statement's
# transaction id (xmin), so the count and the sum of xmins change with it; VACUUM and ANALYZE update
# pg_class in place, without a new xmin, and so leave them alone.
CATALOG = ", ".join(
    f"(SELECT count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) FROM {table})"
    for table in (
        "pg_class",
        "pg_attribute",
        "pg_attrdef",
        "pg_constraint",
        "pg_index",
        "pg_trigger",
        "pg_proc",
        "pg_type",
        "pg_namespace",
        "pg_sequence",
    )
)


@dataclass(frozen=True)
class Pristine:
    """A PostgreSQL template as its copies start: each table's rows (COPY's binary form), each
    sequence's position, its catalog's fingerprint and its size."""

    tables: tuple[tuple[str, bytes], ...]
    sequences: tuple[tuple[str, int, bool], ...]
    catalog: tuple[str, ...]
    size: int


def libpq(url: str) -> str:
    """The SQLAlchemy URL as libpq reads it (psycopg, pg_dump)."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def read_pristine(url: str) -> Pristine:
    """Read once per template, right after its seed: what every copy of it must hold again."""
    with psycopg.connect(libpq(url)) as conn:
        names = [
            str(name)
            for (name,) in conn.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relkind = 'r' ORDER BY relname"
            )
        ]
        tables = []
        for name in names:
            data = bytearray()
            with conn.cursor().copy(f'COPY "{name}" TO STDOUT (FORMAT binary)') as copy:
                for block in copy:
                    data += block
            tables.append((name, bytes(data)))
        sequences = []
        for (name,) in conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'S' "
            "ORDER BY relname"
        ).fetchall():
            position = conn.execute(f'SELECT last_value, is_called FROM "{name}"').fetchone()
            assert position is not None
            sequences.append((str(name), int(position[0]), bool(position[1])))
        catalog = conn.execute(f"SELECT {CATALOG}").fetchone()
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        assert catalog is not None and size is not None
        return Pristine(tuple(tables), tuple(sequences), tuple(catalog), int(size[0]))


def put_back(url: str, pristine: Pristine) -> bool:
    """Gives a used copy its template's rows and sequences again, in one transaction. False where
    it cannot be a fresh copy: its schema changed, it grew to twice its template (the dead rows of
    a large test would slow the next), or the rows would not go back (then it is dropped)."""
    try:
        with psycopg.connect(libpq(url)) as conn:
            if tuple(conn.execute(f"SELECT {CATALOG}").fetchone() or ()) != pristine.catalog:
                return False
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
            if size is None or size[0] > 2 * pristine.size:
                return False
            conn.execute("SET LOCAL lock_timeout = '5s'")  # a connection left behind holds a lock
            conn.execute("SET LOCAL session_replication_role = replica")  # no foreign-key order
            for name, _ in pristine.tables:
                conn.execute(f'DELETE FROM "{name}"')
            for name, data in pristine.tables:
                with conn.cursor().copy(f'COPY "{name}" FROM STDIN (FORMAT binary)') as copy:
                    copy.write(data)
            for name, value, called in pristine.sequences:
                conn.execute("SELECT setval(%s, %s, %s)", (f'"{name}"', value, called))
        return True
    except psycopg.Error as error:
        print(f"could not put {url} back: {error}", file=sys.stderr)
        return False


@contextmanager
def using(url: str) -> Iterator[str]:
    """Point the services at `url` for the duration (`app.config.database_override`): the
    environment is left alone."""
    with database_override(url):
        yield url


class DatabaseFactory:
    def __init__(self, backend: Backend, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        self.templates: dict[str, str] = {}
        self.created: list[str] = []
        # PostgreSQL: each template's rows, the copies that were put back and wait for a test, and
        # which template each copy came from. A thread puts used copies back (or drops them)
        # beside the next test rather than in its way.
        self._pristine: dict[str, Pristine] = {}
        self._ready: dict[str, list[str]] = {}
        self._source: dict[str, str] = {}
        self._lock = threading.Lock()
        self._used: queue.Queue[str | None] = queue.Queue()
        self._janitor: threading.Thread | None = None

    def _new_url(self, label: str, template: str | None = None) -> str:
        """A new database: an empty SQLite file's address, or a PostgreSQL database, empty or
        copied from `template` (a database name)."""
        name = f"zr_{label}_{uuid.uuid4().hex[:10]}"
        if self.backend.admin_url is None:
            return f"sqlite:///{self.workdir / (name + '.db')}"
        with (
            get_engine(self.backend.admin_url)
            .connect()
            .execution_options(isolation_level="AUTOCOMMIT") as conn
        ):
            conn.exec_driver_sql(
                f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
            )
        self.created.append(name)
        return self.backend.admin_url.rsplit("/", 1)[0] + "/" + name

    def empty(self) -> str:
        return self._new_url("empty")

    def template(self, companies: int, periods: int) -> str:
        key = f"{companies}x{periods}"
        if key not in self.templates:
            from db.migrate import upgrade
            from seed.build import build

            url = self._new_url(f"tpl{key}")
            with using(url):
                upgrade(url)
                build(companies=companies, periods=periods, start=SEED_START)
            get_engine(url).dispose()
            if self.backend.admin_url is not None:
                self._pristine[database_name(url)] = read_pristine(url)
            self.templates[key] = url
        return self.templates[key]

    def copy_of(self, template_url: str) -> str:
        if self.backend.admin_url is None:
            source = Path(template_url.removeprefix("sqlite:///"))
            url = self._new_url("copy")
            shutil.copyfile(source, url.removeprefix("sqlite:///"))
            return url
        template = database_name(template_url)
        with self._lock:
            ready = self._ready.get(template)
            name = ready.pop() if ready else None
        if name is None:
            name = database_name(self._new_url("copy", template))
            self._source[name] = template
        # a new address for every test, although the database may be one put back: whatever is
        # kept per address (an engine, the pages' caches) starts afresh, as with a new database
        return (
            self.backend.admin_url.rsplit("/", 1)[0]
            + f"/{name}?application_name=zr_test_{uuid.uuid4().hex[:8]}"
        )

    def release(self, url: str) -> None:
        """A test's copy is put back, or dropped, beside the next test rather than before it (a
        DROP DATABASE waits about 90 ms on PostgreSQL, and a run drops hundreds)."""
        get_engine(url).dispose()
        if self.backend.admin_url is None:
            return
        if self._janitor is None:
            self._janitor = threading.Thread(target=self._tidy_used, name="zr-tidy-databases", daemon=True)
            self._janitor.start()
        self._used.put(database_name(url))

    def settled(self) -> None:
        """Every released copy is put back or dropped (for the tests of this mechanism)."""
        self._used.join()

    def _tidy_used(self) -> None:
        assert self.backend.admin_url is not None
        base = self.backend.admin_url.rsplit("/", 1)[0]
        with psycopg.connect(libpq(self.backend.admin_url), autocommit=True) as admin:
            while (name := self._used.get()) is not None:
                try:
                    template = self._source.get(name)
                    pristine = self._pristine.get(template) if template else None
                    # a connection the test left open (a process it started, a second engine)
                    admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()",
                        (name,),
                    )
                    if pristine is not None and template and put_back(f"{base}/{name}", pristine):
                        with self._lock:
                            self._ready.setdefault(template, []).append(name)
                    else:
                        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                except psycopg.Error as error:  # close() drops whatever is left
                    print(f"could not tidy {name}: {error}", file=sys.stderr)
                finally:
                    self._used.task_done()
            self._used.task_done()

    def close(self) -> None:
        for url in self.templates.values():
            get_engine(url).dispose()
        if self._janitor is not None:
            self._used.put(None)
            self._janitor.join()
            self._janitor = None
        if self.backend.admin_url is not None:
            with (
                get_engine(self.backend.admin_url)
                .connect()
                .execution_options(isolation_level="AUTOCOMMIT") as conn
            ):
                for name in self.created:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_name(url: str) -> str:
    """The database's name in a PostgreSQL URL."""
    return str(sa.make_url(url).database)


def rows(url: str, sql: str, **params: object) -> list[tuple[Any, ...]]:
    """A hand-written query's rows, to check a table or a line of figures against (values typed
    Any: a test compares them with the figures it reads, whatever the driver returns)."""
    with get_engine(url).connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params).all()]


def scalar(url: str, sql: str, **params: object) -> Any:
    """A hand-written query, to check the services' numbers against."""
    with get_engine(url).connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def sqlite_write_lock_refused(url: str) -> str | None:
    """Whether another writer could take SQLite's write lock at this moment, without waiting: None
    when it could, else SQLite's words. For tests that a slow step holds no write lock."""
    import sqlite3

    other = sqlite3.connect(str(sa.make_url(url).database), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return None
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        other.close()
