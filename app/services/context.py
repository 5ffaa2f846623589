"""Who is acting, and the one transaction each use case runs in."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Engine, insert
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from app.config import get_settings
from app.services import data_version as _data_version  # also registers the bump on commit
from db.engine import get_engine


@dataclass(frozen=True)
class Actor:
    """The acting user as the services see it; built from the database at login, never from a page."""

    user_id: int | None
    username: str
    role: str
    company_id: int | None = None
    zone_ids: tuple[str, ...] = field(default_factory=tuple)
    session_version: int = 1

    @property
    def account_id(self) -> int:
        """The logged-in account's id: every actor a page has was built from a stored user (the
        command line's and the system's, which have none, never reach a page)."""
        if self.user_id is None:
            raise LookupError(f"{self.username} acts without an account")
        return self.user_id


CLI_ACTOR = Actor(user_id=None, username="cli", role="ict")
"""The command line acts province-wide, read-only like the ICT department, and is audited as `cli`."""
CLI_ADMIN = Actor(user_id=None, username="cli", role="admin")
"""The command line's administrative commands (imports); audited as `cli` too."""
SYSTEM_ACTOR = Actor(user_id=None, username="system", role="admin")
"""Seeding and start-up tasks."""


def engine(*, read: bool = False) -> Engine:
    """The primary's engine, or with `read` the engine of the reads' database (a streaming replica
    where one is configured, else the primary's own)."""
    settings = get_settings()
    url = settings.resolved_read_database_url() if read else settings.resolved_database_url()
    return get_engine(url)


_RUN: ContextVar[Session | None] = ContextVar("zonerisk_page_run", default=None)


@contextmanager
def page_run() -> Iterator[None]:
    """The unit of work of one page run, opened at the Streamlit edge (streamlit_app.py) around
    the whole run: every read the run makes without a session of its own (the round chooser, the
    cached figures' data version, the tables, the charts) goes through one read-only transaction
    on the reads' engine, so a page shows one state of the data and takes one connection, not one
    per helper. It begins at the first read (a run that reads nothing opens nothing).

    A write in the run (a button's action) is its own unit, as before: `writing()` first ends this
    read so that what the page shows after the write includes it. Why a context variable rather
    than a `session=` passed through every ui helper: the reads of a page are spread over dozens
    of pieces, and a read that forgot its argument would silently open a second transaction;
    here none can. A service called with a session uses that one, as always."""
    if _RUN.get() is not None:  # nested (a page run inside a page run): the outer one owns it
        yield
        return
    bind = engine(read=True)
    if bind.dialect.name == "postgresql":  # one snapshot for the whole page, as `snapshot` gives
        bind = bind.execution_options(isolation_level="REPEATABLE READ")
    session = Session(bind, expire_on_commit=False)
    token = _RUN.set(session)
    try:
        yield
    finally:
        _RUN.reset(token)
        session.close()  # it only read; closing detaches what it loaded without expiring it


def _run_unit() -> Session | None:
    return _RUN.get()


@contextmanager
def reading(session: Session | None) -> Iterator[Session]:
    """The caller's unit of work when it passes one (an action combining several reads sees one
    state of the data), else the page run's (see `page_run`), else a read of its own."""
    if session is not None:
        yield session
        return
    run = _run_unit()
    if run is not None:
        yield run
        return
    with unit_of_work(read_only=True) as own:
        yield own


@contextmanager
def writing(session: Session | None) -> Iterator[Session]:
    """The caller's unit of work when it passes one (an action that changes several things commits
    them together or not at all, and the caller commits), else a write transaction of its own.

    A caller combining writes on SQLite opens its unit with `write=True`, so that the write lock is
    taken at BEGIN rather than on the first write, where a concurrent writer would fail instead of
    waiting."""
    if session is not None:
        yield session
        return
    run = _run_unit()
    if run is not None:  # end the page's read, so that the reads after this write see it; what it
        run.expunge_all()  # loaded stays as it was read (as with a unit of its own), not expired
        run.rollback()
    with unit_of_work(write=True) as own:
        yield own


@contextmanager
def snapshot(session: Session | None = None) -> Iterator[Session]:
    """One read-only unit of work in which every read sees the same committed state: PostgreSQL's
    REPEATABLE READ; SQLite's single transaction gives that already. For reports. A caller's unit
    of work is used as it is: its isolation was chosen when it began."""
    if session is not None:
        yield session
        return
    run = _run_unit()
    if run is not None:  # the page's one read: every figure of the page from one state already
        yield run
        return
    with unit_of_work(read_only=True) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session


@contextmanager
def unit_of_work(write: bool = False, *, read_only: bool = False) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back whole on any error.

    `write` takes SQLite's write lock at BEGIN, so concurrent writers queue instead of failing.
    `read_only` runs on the reads' engine (a replica, where one is configured): for a unit that
    only reads and may see the data a replication delay late.
    """
    with Session(engine(read=read_only and not write), expire_on_commit=False) as session:
        if write:
            session.connection(execution_options={"sqlite_immediate": True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def insert_ignore(session: Session, model: type[Any], **values: Any) -> None:
    """INSERT … ON CONFLICT DO NOTHING of one row (a counter, a register) that another transaction
    may be creating at the same moment: it is made once."""
    insert_many_ignore(session, model, [values])


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE matched: SQLAlchemy types `execute()` as a plain Result, whose
    cursor form carries the count."""
    return int(result.rowcount)


def insert_many_ignore(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> int:
    """INSERT … ON CONFLICT DO NOTHING for many rows, on either engine; returns how many rows
    were new. Used where a row may already exist by a unique key (the outbox's deduplication key,
    a register's year) and the caller wants it made once."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert  # type: ignore[assignment]  # same API
    table = model.__table__
    # one statement compiled once, run for every row (executemany); RETURNING counts the new ones
    statement = dialect_insert(table).on_conflict_do_nothing().returning(*table.primary_key.columns)
    return len(session.execute(statement, rows).all())


def insert_rows(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> int:
    """Many rows written in bulk, every row with the first row's keys: history (the seed's million
    reminders and submissions), where SQLAlchemy's per-row parameter building cost more than the
    database's own writing. See `insert_columns`, which this turns the rows into."""
    if not rows:
        return 0
    return insert_columns(session, model, {name: [row[name] for row in rows] for name in rows[0]})


def insert_columns(session: Session, model: type[Any], columns: Mapping[str, Sequence[Any]]) -> int:
    """Rows given column by column, every column as long as the others: for a writer that builds
    its history by column (the seed's reminders), with no dict per row to build and take apart.
    PostgreSQL takes them by COPY, SQLite by the driver's executemany. Each value still goes through
    its column's bind processor (JSON text, UTC datetimes), so a row is stored exactly as an ORM or
    Core insert would store it; columns left out get their default."""
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    count = lengths.pop() if lengths else 0
    if not count:
        return 0
    session.flush()  # what the ORM holds is written first, in its order
    connection = session.connection()
    dialect = connection.dialect
    table = model.__table__
    _data_version.wrote(session, table.name)  # unseen by the session's events: declared
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    names = list(compiled.positiontup or []) if dialect.positional else list(compiled.binds)
    given: dict[str, Sequence[Any]] = dict(columns)
    for name in names:  # a column left out that has a default: the default, once
        if name not in given:
            default = table.c[name].default
            given[name] = [default.arg(None) if default.is_callable else default.arg] * count
    bound = [_bound(list(given[name]), table.c[name].type, dialect) for name in names]
    params: list[Any] = list(zip(*bound, strict=True))  # one C loop per column
    if dialect.name == "postgresql":
        quote = dialect.identifier_preparer.quote
        copy_sql = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
        driver = connection.connection.driver_connection  # psycopg's, in this transaction
        if driver is None:  # pragma: no cover - a checked-out connection always has one
            raise RuntimeError("no driver connection")
        with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for values in params:
                copy.write_row(values)
        return count
    if not dialect.positional:
        params = [dict(zip(names, values, strict=True)) for values in params]
    connection.exec_driver_sql(compiled.string, params)
    return count


def _bound(values: list[Any], column_type: Any, dialect: Any) -> list[Any]:
    """One column's values as the driver takes them. A JSON value repeated by identity (the same
    words for every company of a round) is encoded once."""
    process = column_type._cached_bind_processor(dialect)  # the column's own conversion
    if process is None:
        return values
    if isinstance(column_type, UTCDateTime) and dialect.name == "sqlite":
        return _sqlite_utc_texts(values, process)
    if isinstance(column_type, JSON):
        encoded: dict[int, Any] = {}
        out = []
        for value in values:
            key = id(value)
            if key not in encoded:
                encoded[key] = process(value)
            out.append(encoded[key])
        return out
    return list(map(process, values))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _sqlite_utc_texts(values: list[Any], process: Any) -> list[Any]:
    """A column of aware datetimes as SQLite stores them ('YYYY-MM-DD HH:MM:SS.ffffff', UTC),
    written by numpy in one C loop where SQLAlchemy's processor fills a %-format per value
    (300,000 values: 1.39 s against 0.50 s; the seed writes about five million). A column holding
    anything else (a naive value the processor refuses) goes through the processor, value by value;
    None stays NULL. The result is checked against the processor on the first value, so another
    storage format would never be written."""
    present = [v for v in values if v is not None]  # None (not yet sent, say) stays NULL
    if not present or not all(type(v) is datetime and v.tzinfo is not None for v in present):
        return list(map(process, values))
    import numpy as np  # bulk writers only

    micros = np.fromiter(((v - _EPOCH) // _MICROSECOND for v in present), dtype=np.int64, count=len(present))
    iso = np.datetime_as_string(micros.astype("datetime64[us]"), unit="us").tolist()
    texts = [text.replace("T", " ") for text in iso]
    if texts[0] != process(present[0]):
        return list(map(process, values))
    if len(present) == len(values):
        return texts
    if process(None) is not None:  # pragma: no cover - SQLAlchemy's processors keep None as NULL
        return list(map(process, values))
    formatted = iter(texts)
    return [None if v is None else next(formatted) for v in values]


def driver_rows(session: Session, statement: Any) -> list[tuple[Any, ...]]:
    """A select's rows as the database driver returns them, in the session's transaction, with no
    SQLAlchemy result processing: for bulk reads of plain columns (ids, numbers, text) where
    building a Row per record cost more than reading it. Only for columns that need no conversion
    on either engine (not JSON, not dates)."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    parameters: Any = (
        tuple(compiled.params[name] for name in compiled.positiontup or [])
        if connection.dialect.positional
        else compiled.params
    )
    cursor = connection.connection.cursor()
    try:
        cursor.execute(compiled.string, parameters)
        return list(cursor.fetchall())
    finally:
        cursor.close()
