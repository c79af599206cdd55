"""indexes for lists, queues and card records; retention

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:15:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (name, columns) of the indexes this revision adds to `applications`.
NEW_APPLICATION_INDEXES = (
    ("ix_applications_organization_id_status_number", ["organization_id", "status", "number"]),
    ("ix_applications_organization_id_number", ["organization_id", "number"]),
    ("ix_applications_status_number", ["status", "number"]),
    ("ix_applications_status_updated_at_number", ["status", "updated_at", "number"]),
    ("ix_applications_updated_at_number", ["updated_at", "number"]),
)
# Replaced by the longer indexes above, which serve every query these served.
OLD_APPLICATION_INDEXES = (
    ("ix_applications_organization_id_status", ["organization_id", "status"]),
    ("ix_applications_status_updated_at", ["status", "updated_at"]),
)


def upgrade() -> None:
    for name, columns in NEW_APPLICATION_INDEXES:
        op.create_index(name, "applications", columns, unique=False)
    for name, _ in OLD_APPLICATION_INDEXES:
        op.drop_index(name, table_name="applications")
    op.create_index(
        "ix_card_messages_chat_id_message_id",
        "card_messages",
        ["chat_id", "message_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_card_messages_chat_id_message_id", table_name="card_messages")
    for name, columns in OLD_APPLICATION_INDEXES:
        op.create_index(name, "applications", columns, unique=False)
    for name, _ in NEW_APPLICATION_INDEXES:
        op.drop_index(name, table_name="applications")
