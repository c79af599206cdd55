"""Whether a recipient can be reached: held messages released when they link or write again,
pending ones held when they block the bot.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxChannel, OutboxMessage, OutboxState, Person, utcnow
from services.outbox.chunks import rowcount


async def release_held(
    session: AsyncSession, person_id: int, *, now: datetime | None = None
) -> int:
    """HELD -> PENDING, due now, for the person's messages; returns how many.

    Call it when the person links their account, or writes to the bot after blocking it.
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.person_id == person_id, OutboxMessage.state == OutboxState.HELD)
        .values(state=OutboxState.PENDING, not_before=now or utcnow(), held_until=None)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


async def mark_unreachable(session: AsyncSession, person_id: int) -> None:
    """The person blocked the bot (403): stop trying them.

    Their pending Telegram messages are held too, as `enqueue` would have held them: one 403 is
    enough to know, there is no point in collecting one per message.
    """
    await session.execute(
        update(Person)
        .where(Person.id == person_id)
        .values(reachable=False)
        .execution_options(synchronize_session="fetch")
    )
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.person_id == person_id,
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.channel == OutboxChannel.TELEGRAM,
        )
        .values(state=OutboxState.HELD)
        .execution_options(synchronize_session=False)
    )


async def mark_reachable(
    session: AsyncSession, person_id: int, *, now: datetime | None = None
) -> int:
    """The person wrote to the bot again: reachable, and their held messages due now."""
    await session.execute(
        update(Person)
        .where(Person.id == person_id)
        .values(reachable=True)
        .execution_options(synchronize_session="fetch")
    )
    return await release_held(session, person_id, now=now)
