"""Alembic environment: the URL comes from the caller (db.migrate) or from DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import db.models  # noqa: F401 - registers the tables on SQLModel.metadata
from app.config import get_settings
from db.engine import get_engine, normalise_url

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    url = config.attributes.get("url") or get_settings().resolved_database_url()
    connection = config.attributes.get("connection")
    if connection is None:
        engine = get_engine(normalise_url(url))
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    else:
        _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]  # Alembic passes its own connection
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
