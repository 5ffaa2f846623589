"""Apply the Alembic migrations; the app calls this on start, tests on every fresh database."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from db.engine import get_engine, normalise_url

MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_ID = 20210602  # Chỉ thị 9/CT-UBND: any constant shared by every process of this app


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = normalise_url(url)
    return config


def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest schema (idempotent)."""
    config = alembic_config(url)
    with get_engine(normalise_url(url)).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def has_migration_history(url: str) -> bool:
    """Whether the database was ever migrated: demo data must never be seeded into one that was."""
    return "alembic_version" in sa.inspect(get_engine(normalise_url(url))).get_table_names()


@contextmanager
def startup_lock(url: str) -> Iterator[None]:
    """Serialise the start-up work of several processes on one database (two replicas or two
    first starts at once): PostgreSQL's advisory lock, or an exclusive lock on a file beside the
    SQLite database."""
    url = normalise_url(url)
    if url.startswith("postgresql"):
        with get_engine(url).connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_advisory_lock({_LOCK_ID})")
            try:
                yield
            finally:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({_LOCK_ID})")
                connection.commit()
        return
    database = make_url(url).database
    if not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_suffix(Path(database).suffix + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
