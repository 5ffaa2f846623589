"""Rows written in bulk (`insert_rows`: the seed, imports of past rounds) are stored exactly as
the ORM stores them, so no reader can tell how a row came in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite
from sqlmodel import col, select
from sqlmodel.sql.sqltypes import UTCDateTime

from app.services.context import _sqlite_utc_texts, insert_columns, insert_rows, unit_of_work
from db.models import AuditEvent

OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
AWARE = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.one_of(st.just(UTC), OFFSETS)
)
_PROCESSOR = UTCDateTime()._cached_bind_processor(sqlite.dialect())
assert _PROCESSOR is not None  # SQLite stores a datetime as text: there is a conversion
PROCESS: Callable[[Any], Any] = _PROCESSOR


@given(st.lists(AWARE, max_size=30))
def test_a_column_of_aware_times_is_written_as_sqlalchemy_writes_it(values: list[datetime]) -> None:
    assert _sqlite_utc_texts(values, PROCESS) == [PROCESS(v) for v in values]


@given(st.lists(st.one_of(st.none(), AWARE), min_size=1, max_size=10))
def test_a_column_with_empty_times_is_too(values: list[datetime | None]) -> None:
    assert _sqlite_utc_texts(values, PROCESS) == [PROCESS(v) for v in values]


def test_an_aware_column_is_written_by_numpy_checked_on_its_first_value() -> None:
    asked: list[datetime] = []

    def counted(value: datetime) -> str:
        asked.append(value)
        return str(PROCESS(value))

    start = datetime(2021, 5, 17, 7, tzinfo=UTC)
    values = [start + timedelta(minutes=7 * n, microseconds=n) for n in range(100)]
    assert _sqlite_utc_texts(values, counted) == [PROCESS(v) for v in values]
    assert asked == values[:1]  # else the fast path fell back and measured nothing


def test_a_column_with_some_empty_times_is_still_written_by_numpy() -> None:
    """The seed's reminders: `sent_at` is empty for the few a gateway refused."""
    asked: list[datetime | None] = []

    def counted(value: datetime | None) -> Any:
        asked.append(value)
        return PROCESS(value)

    start = datetime(2021, 5, 17, 7, tzinfo=UTC)
    values = [None if n % 7 == 3 else start + timedelta(minutes=n) for n in range(50)]
    assert _sqlite_utc_texts(values, counted) == [PROCESS(v) for v in values]
    assert asked == [values[0], None]  # the first value and the empty one: no fallback


def test_a_naive_time_is_refused_in_bulk_as_one_by_one() -> None:
    with pytest.raises(ValueError, match="timezone"):
        _sqlite_utc_texts([datetime(2021, 5, 17, tzinfo=UTC), datetime(2021, 5, 17)], PROCESS)


def test_bulk_rows_read_back_as_the_orm_writes_them(seeded: str) -> None:
    hanoi = timezone(timedelta(hours=7))
    moments = [
        datetime(2021, 5, 17, 7, 0, tzinfo=hanoi),  # before midnight UTC: the day moves back
        datetime(2021, 5, 17, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(2021, 12, 31, 20, 0, 0, 1, tzinfo=timezone(timedelta(hours=-5))),  # into the next year
    ]
    rows = [
        {"actor": "bulk", "action": "test", "object_type": "moment", "object_id": str(n), "at": at}
        for n, at in enumerate(moments)
    ]
    with unit_of_work(write=True) as session:
        insert_rows(session, AuditEvent, rows)
        orm_row = AuditEvent(actor="orm", action="test", object_type="moment", object_id="0", at=moments[0])
        session.add(orm_row)
    with unit_of_work() as session:
        bulk = session.exec(
            select(AuditEvent).where(AuditEvent.actor == "bulk").order_by(col(AuditEvent.object_id))
        ).all()
        orm = session.exec(select(AuditEvent).where(AuditEvent.actor == "orm")).one()
        found = [event.at for event in bulk]
        assert found == [at.astimezone(UTC) for at in moments]
        assert orm.at == found[0]
        # and the same rows are found by a comparison the database makes on the stored text
        noon = datetime(2021, 5, 17, 12, tzinfo=UTC)
        later = session.exec(
            select(AuditEvent).where(AuditEvent.actor == "bulk", col(AuditEvent.at) > noon)
        ).all()
        assert sorted(e.object_id for e in later) == ["1", "2"]


def test_columns_of_different_lengths_are_refused_and_nothing_is_written(seeded: str) -> None:
    """A writer that builds its rows by column and drops one value would shift every row after it
    into the wrong company: refused whole, before anything reaches the database."""
    columns = {
        "actor": ["bulk", "bulk", "bulk"],
        "action": ["test", "test", "test"],
        "object_type": ["moment", "moment"],
        "object_id": ["0", "1", "2"],
    }
    with pytest.raises(ValueError, match="different lengths"), unit_of_work(write=True) as session:
        insert_columns(session, AuditEvent, columns)
    with unit_of_work() as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.actor == "bulk")).all() == []
    with unit_of_work(write=True) as session:  # the same columns, whole, are written
        columns["object_type"].append("moment")
        assert insert_columns(session, AuditEvent, columns) == 3
    with unit_of_work() as session:
        stored = session.exec(select(AuditEvent).where(AuditEvent.actor == "bulk")).all()
        assert sorted(e.object_id for e in stored) == ["0", "1", "2"]
