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


def _filled(column: object) -> object:
    """A value any NOT NULL column of this kind accepts (ids are 1: one row per table)."""
    from datetime import UTC, date, datetime

    import sqlalchemy as sa

    kind = column.type  # type: ignore[attr-defined]
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer | sa.Float | sa.Numeric):
        return 1
    if isinstance(kind, sa.DateTime):
        return datetime(2021, 6, 7, tzinfo=UTC)
    if isinstance(kind, sa.Date):
        return date(2021, 6, 7)
    if isinstance(kind, sa.JSON):
        return {}
    return "x1"


def test_an_existing_database_with_data_upgrades_to_head(empty_db: str) -> None:
    """Every migration after the first release runs on a database that holds rows linked by foreign
    keys (SQLite checks them: a migration that rebuilds a table others point at fails here)."""
    import sqlalchemy as sa
    from alembic import command

    from db.migrate import alembic_config

    config = alembic_config(empty_db)
    engine = get_engine(empty_db)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
    tables = ["zone", "company", "app_user", "period", "periodcompany", "assessment", "review", "auditevent"]
    meta = sa.MetaData()
    meta.reflect(engine, only=tables)
    with engine.begin() as connection:
        for name in tables:
            table = meta.tables[name]
            row = {c.name: _filled(c) for c in table.columns if not c.nullable or c.primary_key}
            row.update(
                {
                    c.name: 1 if isinstance(c.type, sa.Integer) else "x1"
                    for c in table.columns
                    if c.foreign_keys
                }
            )
            connection.execute(table.insert().values(**row))
    upgrade(empty_db)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM assessment")).scalar() == 1
        assert connection.execute(sa.text("SELECT count(*) FROM review")).scalar() == 1
        assert not connection.execute(sa.text("SELECT resubmission FROM assessment")).scalar()
        assert connection.execute(sa.text("SELECT answers_digest FROM assessment")).scalar() is None
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
