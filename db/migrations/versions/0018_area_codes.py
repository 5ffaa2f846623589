"""Areas carry their official GSO code (issue 27).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("zone") as batch:
        batch.add_column(sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch.create_index("ix_zone_code", ["code"])


def downgrade() -> None:
    with op.batch_alter_table("zone") as batch:
        batch.drop_index("ix_zone_code")
        batch.drop_column("code")
