"""One page run, one unit of work: every read of a run shares one transaction, and a write in
the run is a unit of its own whose result the rest of the run sees (issue 30)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from app.services import periods
from app.services.context import page_run, reading, writing
from db.models import Company
from tests.pages.apptest import logged_in
from tests.services.helpers import actor


@pytest.fixture
def begins() -> Iterator[list[int]]:
    """How many transactions begin, on any engine, while the test runs."""
    seen = [0]

    def count(connection: Connection) -> None:
        seen[0] += 1

    event.listen(Engine, "begin", count)
    yield seen
    event.remove(Engine, "begin", count)


@pytest.mark.parametrize(
    ("username", "page"),
    [("demo.ict", "overview"), ("demo.company", "home"), ("demo.zoneboard", "lists")],
)
def test_a_page_run_opens_one_transaction(seeded: str, begins: list[int], username: str, page: str) -> None:
    at = logged_in(username)
    at.switch_page(f"app/pages/{page}.py").run()
    at.run()  # the caches are warm: what is left is the run's own reading
    begins[0] = 0
    at.run()
    assert not at.exception, at.exception
    assert begins[0] == 1, f"{page}: {begins[0]} transactions in one run"


def test_reads_after_a_write_in_the_same_run_see_it(seeded: str, begins: list[int]) -> None:
    def workers() -> int | None:
        with reading(None) as session:
            company = session.get(Company, 1)
            assert company is not None
            return company.workers

    with page_run():
        before = workers()
        with writing(None) as session:
            session.execute(update(Company).where(col(Company.id) == 1).values(workers=(before or 0) + 7))
        assert workers() == (before or 0) + 7
    assert begins[0] == 3  # read, write, read again: the write ended the page's read


def test_a_service_outside_a_page_run_opens_its_own(seeded: str, begins: list[int]) -> None:
    """The command line and the worker have no page run: each service call is its own unit."""
    ict = actor("ict")
    begins[0] = 0
    periods.latest_period(ict)
    periods.latest_period(ict)
    assert begins[0] == 2
