"""a school's own time zone and region (its working-day calendar)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:00:00.000000

Both columns are empty for existing schools: they keep the TIMEZONE setting and the country's
calendar, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("region", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.drop_column("region")
        batch.drop_column("timezone")
