"""The notification outbox and the conversation (FSM) state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.enums import OutboxChannel, OutboxPriority, OutboxState


class OutboxMessage(Base):
    """A notification written in the same transaction as the change that causes it (§6)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state_not_before", "state", "not_before"),
        Index("ix_outbox_person_id_state", "person_id", "state"),
        # The sender's claim: due messages of a channel, the most urgent and then the oldest
        # first (services.outbox.claim_due reads a bounded prefix in this order).
        Index("ix_outbox_claim", "channel", "state", "priority", "id"),
        # Retention: the old sent and failed rows, found without reading the others.
        Index("ix_outbox_state_created_at", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # One key per event and recipient: enqueueing the same event twice is a no-op.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[OutboxChannel] = mapped_column(
        Enum(
            OutboxChannel,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE")
    )
    # The Bot API method and its parameters, or the webhook body; chat_id is filled at send time.
    method: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[OutboxState] = mapped_column(
        Enum(
            OutboxState,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=OutboxState.PENDING,
    )
    # OutboxPriority: interactive messages go before bulk ones. Rows written before the column
    # existed count as interactive: better a digest early than a reply late.
    priority: Mapped[int] = mapped_column(
        SmallInteger, default=int(OutboxPriority.INTERACTIVE), server_default="0"
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set while a sender holds the message (its lease) or it waits to be retried (after a 429,
    # a 5xx, a network error): until then no replica claims a later message of the same
    # recipient, so a chat's messages go out in order. Unlike `not_before`, a message merely
    # scheduled for later (quiet hours) holds up nothing.
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The id of the message Telegram created, for later edits.
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(500))


class FsmRecord(Base):
    """Conversation state of one chat, kept in the database so a prompt survives a restart."""

    __tablename__ = "fsm_state"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CardMessage(Base):
    """A card (application message) shown in a chat, so it can be refreshed after a change."""

    __tablename__ = "card_messages"
    __table_args__ = (
        Index("ix_card_messages_application_id", "application_id"),
        # A card is forgotten by the message it is shown in (services.cards.forget_card).
        Index("ix_card_messages_chat_id_message_id", "chat_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class HandledUpdate(Base):
    """A Telegram update some replica has handled (webhook mode): Telegram retries webhooks,
    and a retry may reach another replica. Written in the update's own transaction, so an
    update whose handler died is not marked and its retry is handled; kept for a while
    (`services.updates.RETENTION`)."""

    __tablename__ = "handled_updates"
    __table_args__ = (Index("ix_handled_updates_handled_at", "handled_at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
