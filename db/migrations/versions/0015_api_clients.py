"""Machine clients of the API, their rate windows and calls, and webhook subscriptions (issue 27).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "apiclient",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", _TEXT(length=80), nullable=False, unique=True),
        sa.Column("token_hash", _TEXT(length=64), nullable=False),
        sa.Column("token_hint", _TEXT(length=12), nullable=False),
        sa.Column("scope", _TEXT(length=12), nullable=False),
        sa.Column("zone_ids", sa.JSON(), nullable=False),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("company.id"), nullable=True),
        sa.Column("can_write", sa.Boolean(), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("expires_at", _TIME(), nullable=False),
        sa.Column("revoked_at", _TIME(), nullable=True),
        sa.Column("created_by", _TEXT(length=60), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("last_used_at", _TIME(), nullable=True),
    )
    op.create_index("ix_apiclient_token_hash", "apiclient", ["token_hash"], unique=True)
    op.create_table(
        "apiratewindow",
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("apiclient.id"), primary_key=True),
        sa.Column("minute", sa.Integer(), primary_key=True),
        sa.Column("calls", sa.Integer(), nullable=False),
    )
    op.create_table(
        "apicall",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("apiclient.id"), nullable=False),
        sa.Column("method", _TEXT(length=8), nullable=False),
        sa.Column("endpoint", _TEXT(length=200), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("at", _TIME(), nullable=False),
    )
    op.create_index("ix_apicall_client_id", "apicall", ["client_id"])
    op.create_index("ix_apicall_at", "apicall", ["at"])
    op.create_table(
        "webhooksubscription",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("apiclient.id"), nullable=False),
        sa.Column("url", _TEXT(length=500), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", _TEXT(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
    )
    op.create_index("ix_webhooksubscription_client_id", "webhooksubscription", ["client_id"])


def downgrade() -> None:
    op.drop_index("ix_webhooksubscription_client_id", "webhooksubscription")
    op.drop_table("webhooksubscription")
    op.drop_index("ix_apicall_at", "apicall")
    op.drop_index("ix_apicall_client_id", "apicall")
    op.drop_table("apicall")
    op.drop_table("apiratewindow")
    op.drop_index("ix_apiclient_token_hash", "apiclient")
    op.drop_table("apiclient")
