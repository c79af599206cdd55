"""What became of a claimed message (sent, to retry, held, failed), and the retention that
deletes old SENT and FAILED rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxMessage, OutboxState, utcnow
from services.outbox.chunks import rowcount

# Stored errors are short on purpose: a class name and Telegram's description.
MAX_ERROR: Final = 500
# Rows deleted per retention transaction: short enough never to hold SQLite's lock for long.
PRUNE_BATCH: Final = 2000


async def mark_sent(
    session: AsyncSession,
    message_id: int,
    *,
    telegram_message_id: int | None,
    now: datetime | None = None,
) -> None:
    await _set(
        session,
        message_id,
        state=OutboxState.SENT,
        sent_at=now or utcnow(),
        sent_message_id=telegram_message_id,
        last_error=None,
    )


async def mark_retry(
    session: AsyncSession,
    message_id: int,
    *,
    delay: timedelta,
    error: str,
    now: datetime | None = None,
) -> None:
    due = (now or utcnow()) + delay
    # Held until then: the recipient's later messages wait for this one (in order).
    await _set(
        session,
        message_id,
        state=OutboxState.PENDING,
        not_before=due,
        held_until=due,
        last_error=error[:MAX_ERROR],
    )


async def mark_held(session: AsyncSession, message_id: int, *, error: str) -> None:
    await _set(session, message_id, state=OutboxState.HELD, last_error=error[:MAX_ERROR])


async def mark_failed(session: AsyncSession, message_id: int, *, error: str) -> None:
    await _set(session, message_id, state=OutboxState.FAILED, last_error=error[:MAX_ERROR])


async def _set(session: AsyncSession, message_id: int, **values: Any) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )


async def prune(session: AsyncSession, *, before: datetime, limit: int = PRUNE_BATCH) -> int:
    """Delete up to `limit` SENT or FAILED rows created before `before`; returns how many.

    Keys of deleted rows may be enqueued again, so the retention must outlast every key's
    event: the scheduled kinds carry their day in the key, the others an event id.
    Call it in short transactions until it returns less than `limit`.
    """
    old = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.state.in_((OutboxState.SENT, OutboxState.FAILED)),
            OutboxMessage.created_at < before,
        )
        .limit(limit)
    )
    result = await session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.id.in_(old))
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)
