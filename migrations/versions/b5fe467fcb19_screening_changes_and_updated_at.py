"""screening changes and updated_at

`changes`: answers changed to less worrying ones, with the original (enumerated values only);
`updated_at`: the latest answer or the end, for screenings stored while in progress (status
in_progress, a new value in the same column). Rows from before keep null: no changes recorded.
Downgrading leaves in_progress rows, which the older queue does not show.

Revision ID: b5fe467fcb19
Revises: e58367efa8fe
Create Date: 2026-12-04 16:34:15.123438
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b5fe467fcb19"
down_revision = "e58367efa8fe"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("changes")
