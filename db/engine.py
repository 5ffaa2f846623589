"""One engine per database URL. SQLite gets the pragmas a multi-user web app needs."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, make_url

_BULK_LOADING: set[Engine] = set()  # SQLite engines whose new connections take a rollback journal


def normalise_url(url: str) -> str:
    """Accept the URLs operators type: postgres:// and postgresql:// mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _private_database_file(url: str) -> None:
    """The SQLite file holds password hashes and contacts: readable by its owner only. Made so
    before SQLite first opens it (its -wal and -shm files take the same mode)."""
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    if not os.path.exists(path):
        if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            return  # SQLite will say the folder is missing
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if os.stat(path).st_mode & 0o077:
        os.chmod(path, 0o600)


@cache
def get_engine(url: str) -> Engine:
    """The pool settings (ZONERISK_DB_POOL_SIZE, _MAX_OVERFLOW, _STATEMENT_TIMEOUT_MS) apply to
    PostgreSQL: each replica holds at most pool size + overflow connections, so replicas × that
    must stay under the server's max_connections."""
    from app.config import get_settings

    url = normalise_url(url)
    if url.startswith("sqlite"):
        _private_database_file(url)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" in url:
                pass  # no file, no journal to choose
            elif engine in _BULK_LOADING:
                # where another connection holds the file open it stays in WAL, only slower
                with suppress(sqlite3.OperationalError):
                    cursor.execute("PRAGMA journal_mode=DELETE")
            else:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        # Let SQLAlchemy, not the sqlite3 module, issue BEGIN, so that a transaction that reads
        # before it writes still takes the write lock in order (BEGIN IMMEDIATE below).
        @event.listens_for(engine, "connect")
        def _no_pysqlite_transactions(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            # a writing use case asks for the write lock up front: two submits of one draft then
            # queue instead of both reading "draft" and one failing on upgrade to a write lock
            immediate = connection.get_execution_options().get("sqlite_immediate", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    settings = get_settings()
    connect_args: dict[str, Any] = {}
    if settings.db_statement_timeout_ms:
        connect_args["options"] = f"-c statement_timeout={settings.db_statement_timeout_ms}"
    return create_engine(
        url,
        hide_parameters=True,  # a logged failure must not print a password hash or a contact
        pool_pre_ping=True,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        connect_args=connect_args,
    )


@contextmanager
def bulk_load(engine: Engine) -> Iterator[None]:
    """For one transaction that writes a whole SQLite database (the demo seed): its connections
    use a rollback journal instead of WAL, then the file goes back to WAL.

    In WAL mode, every page such a transaction spills out of its small cache is appended to the
    log, and every later read must look the page up in the log's index, which grows with the log:
    at 50k companies a round's flags took 1.6–1.8 times as long inside the seed as after its
    commit. A rollback journal writes spilled pages in place and keeps only the pages the file had
    before (almost none in a new file), so a failed seed still rolls back whole. Where another
    connection holds the file open, SQLite keeps WAL and the load is only slower. PostgreSQL:
    nothing to do."""
    if engine.dialect.name != "sqlite" or ":memory:" in str(engine.url):
        yield
        return
    engine.dispose()  # idle connections closed: the load's own opens under the rollback journal
    _BULK_LOADING.add(engine)
    try:
        yield
    finally:
        _BULK_LOADING.discard(engine)
        engine.dispose()  # the load's connection closed: the next one puts the file back in WAL
        with suppress(exc.OperationalError), engine.connect():
            pass  # (now, or at the next connection if a reader holds the file this instant)
