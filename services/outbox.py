"""The database side of the notification outbox (PRODUCT.md §6).

A notification is written here in the same transaction as the change that causes it; the sender
(`bot.sender`) later claims it, sends it and records the outcome. Callers own the transaction:
these functions only flush.

Life of a message: PENDING (due at `not_before`) -> SENT, or FAILED (Telegram refused it as
invalid), or HELD (the recipient cannot be reached: no Telegram account linked yet, or the bot is
blocked) -> PENDING again through `release_held` / `mark_reachable`. A claim leases a PENDING row
by moving `not_before` a lease into the future, so another replica (or this one after a crash)
takes it again only once the lease has expired.

Each row carries a priority (`OutboxPriority`): interactive messages (what someone's action
caused and they are waiting for) are claimed before bulk ones (digests, reminders, imported
cards), and within a priority the claim takes chats in turn (see `claim_due`). SENT and FAILED
rows are deleted once older than the retention (`prune`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, TypeVar, cast

from sqlalchemy import CursorResult, Table, case, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxChannel, OutboxMessage, OutboxPriority, OutboxState, Person, utcnow

# Keys per `IN (...)`: far below SQLite's 32,766 variables and asyncpg's 32,767 parameters.
READ_CHUNK: Final = 1000
# Rows per INSERT batch (11 columns a row: ~22,000 parameters at most).
WRITE_CHUNK: Final = 2000
# Stored errors are short on purpose: a class name and Telegram's description.
MAX_ERROR: Final = 500
# Due rows a claim looks at, in (priority, id) order, to take chats in turn: bounded so that a
# claim costs the same with a backlog of a million rows. Only a single chat with more than this
# many due messages ahead of everyone else could hide the others (and only from that claim).
CLAIM_SCAN: Final = 5000
# Rows deleted per retention transaction: short enough never to hold SQLite's lock for long.
PRUNE_BATCH: Final = 2000
# Kinds (OutboxItem.method) that are bulk by nature: scheduled, for many people at once.
BULK_METHODS: Final = frozenset({"digest", "reminder", "deadline", "escalation"})

_T = TypeVar("_T")
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


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rowcount(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount)


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
    statement = _insert_skipping_existing(session)
    written = 0
    for chunk in _chunks(rows, WRITE_CHUNK):
        result = await session.execute(statement, list(chunk))
        written += len(result.all())
    return written


def _insert_skipping_existing(session: AsyncSession) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return _INSERT_NEW_SQLITE
    return _INSERT_NEW_POSTGRESQL


# SQLite: INSERT OR IGNORE skips a row whose key exists (it would also skip a NOT NULL or CHECK
# violation, which rows built above cannot have). Unlike the dialect's ON CONFLICT construct it
# is cacheable: SQLAlchemy compiles it once, not on every decision.
_INSERT_NEW_SQLITE = insert(_TABLE).prefix_with("OR IGNORE").returning(_TABLE.c.key)
_INSERT_NEW_POSTGRESQL = (
    postgresql.insert(_TABLE)
    .on_conflict_do_nothing(index_elements=[_TABLE.c.key])
    .returning(_TABLE.c.key)
)


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
    for chunk in _chunks(person_ids, READ_CHUNK):
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


async def release_held(
    session: AsyncSession, person_id: int, *, now: datetime | None = None
) -> int:
    """HELD -> PENDING, due now, for the person's messages; returns how many.

    Call it when the person links their account, or writes to the bot after blocking it.
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.person_id == person_id, OutboxMessage.state == OutboxState.HELD)
        .values(state=OutboxState.PENDING, not_before=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)


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

    Leasing moves `not_before` to now + lease and counts an attempt, so a second claim before
    the lease ends (here, on another replica, or after a crash) skips them. On PostgreSQL the
    chosen rows are locked FOR UPDATE SKIP LOCKED (a few spare candidates are chosen for rows
    another replica holds): concurrent claims never wait on or share a row. On SQLite the
    clause is not rendered; there every transaction holds the write lock from BEGIN (see
    bot.db), which serialises claims just as well.
    """
    now = now or utcnow()
    due = [
        OutboxMessage.state == OutboxState.PENDING,
        OutboxMessage.not_before <= now,
        OutboxMessage.channel == channel,
    ]
    if max_priority is not None:
        due.append(OutboxMessage.priority <= int(max_priority))
    wanted = list(due)
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
    ranked = select(prefix.c.id, prefix.c.priority, turn).subquery()
    chosen = select(ranked.c.id).order_by(ranked.c.priority, ranked.c.turn, ranked.c.id)
    if per_chat is not None:
        chosen = chosen.where(ranked.c.turn <= per_chat)
    candidates = list(await session.scalars(chosen.limit(limit + max(limit, 16))))
    if not candidates:
        return []
    place = {message_id: index for index, message_id in enumerate(candidates)}
    ids = list(
        await session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.id.in_(candidates), *due)
            .order_by(case(place, value=OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
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
        .values(not_before=now + lease, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage),
        execution_options={"synchronize_session": False, "populate_existing": True},
    )
    return sorted(claimed, key=lambda message: place[message.id])


async def release_claim(
    session: AsyncSession, message_ids: Sequence[int], *, not_before: datetime
) -> None:
    """Hand claimed, unsent messages back: due at `not_before`, the claim's attempt undone.

    For messages the sender chose not to send in this pass (a chat's one-per-second limit, a
    stop); a message meanwhile held or sent is left alone.
    """
    for chunk in _chunks(message_ids, READ_CHUNK):
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chunk), OutboxMessage.state == OutboxState.PENDING)
            .values(
                not_before=not_before,
                attempts=case((OutboxMessage.attempts > 0, OutboxMessage.attempts - 1), else_=0),
            )
            .execution_options(synchronize_session=False)
        )


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
    await _set(
        session,
        message_id,
        state=OutboxState.PENDING,
        not_before=(now or utcnow()) + delay,
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
    return _rowcount(result)
