"""document register: numbers allocated with the export log

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 06:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('documentregister',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'year')
    )
    with op.batch_alter_table('exportlog', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('exportlog', schema=None) as batch_op:
        batch_op.drop_column('number')
    op.drop_table('documentregister')
