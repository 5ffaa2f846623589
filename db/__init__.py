"""Persistence: SQLModel tables, the engine, and Alembic migrations (db/migrations)."""
