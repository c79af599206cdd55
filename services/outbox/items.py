"""Writing notifications: an `OutboxItem` per event and recipient, enqueued in the transaction of
the change, held when the recipient cannot be reached yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxChannel, OutboxMessage, OutboxPriority, OutboxState, Person, utcnow
from models.engine import InsertNew
from services.outbox.chunks import READ_CHUNK, WRITE_CHUNK, chunks

# Kinds (OutboxItem.method) that are bulk by nature: scheduled, for many people at once.
BULK_METHODS: Final = frozenset({"digest", "reminder", "deadline", "escalation"})

# Core inserts on the table: the ORM's bulk path costs several times more per row, and these
# rows need none of it.
_TABLE = cast(Table, OutboxMessage.__table__)


@dataclass(frozen=True)
class OutboxItem:
    """One notification to write: one event for one recipient."""

    key: str  # idempotency key: one per event and recipient
    person_id: int | None  # recipient (None for a message addressed to a chat directly)
    payload: dict[str, Any]  # semantic payload, e.g. {"type": "status", "history_id": 5}
    application_id: int | None = None
    method: str = "telegram"  # free text kept in OutboxMessage.method (e.g. the payload type)
    # Webhook deliveries (§7.4) share the table; only Telegram messages wait for a reachable
    # person, and the Telegram sender claims only its own channel.
    channel: OutboxChannel = OutboxChannel.TELEGRAM
    # None: from the kind (`BULK_METHODS` are bulk, anything else interactive). Callers that
    # produce many messages of an otherwise interactive kind (an import's cards) say BULK.
    priority: OutboxPriority | None = None

    @property
    def effective_priority(self) -> OutboxPriority:
        if self.priority is not None:
            return self.priority
        if self.method in BULK_METHODS:
            return OutboxPriority.BULK
        return OutboxPriority.INTERACTIVE


async def enqueue(session: AsyncSession, item: OutboxItem, *, now: datetime | None = None) -> bool:
    """Write one notification; False (and nothing written) if its key exists already.

    HELD when the recipient has no Telegram account linked yet or is unreachable, else PENDING
    and due at once.
    """
    return await enqueue_many(session, [item], now=now) == 1


async def enqueue_many(
    session: AsyncSession, items: Sequence[OutboxItem], *, now: datetime | None = None
) -> int:
    """`enqueue` in bulk; returns how many were written.

    A constant number of statements per chunk of items (the recipients' reachability, one
    INSERT), never one per item. Items repeating a key (here or in the table) are skipped.
    """
    now = now or utcnow()
    unique: dict[str, OutboxItem] = {}
    for item in items:
        unique.setdefault(item.key, item)
    if not unique:
        return 0
    rows = await _rows(session, list(unique.values()), now)
    # The unique key is the guard: one INSERT that skips keys already in the table (written
    # before, or by a concurrent transaction) and returns the keys it wrote. No check first
    # and no savepoint: on the hot path of a decision that was four statements, now one.
    statement = _INSERT_NEW.statement(session)
    written = 0
    for chunk in chunks(rows, WRITE_CHUNK):
        result = await session.execute(statement, list(chunk))
        written += len(result.all())
    return written


# One INSERT that skips keys already in the table and returns the keys it wrote.
_INSERT_NEW = InsertNew(_TABLE, _TABLE.c.key)


async def _rows(
    session: AsyncSession, items: Sequence[OutboxItem], now: datetime
) -> list[dict[str, Any]]:
    person_ids = sorted(
        {
            item.person_id
            for item in items
            if item.person_id is not None and item.channel is OutboxChannel.TELEGRAM
        }
    )
    reachable: set[int] = set()
    for chunk in chunks(person_ids, READ_CHUNK):
        reachable.update(
            await session.scalars(
                select(Person.id).where(
                    Person.id.in_(chunk),
                    Person.telegram_id.is_not(None),
                    Person.reachable.is_(True),
                )
            )
        )
    return [
        {
            "key": item.key,
            "channel": item.channel,
            "person_id": item.person_id,
            "application_id": item.application_id,
            "method": item.method,
            "payload": item.payload,
            "state": (
                OutboxState.HELD
                if item.channel is OutboxChannel.TELEGRAM
                and item.person_id is not None
                and item.person_id not in reachable
                else OutboxState.PENDING
            ),
            "priority": int(item.effective_priority),
            "attempts": 0,
            "not_before": now,
            "created_at": now,
            "sent_at": None,
            "sent_message_id": None,
            "last_error": None,
        }
        for item in items
    ]
