"""The national platforms' adoption figures per company and round (issue 27).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 03:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "platformadoption",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("period_id", sa.Integer(), sa.ForeignKey("period.id"), nullable=False),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("company.id"), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("workers_registered", sa.Integer(), nullable=False),
        sa.Column("bluezone_installed", sa.Integer(), nullable=False),
        sa.Column("health_declared", sa.Integer(), nullable=False),
        sa.Column("source", _TEXT(length=120), nullable=False),
        sa.Column("imported_by", _TEXT(length=60), nullable=False),
        sa.Column("imported_at", _TIME(), nullable=False),
        sa.UniqueConstraint("period_id", "company_id", name="uq_platformadoption_round_company"),
    )
    op.create_index("ix_platformadoption_period_id", "platformadoption", ["period_id"])
    op.create_index("ix_platformadoption_company_id", "platformadoption", ["company_id"])


def downgrade() -> None:
    op.drop_index("ix_platformadoption_company_id", "platformadoption")
    op.drop_index("ix_platformadoption_period_id", "platformadoption")
    op.drop_table("platformadoption")
