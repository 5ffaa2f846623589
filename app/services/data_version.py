"""The data version: one number, bumped in the transaction of every write that changes what the
officials' figures are computed from, read once per page run and put into every cache key.

Why not clear the caches on write: a Streamlit cache lives in one process, and a province runs
several replicas behind a balancer; a write on replica A could never clear replica B's cache. A
number in the database that commits with the write is seen by every replica at its next read, and
costs one primary-key lookup.

The bump is automatic, so that a new service cannot forget it: the session notices the rows it
flushes or the INSERT/UPDATE/DELETE statements it runs on the tables below, and bumps once just
before it commits. A company's draft is left out on purpose: on deadline day drafts are saved many
times a minute, and no official figure depends on one. Writes outside a session (a restore) call
`bump_now`.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, text
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
    }
)
"""The tables the cached reads (Overview, Lists, the map, trends) are computed from."""

_DRAFT_TABLES = frozenset({"assessment", "inspection"})
_CHANGED = "zonerisk.data_changed"


def current(session: Session) -> int:
    """The committed version, as this session's transaction sees it."""
    return int(session.execute(text("SELECT version FROM dataversion WHERE id = 1")).scalar_one())


def mark_changed(session: Session) -> None:
    """Say that this transaction changed the officials' figures in a way the session cannot see
    (raw SQL on a connection); it is bumped once when the session commits."""
    session.info[_CHANGED] = True


_BUMP = text("UPDATE dataversion SET version = version + 1 WHERE id = 1")


def bump_now(connection: Any) -> None:
    """Bump on a connection outside any session (a restore), inside its transaction."""
    connection.execute(_BUMP)


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
