"""escalation severity and source

Why staff see an escalation: `severity` (high / moderate) and `source` (the layer that raised it).
Both are nullable: rows from before this revision keep null, which the staff queue counts as high.

Revision ID: e58367efa8fe
Revises: c63f41b436f3
Create Date: 2026-12-04 16:27:15.857112
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e58367efa8fe"
down_revision = "c63f41b436f3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("severity", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_column("source")
        batch_op.drop_column("severity")
