"""A visit plan is a numbered document of the agency that made it: its agency and its number in
that agency's register (issue 24).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 18:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visitplan") as batch:
        batch.add_column(sa.Column("agency", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch.add_column(sa.Column("number", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visitplan") as batch:
        batch.drop_column("number")
        batch.drop_column("agency")
