"""Real databases for the tests: SQLite files, and PostgreSQL when TEST_DATABASE_URL is set.

A migrated and seeded template is built once per backend; each test that writes gets its own copy
(a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL), so tests never see each other's
writes and never mock the database.
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
        self._drops: queue.Queue[str | None] = queue.Queue()
        self._dropper: threading.Thread | None = None
        self.created: list[str] = []

    def _new_url(self, label: str) -> str:
        name = f"zr_{label}_{uuid.uuid4().hex[:10]}"
        if self.backend.admin_url is None:
            return f"sqlite:///{self.workdir / (name + '.db')}"
        with (
            get_engine(self.backend.admin_url)
            .connect()
            .execution_options(isolation_level="AUTOCOMMIT") as conn
        ):
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
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
            self.templates[key] = url
        return self.templates[key]

    def copy_of(self, template_url: str) -> str:
        if self.backend.admin_url is None:
            source = Path(template_url.removeprefix("sqlite:///"))
            url = self._new_url("copy")
            shutil.copyfile(source, url.removeprefix("sqlite:///"))
            return url
        name = f"zr_copy_{uuid.uuid4().hex[:10]}"
        template = template_url.rsplit("/", 1)[1]
        with (
            get_engine(self.backend.admin_url)
            .connect()
            .execution_options(isolation_level="AUTOCOMMIT") as conn
        ):
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.created.append(name)
        return self.backend.admin_url.rsplit("/", 1)[0] + "/" + name

    def release(self, url: str) -> None:
        """A test's copy is dropped beside the next test rather than before it: a DROP DATABASE
        waits about 140 ms on PostgreSQL (its files and a checkpoint), and a run drops hundreds."""
        get_engine(url).dispose()
        if self.backend.admin_url is None:
            return
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_queued, name="zr-drop-databases", daemon=True)
            self._dropper.start()
        self._drops.put(url.rsplit("/", 1)[1])

    def _drop_queued(self) -> None:
        assert self.backend.admin_url is not None
        with (
            get_engine(self.backend.admin_url)
            .connect()
            .execution_options(isolation_level="AUTOCOMMIT") as conn
        ):
            while (name := self._drops.get()) is not None:
                try:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                except sa.exc.DBAPIError as error:  # close() drops whatever is left
                    print(f"could not drop {name} yet: {error}", file=sys.stderr)

    def close(self) -> None:
        for url in self.templates.values():
            self.release(url)
        if self._dropper is not None:
            self._drops.put(None)
            self._dropper.join()
            self._dropper = None
        if self.backend.admin_url is not None:
            with (
                get_engine(self.backend.admin_url)
                .connect()
                .execution_options(isolation_level="AUTOCOMMIT") as conn
            ):
                for name in self.created:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
