"""The data version: bumped with every write the officials' figures depend on, in that write's own
transaction, and never by a write they do not depend on (a draft, a login), so that caches keyed by
it are coherent across replicas without being thrown away on every keystroke."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, col, update
from streamlit.testing.v1 import AppTest

from app.identifiers import nth_tax_code
from app.services.accounts import auth
from app.services.admin import backup
from app.services.context import unit_of_work
from app.services.filing import assessments, companies
from app.services.oversight import freshness
from db.engine import get_engine
from db.models import AuditEvent, Company, Period
from tests.databases import scalar
from tests.pages.apptest import PASSWORDS, figures, logged_in
from tests.services.helpers import GOOD_ANSWERS, actor, latest_period_id


def version(url: str) -> int:
    return int(scalar(url, "SELECT version FROM dataversion WHERE id = 1"))


def bumps(url: str, action: Callable[[], object]) -> int:
    before = version(url)
    action()
    return version(url) - before


def test_a_submission_bumps_once_and_its_drafts_do_not(seeded: str) -> None:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assert bumps(seeded, lambda: assessments.save_draft(me, draft.id, GOOD_ANSWERS)) == 0
    assert bumps(seeded, lambda: assessments.save_draft(me, draft.id, {**GOOD_ANSWERS, "workers": 2999})) == 0
    assert bumps(seeded, lambda: assessments.submit(me, draft.id, "k1")) == 1
    # the same submission again (a double click) changes nothing and bumps nothing
    assert bumps(seeded, lambda: assessments.submit(me, draft.id, "k1")) == 0


def test_a_review_and_a_new_company_bump_and_a_login_does_not(seeded: str) -> None:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    done = assessments.submit(me, draft.id, "k2")
    assert bumps(seeded, lambda: auth.authenticate("demo.zoneboard", PASSWORDS["demo.zoneboard"])) == 0
    assert bumps(seeded, lambda: assessments.review(actor("zone_board"), done.id, "approve")) == 1
    record = {"tax_code": "2499999989", "name": "Công ty Mới", "zone_id": "kcn-hoa-phu", "sector": "Nhựa"}
    assert bumps(seeded, lambda: companies.create_company(actor("admin"), record)) == 1


def test_a_bulk_write_through_the_driver_bumps(seeded: str) -> None:
    """Rows sent past the session's events (executemany, COPY) still move the version, so no
    replica keeps serving figures cached before them; the audit table is not watched."""
    from app.services.context import insert_rows
    from db.models import Zone

    def add_zone() -> None:
        with unit_of_work(write=True) as session:
            zone = {"id": "kcn-moi", "name": "KCN Mới", "kind": "industrial_zone", "district": "Yên Dũng"}
            insert_rows(session, Zone, [zone | {"lat": 21.2, "lon": 106.2}])

    def add_event() -> None:
        with unit_of_work(write=True) as session:
            insert_rows(
                session, AuditEvent, [{"actor": "x", "action": "y", "object_type": "z", "object_id": "1"}]
            )

    assert bumps(seeded, add_zone) == 1
    assert bumps(seeded, add_event) == 0


def _touch(model: type[SQLModel], column: Any) -> None:
    """A Core UPDATE through a unit of work, changing nothing: is a statement on the table seen?"""
    with unit_of_work(write=True) as session:
        session.execute(update(model).values({column: column}))


def test_core_statements_on_a_watched_table_bump_and_on_others_do_not(seeded: str) -> None:
    assert bumps(seeded, lambda: _touch(Period, Period.name)) == 1
    assert bumps(seeded, lambda: _touch(AuditEvent, AuditEvent.actor)) == 0


def test_a_write_rolled_back_bumps_nothing(seeded: str) -> None:
    before = version(seeded)
    with pytest.raises(RuntimeError), unit_of_work(write=True) as session:
        session.execute(update(Company).values(workers=col(Company.workers) + 1))  # a watched write
        raise RuntimeError("the use case failed half-way")
    assert version(seeded) == before
    with unit_of_work(write=True) as session:  # the next, unrelated unit does not inherit the mark
        session.execute(sa.text("SELECT 1"))
    assert version(seeded) == before


def test_a_restore_moves_the_version_past_everything_before_it(seeded: str, tmp_path: Path) -> None:
    saved = backup.backup(tmp_path / "before.zrbackup")
    for n in range(3):
        record = {
            "tax_code": nth_tax_code(n, "249999990"),
            "name": f"Sau {n}",
            "zone_id": "kcn-hoa-phu",
            "sector": "Nhựa",
        }
        companies.create_company(actor("admin"), record)
    high = version(seeded)
    backup.restore(saved, safety_backup=tmp_path / "safety.zrbackup")
    assert version(seeded) > high  # never back to a number some replica cached other figures under


def test_a_submit_elsewhere_shows_on_this_replicas_next_page_run(seeded: str) -> None:
    """Replica B has the Overview cached; a company files through another process (replica A: the
    services, which clear nothing in B); B's very next run shows the new count."""
    board = logged_in("demo.zoneboard")
    filed_before = _metric(board, "Đã nộp")
    board.run()
    assert _metric(board, "Đã nộp") == filed_before  # served from B's cache, unchanged

    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, GOOD_ANSWERS)
    assessments.submit(me, draft.id, "replica-a")

    board.run()
    assert not board.exception
    assert _metric(board, "Đã nộp") == _plus_one(filed_before)


def _metric(at: AppTest, label: str) -> str:
    return figures(at)[label]


def _plus_one(shown: str) -> str:
    from app.formatting import number

    return number(int(shown.replace(".", "")) + 1)


def test_the_version_read_is_one_primary_key_lookup(seeded: str) -> None:
    expected = version(seeded)
    statements: list[str] = []
    engine = get_engine(seeded)
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert freshness.latest() == expected
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert [s for s in statements if "dataversion" in s] == ["SELECT version FROM dataversion WHERE id = 1"]
