"""The epidemic level officials set per area and round (issue 28).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "areaepidemiclevel",
        sa.Column("period_id", sa.Integer(), sa.ForeignKey("period.id"), primary_key=True),
        sa.Column("zone_id", _TEXT(length=40), sa.ForeignKey("zone.id"), primary_key=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("source", _TEXT(length=200), nullable=False),
        sa.Column("set_by", _TEXT(length=60), nullable=False),
        sa.Column("set_at", _TIME(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("areaepidemiclevel")
