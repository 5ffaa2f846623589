"""The demo seed writes a whole SQLite file in one transaction under a rollback journal
(`db.engine.bulk_load`): the file is in WAL again afterwards, a load that fails leaves nothing,
and a file that another connection holds open is loaded in WAL instead."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

import seed.build
from app.services.context import unit_of_work
from db.engine import bulk_load, get_engine
from db.migrate import upgrade
from tests.databases import SEED_START, using


def _file(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "bulk.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    return path, url


def _mode_on_disk(path: Path) -> str:
    """What a new connection that asks for nothing finds: WAL is kept in the file's header."""
    raw = sqlite3.connect(path)
    try:
        return str(raw.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        raw.close()


def test_a_load_writes_under_a_rollback_journal_and_leaves_the_file_in_wal(tmp_path: Path) -> None:
    path, url = _file(tmp_path)
    assert _mode_on_disk(path) == "wal"
    engine = get_engine(url)
    with bulk_load(engine), engine.begin() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        connection.exec_driver_sql(
            "INSERT INTO zone (id, name, kind, district) VALUES ('kcn-a', 'KCN A', 'industrial_zone', 'X')"
        )
    assert _mode_on_disk(path) == "wal"
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("SELECT count(*) FROM zone").scalar() == 1


def test_a_load_that_fails_after_spilling_to_the_file_leaves_nothing(tmp_path: Path) -> None:
    """Far more rows than its cache holds (so pages were written into the file before the end),
    then an error: the rollback journal puts the file back as it was, and it is in WAL again."""
    path, url = _file(tmp_path)
    engine = get_engine(url)
    with pytest.raises(RuntimeError, match="halfway"), bulk_load(engine), engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA cache_size=20")  # 20 pages: spills within a few hundred rows
        connection.execute(
            text(
                "INSERT INTO auditevent (actor, action, object_type, object_id, after, at) "
                "VALUES ('seed', 'company.create', 'company', :o, :after, '2021-05-17 00:00:00')"
            ),
            [{"o": str(n), "after": '"' + "x" * 300 + '"'} for n in range(20_000)],
        )
        assert path.stat().st_size > 2_000_000  # the rows reached the file itself, not only memory
        raise RuntimeError("the seed failed halfway")
    assert _mode_on_disk(path) == "wal"
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM auditevent").scalar() == 0
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_a_seed_that_fails_leaves_an_empty_database_in_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, url = _file(tmp_path)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the reminders failed")

    monkeypatch.setattr(seed.build, "reminder_history", broken)  # after companies and submissions
    with using(url), pytest.raises(RuntimeError, match="reminders failed"):
        seed.build.build(companies=40, periods=4, start=SEED_START)
    assert _mode_on_disk(path) == "wal"
    with using(url), unit_of_work() as session:
        for table in ("company", "assessment", "period", "app_user", "auditevent"):
            assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table


def test_a_file_another_connection_holds_open_is_loaded_in_wal(tmp_path: Path) -> None:
    """A reader in the middle of its own transaction: SQLite cannot leave WAL under it, so the load
    runs in WAL (slower, as before) and the reader keeps its snapshot."""
    path, url = _file(tmp_path)
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM zone").fetchone()[0] == 0
        engine = get_engine(url)
        with bulk_load(engine), engine.begin() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            connection.exec_driver_sql(
                "INSERT INTO zone (id, name, kind, district) "
                "VALUES ('kcn-a', 'KCN A', 'industrial_zone', 'X')"
            )
        assert reader.execute("SELECT count(*) FROM zone").fetchone()[0] == 0  # its snapshot
        reader.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM zone").fetchone()[0] == 1
    finally:
        reader.close()
    assert _mode_on_disk(path) == "wal"
