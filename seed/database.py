"""The demo database as a whole: rebuilt from nothing, or asked whether it holds anything yet."""

from __future__ import annotations

from sqlmodel import Session, select

from db.models import Company


def reset_database(url: str) -> None:
    """Drop everything (tables and Alembic's version table) and migrate afresh."""
    from sqlmodel import SQLModel

    from db.engine import get_engine
    from db.migrate import upgrade

    engine = get_engine(url)
    with engine.begin() as connection:
        SQLModel.metadata.drop_all(connection)
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(url)


def is_empty(session: Session) -> bool:
    return session.exec(select(Company.id).limit(1)).first() is None
