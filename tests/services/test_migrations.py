"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import db.models  # noqa: F401
from db.engine import get_engine
from db.migrate import upgrade


def test_upgrade_head_on_an_empty_database_matches_the_models(empty_db: str) -> None:
    upgrade(empty_db)
    engine = get_engine(empty_db)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
    tables = set(inspect(engine).get_table_names())
    assert {
        "company",
        "assessment",
        "period",
        "zone",
        "app_user",
        "auditevent",
        "review",
        "exportlog",
    } <= tables


def test_upgrade_is_idempotent(empty_db: str) -> None:
    upgrade(empty_db)
    upgrade(empty_db)
    with get_engine(empty_db).connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() is not None
