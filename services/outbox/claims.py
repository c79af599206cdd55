"""The sender's claim: due messages leased in the order to serve them (interactive first, chats
in turn), and handed back when left unsent.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import OutboxChannel, OutboxMessage, OutboxPriority, OutboxState, utcnow
from services.outbox.chunks import READ_CHUNK, chunks

# Due rows a claim looks at, in (priority, id) order, to take chats in turn: bounded so that a
# claim costs the same with a backlog of a million rows. Only a single chat with more than this
# many due messages ahead of everyone else could hide the others (and only from that claim).
CLAIM_SCAN: Final = 5000


async def claim_due(
    session: AsyncSession,
    *,
    limit: int,
    lease: timedelta,
    now: datetime | None = None,
    channel: OutboxChannel = OutboxChannel.TELEGRAM,
    per_chat: int | None = None,
    skip_people: Collection[int] = (),
    max_priority: OutboxPriority | None = None,
) -> list[OutboxMessage]:
    """Lease up to `limit` due PENDING messages of `channel`, in the order to serve them.

    The order: by priority (interactive first); within a priority, chats in turn (every chat's
    oldest due message, then every chat's second...); within a chat, oldest first. A chat is
    the recipient, or for a message addressed to a chat directly (a card refresh) that chat.
    `per_chat` caps the messages taken from one chat, `skip_people` leaves out recipients (the
    sender's chats that already have work in hand), `max_priority` the less urgent messages.

    Leasing moves `not_before` (and `held_until`) to now + lease and counts an attempt, so a
    second claim before the lease ends (here, on another replica, or after a crash) skips them.
    A recipient's message is not claimed while an earlier one of theirs (in the order above) is
    held, leased or waiting to be retried: one replica sends a chat's messages, in order.

    On PostgreSQL the chosen rows are locked FOR UPDATE SKIP LOCKED (a few spare candidates are
    chosen for rows another replica holds): concurrent claims never wait on or share a row. On
    SQLite the clause is not rendered; there every transaction holds the write lock from BEGIN (see
    models.engine), which serialises claims just as well.
    """
    now = now or utcnow()
    due = [
        OutboxMessage.state == OutboxState.PENDING,
        OutboxMessage.not_before <= now,
        OutboxMessage.channel == channel,
    ]
    if max_priority is not None:
        due.append(OutboxMessage.priority <= int(max_priority))
    earlier = aliased(OutboxMessage)
    wanted = [
        *due,
        ~exists().where(
            earlier.person_id == OutboxMessage.person_id,
            earlier.state == OutboxState.PENDING,
            earlier.held_until > now,
            or_(
                earlier.priority < OutboxMessage.priority,
                and_(earlier.priority == OutboxMessage.priority, earlier.id < OutboxMessage.id),
            ),
        ),
    ]
    if skip_people:
        wanted.append(
            or_(OutboxMessage.person_id.is_(None), OutboxMessage.person_id.not_in(skip_people))
        )
    # A bounded prefix in the index's order (ix_outbox_claim), then turns within it.
    chat = case(
        (OutboxMessage.person_id.is_(None), OutboxMessage.payload["chat_id"].as_string()),
        else_=None,
    )
    prefix = (
        select(
            OutboxMessage.id,
            OutboxMessage.priority,
            OutboxMessage.person_id,
            chat.label("chat"),
        )
        .where(*wanted)
        .order_by(OutboxMessage.priority, OutboxMessage.id)
        .limit(CLAIM_SCAN)
        .subquery()
    )
    turn = (
        func.row_number()
        .over(
            partition_by=(prefix.c.person_id, prefix.c.chat),
            order_by=(prefix.c.priority, prefix.c.id),
        )
        .label("turn")
    )
    ranked = select(
        prefix.c.id, prefix.c.priority, prefix.c.person_id, prefix.c.chat, turn
    ).subquery()
    chosen = select(ranked.c.id, ranked.c.person_id, ranked.c.chat).order_by(
        ranked.c.priority, ranked.c.turn, ranked.c.id
    )
    if per_chat is not None:
        chosen = chosen.where(ranked.c.turn <= per_chat)
    rows = (await session.execute(chosen.limit(limit + max(limit, 16)))).tuples().all()
    if not rows:
        return []
    candidates = [message_id for message_id, _, _ in rows]
    place = {message_id: index for index, message_id in enumerate(candidates)}
    locked = set(
        await session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.id.in_(candidates), *due)
            .order_by(case(place, value=OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    ids = _in_chat_order(rows, locked)
    if not ids:
        return []
    # Compare-and-set: a row that changed since the read (state or lease) is left out.
    claimed = await session.scalars(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.not_before <= now,
        )
        .values(not_before=now + lease, held_until=now + lease, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage),
        execution_options={"synchronize_session": False, "populate_existing": True},
    )
    return sorted(claimed, key=lambda message: place[message.id])


def _in_chat_order(
    rows: Sequence[tuple[int, int | None, str | None]], locked: set[int]
) -> list[int]:
    """The locked candidates a claim may take: a chat's message only with all its earlier ones.

    A candidate not locked was taken by a concurrent claim (SKIP LOCKED passed it by), changed
    since it was read, or lies past the limit; the chat's later messages then stay too, or two
    replicas would send one chat's messages side by side and out of order (after a 429, both
    fall due at the same moment).
    """
    stopped: set[tuple[int | None, str | None]] = set()
    taken = []
    for message_id, person_id, chat in rows:
        key = (person_id, chat)
        if message_id in locked and key not in stopped:
            taken.append(message_id)
        else:
            stopped.add(key)
    return taken


async def release_claim(
    session: AsyncSession, message_ids: Sequence[int], *, not_before: datetime
) -> None:
    """Hand claimed, unsent messages back: due at `not_before`, the claim's attempt undone.

    For messages the sender chose not to send in this pass (a chat's one-per-second limit, a
    stop); a message meanwhile held or sent is left alone.
    """
    for chunk in chunks(message_ids, READ_CHUNK):
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chunk), OutboxMessage.state == OutboxState.PENDING)
            .values(
                not_before=not_before,
                held_until=None,
                attempts=case((OutboxMessage.attempts > 0, OutboxMessage.attempts - 1), else_=0),
            )
            .execution_options(synchronize_session=False)
        )
