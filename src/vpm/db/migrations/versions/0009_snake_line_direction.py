"""snake line direction

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 20:15:00.000000

Reviewed: one new nullable column, ``ports.runs`` ("A>B" or "B>A"), the direction of a cable
snake's line. Every existing row keeps NULL, which reads as "A>B": the line's input at the A end
and its output at the B end, as every line was before. Nothing is rewritten or dropped; the
downgrade drops the column (a line run back B>A then reads as A>B again, its ports unchanged).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None
#: A migration that drops or rewrites data sets this to True; `vpm db upgrade` then needs --force.
destructive = False


def upgrade() -> None:
    with op.batch_alter_table('ports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('runs', sa.String(length=3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ports', schema=None) as batch_op:
        batch_op.drop_column('runs')
