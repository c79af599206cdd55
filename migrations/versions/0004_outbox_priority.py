"""outbox priority for interactive messages

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch_alter_table: SQLite cannot add a column with an index in one ALTER otherwise;
    # on PostgreSQL it is a plain ALTER TABLE. Existing rows become interactive (server default).
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("priority", sa.SmallInteger(), server_default="0", nullable=False)
        )
    op.create_index(
        "ix_outbox_claim", "outbox", ["channel", "state", "priority", "id"], unique=False
    )
    op.create_index("ix_outbox_state_created_at", "outbox", ["state", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_state_created_at", table_name="outbox")
    op.drop_index("ix_outbox_claim", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("priority")
