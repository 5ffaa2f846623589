"""Apply the Alembic migrations; the app calls this on start, tests on every fresh database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from db.engine import get_engine, normalise_url

MIGRATIONS = Path(__file__).parent / "migrations"


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
