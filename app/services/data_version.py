"""The data version: one number, bumped in the transaction of every write that changes what the
officials' figures are computed from, read by every cached read and put into its key.

Why not clear the caches on write: a Streamlit cache lives in one process, and a province runs
several replicas behind a balancer; a write on replica A could never clear replica B's cache. A
number in the database that commits with the write is seen by every replica at its next read, and
costs one primary-key lookup.

The bump is automatic, so that a new service cannot forget it: the session notices the rows it
flushes or the INSERT/UPDATE/DELETE statements it runs on the tables below (ORM or Core; a
`text()` statement is not seen, and no service writes a watched table that way), and bumps once
just before it commits. A company's draft is left out on purpose: on deadline day drafts are saved
many times a minute, and no official figure depends on one. A restore, which writes on a bare
connection, calls `bump_past`.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session

from app.vocabulary import Status

MONITORED_TABLES = frozenset(
    {
        "zone",
        "company",
        "period",
        "periodcompany",
        "assessment",
        "review",
        "rulesetversion",
        "submissionflag",
        "inspection",
        "remediationaction",
        "userzone",
        "areaepidemiclevel",
        "platformadoption",
    }
)
"""The tables the cached reads (Overview, Lists, the map, trends) are computed from."""

_DRAFT_TABLES = frozenset({"assessment", "inspection"})
_CHANGED = "zonerisk.data_changed"


_READ = text("SELECT version FROM dataversion WHERE id = 1")
_BUMP = text("UPDATE dataversion SET version = version + 1 WHERE id = 1")


def current(session: Session | Connection) -> int:
    """The committed version, as this session's (or connection's) transaction sees it."""
    return int(session.execute(_READ).scalar_one())


def bump_past(connection: Connection, floor: int) -> None:
    """Move the version past `floor` and past its own value, inside the connection's transaction:
    after a restore has replaced the row with the backup's (older) number, no replica may find a
    number it has already cached other figures under."""
    connection.execute(
        text("UPDATE dataversion SET version = CASE WHEN version > :floor THEN version ELSE :floor END + 1"),
        {"floor": floor},
    )


def _is_figure_change(row: object) -> bool:
    table = getattr(row, "__tablename__", None)
    if table not in MONITORED_TABLES:
        return False
    return not (table in _DRAFT_TABLES and getattr(row, "status", None) == Status.draft)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    if any(_is_figure_change(row) for row in chain(session.new, session.dirty, session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in MONITORED_TABLES:
        state.session.info[_CHANGED] = True


def wrote(session: Session, table_name: str) -> None:
    """A write the session's events cannot see (rows sent on its connection or through the driver,
    as the bulk writes do) is declared here, so it bumps the version like any other."""
    if table_name in MONITORED_TABLES:
        session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    # the commit flushes after this event: flush first, so that rows added just before the commit
    # are seen; the UPDATE then runs last in the transaction and holds the version's row lock only
    # for the commit itself
    session.flush()
    if session.info.pop(_CHANGED, False):
        session.execute(_BUMP)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)
