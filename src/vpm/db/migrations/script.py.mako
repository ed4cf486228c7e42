"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

Reviewed by: (name) — read the operations below before merging.
"""
from __future__ import annotations

import sqlalchemy as sa  # noqa: F401 (used by most generated operations)
from alembic import op  # noqa: F401
${imports if imports else ""}

import vpm.db.base  # noqa: F401 (custom column types render as vpm.db.base.X)

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}
#: A migration that drops or rewrites data sets this to True; `vpm db upgrade` then needs --force.
destructive = False


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
