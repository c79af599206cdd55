"""invitation codes stored as their SHA-256, not as they are

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 12:40:00.000000

Codes issued before are hashed in place (a code is 32 characters; its digest 64 hex), so links
already handed out keep working. There is no way back: downgrade leaves the digests.
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    invitations = sa.table("invitations", sa.column("id", sa.Integer), sa.column("code", sa.String))
    rows = connection.execute(
        sa.select(invitations.c.id, invitations.c.code).where(sa.func.length(invitations.c.code) < 64)
    ).all()
    for row_id, code in rows:
        connection.execute(
            invitations.update()
            .where(invitations.c.id == row_id)
            .values(code=hashlib.sha256(code.encode("utf-8")).hexdigest())
        )


def downgrade() -> None:
    # A digest cannot be turned back into its code.
    pass
