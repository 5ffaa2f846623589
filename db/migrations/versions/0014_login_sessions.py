"""Server-side login sessions behind a cookie, the user's language, and single sign-on
registrations (issue 25).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    # plain ADD COLUMN, not a batch: SQLite's batch copies the table, and app_user is referenced
    # by too many tables to be dropped and made again with foreign keys on
    op.add_column("app_user", sa.Column("language", _TEXT(length=2), nullable=True))
    op.add_column("app_user", sa.Column("sso_subject", _TEXT(length=255), nullable=True))
    op.add_column("app_user", sa.Column("sso_email", _TEXT(length=120), nullable=True))
    op.add_column(
        "app_user", sa.Column("sso_required", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_index("ix_app_user_sso_subject", "app_user", ["sso_subject"], unique=True)
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", _TEXT(length=64), nullable=False),
        sa.Column("handoff_hash", _TEXT(length=64), nullable=True, unique=True),
        sa.Column("handoff_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("handoff_browser", _TEXT(length=64), nullable=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("method", _TEXT(length=10), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("client", _TEXT(length=64), nullable=False),
        sa.Column("user_agent", _TEXT(length=200), nullable=False),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("end_reason", _TEXT(length=20), nullable=False),
    )
    op.create_index("ix_login_session_token_hash", "login_session", ["token_hash"], unique=True)
    op.create_index("ix_login_session_user_id", "login_session", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_login_session_user_id", "login_session")
    op.drop_index("ix_login_session_token_hash", "login_session")
    op.drop_table("login_session")
    op.drop_index("ix_app_user_sso_subject", "app_user")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("sso_required")
        batch.drop_column("sso_email")
        batch.drop_column("sso_subject")
        batch.drop_column("language")
