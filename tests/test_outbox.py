"""The outbox on SQLite and PostgreSQL: idempotent enqueue, holding, bulk writes, leases."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models import OutboxChannel, OutboxMessage, OutboxPriority, OutboxState, Person
from services import outbox
from services.outbox import OutboxItem
from tests import factories as f

NOW = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def item(key: str, person_id: int | None, **kwargs: Any) -> OutboxItem:
    return OutboxItem(key=key, person_id=person_id, payload={"type": "text", "text": key}, **kwargs)


async def make_person(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    telegram_id: int | None = None,
    reachable: bool = True,
) -> int:
    async with sessionmaker.begin() as session:
        person = await f.person(session, None, telegram_id=telegram_id)
        person.reachable = reachable
        await session.flush()
        return person.id


async def states(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, OutboxState]:
    async with sessionmaker() as session:
        rows = await session.execute(select(OutboxMessage.key, OutboxMessage.state))
        return {key: state for key, state in rows}


async def row(sessionmaker: async_sessionmaker[AsyncSession], key: str) -> OutboxMessage:
    async with sessionmaker() as session:
        message = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
        assert message is not None
        return message


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


async def test_enqueue_is_idempotent_by_key(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    person_id = await make_person(sessionmaker, telegram_id=5001)
    async with sessionmaker.begin() as session:
        assert await outbox.enqueue(session, item("status:1:p", person_id), now=NOW)
        assert not await outbox.enqueue(
            session,
            OutboxItem(key="status:1:p", person_id=person_id, payload={"type": "other"}),
            now=NOW,
        )
    async with sessionmaker.begin() as session:  # and across transactions
        assert not await outbox.enqueue(session, item("status:1:p", person_id), now=NOW)
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    stored = await row(sessionmaker, "status:1:p")
    assert stored.payload == {"type": "text", "text": "status:1:p"}
    assert stored.state is OutboxState.PENDING
    assert stored.channel is OutboxChannel.TELEGRAM
    assert stored.not_before == NOW
    assert stored.attempts == 0


async def test_held_until_linked_or_reachable(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    linked = await make_person(sessionmaker, telegram_id=5002)
    unlinked = await make_person(sessionmaker)
    blocked = await make_person(sessionmaker, telegram_id=5003, reachable=False)
    async with sessionmaker.begin() as session:
        for key, person_id in (("a", linked), ("b", unlinked), ("c", blocked), ("d", None)):
            assert await outbox.enqueue(session, item(key, person_id), now=NOW)
        # A webhook body waits for nobody.
        await outbox.enqueue(
            session, item("hook", unlinked, channel=OutboxChannel.WEBHOOK), now=NOW
        )
    assert await states(sessionmaker) == {
        "a": OutboxState.PENDING,
        "b": OutboxState.HELD,
        "c": OutboxState.HELD,
        "d": OutboxState.PENDING,
        "hook": OutboxState.PENDING,
    }

    later = NOW + timedelta(hours=1)
    async with sessionmaker.begin() as session:
        person = await session.get(Person, unlinked)
        assert person is not None
        person.telegram_id = 5004
        assert await outbox.release_held(session, unlinked, now=later) == 1
        assert await outbox.mark_reachable(session, blocked, now=later) == 1
    assert set((await states(sessionmaker)).values()) == {OutboxState.PENDING}
    assert (await row(sessionmaker, "b")).not_before == later
    async with sessionmaker() as session:
        person = await session.get(Person, blocked)
        assert person is not None and person.reachable


async def test_mark_unreachable_holds_pending_messages(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    person_id = await make_person(sessionmaker, telegram_id=5005)
    other = await make_person(sessionmaker, telegram_id=5006)
    async with sessionmaker.begin() as session:
        await outbox.enqueue_many(
            session, [item("a", person_id), item("b", person_id), item("c", other)], now=NOW
        )
        await outbox.mark_unreachable(session, person_id)
        # Enqueued after the 403 in the same transaction: held from the start.
        await outbox.enqueue(session, item("e", person_id), now=NOW)
    assert await states(sessionmaker) == {
        "a": OutboxState.HELD,
        "b": OutboxState.HELD,
        "c": OutboxState.PENDING,
        "e": OutboxState.HELD,
    }
    async with sessionmaker() as session:
        person = await session.get(Person, person_id)
        assert person is not None and not person.reachable


async def test_enqueue_many_dedupes_and_is_bulk(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    linked = await make_person(sessionmaker, telegram_id=5007)
    unlinked = await make_person(sessionmaker)
    async with sessionmaker.begin() as session:
        assert await outbox.enqueue(session, item("k0", linked), now=NOW)

    async def write(count: int, prefix: str) -> tuple[int, int]:
        items = [item(f"{prefix}{i}", (linked, unlinked)[i % 2]) for i in range(count)]
        items += items[:3]  # repeated inside the batch
        items.append(item("k0", linked))  # already in the table
        with count_statements(engine) as statements:
            async with sessionmaker.begin() as session:
                written = await outbox.enqueue_many(session, items, now=NOW)
        return written, len(statements)

    written_small, statements_small = await write(10, "s")
    written_large, statements_large = await write(600, "l")
    assert (written_small, written_large) == (10, 600)
    # The same handful of statements whatever the number of items.
    assert statements_small == statements_large
    assert statements_large <= 10
    found = await states(sessionmaker)
    assert len(found) == 611
    assert found["l0"] is OutboxState.PENDING and found["l1"] is OutboxState.HELD


async def test_enqueue_many_writes_100k_items_in_batches(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A bounded number of statements for 100,000 items (timings belong to `bench/`)."""
    engine = sqlite_sessionmaker.kw["bind"]
    person_id = await make_person(sqlite_sessionmaker, telegram_id=5008)
    items = [item(f"digest:{i}", person_id if i % 3 else None) for i in range(100_000)]
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with sqlite_sessionmaker.begin() as session:
            assert await outbox.enqueue_many(session, items, now=NOW) == 100_000
        written = statements
        async with sqlite_sessionmaker.begin() as session:  # and again: all exist, nothing written
            assert await outbox.enqueue_many(session, items, now=NOW) == 0
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert written <= 200, f"{written} statements for 100,000 items"


async def test_a_recipients_messages_are_claimed_in_order_across_replicas(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    teacher = await make_person(sessionmaker, telegram_id=5101)
    director = await make_person(sessionmaker, telegram_id=5102)
    evening = await make_person(sessionmaker, telegram_id=5103)
    async with sessionmaker.begin() as session:
        await outbox.enqueue_many(
            session, [item("t0", teacher), item("t1", teacher), item("d0", director)], now=NOW
        )
        # Scheduled for later (quiet hours, say): holds up nothing.
        await outbox.enqueue(session, item("e0", evening), now=NOW + timedelta(hours=10))
        await outbox.enqueue(session, item("e1", evening), now=NOW)

    async def claim(now: datetime, limit: int = 10) -> list[str]:
        async with sessionmaker.begin() as session:
            claimed = await outbox.claim_due(session, limit=limit, lease=LEASE, now=now, per_chat=1)
            return [message.key for message in claimed]

    # Replica A takes each recipient's first message; replica B finds nothing more to take.
    assert await claim(NOW) == ["t0", "d0", "e1"]
    assert await claim(NOW) == []
    # t0 is refused with a 429: it waits 5 s, and t1 with it (it would overtake otherwise).
    first = await row(sessionmaker, "t0")
    async with sessionmaker.begin() as session:
        await outbox.mark_retry(
            session, first.id, delay=timedelta(seconds=5), error="TelegramRetryAfter", now=NOW
        )
    assert await claim(NOW + timedelta(seconds=1)) == []
    assert await claim(NOW + timedelta(seconds=5)) == ["t0"]
    # Sent: the next one may go, to whichever replica claims it.
    sent = await row(sessionmaker, "t0")
    async with sessionmaker.begin() as session:
        await outbox.mark_sent(session, sent.id, telegram_message_id=1, now=NOW)
    assert await claim(NOW + timedelta(seconds=6)) == ["t1"]


async def test_claim_due_leases(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    person_id = await make_person(sessionmaker, telegram_id=5009)
    unlinked = await make_person(sessionmaker)
    async with sessionmaker.begin() as session:
        await outbox.enqueue_many(
            session,
            [item(f"m{i}", person_id) for i in range(3)] + [item("held", unlinked)],
            now=NOW,
        )
        await outbox.enqueue(session, item("later", person_id), now=NOW + timedelta(minutes=5))
        await outbox.enqueue(session, item("hook", None, channel=OutboxChannel.WEBHOOK), now=NOW)

    async def claim(now: datetime, limit: int = 10) -> list[str]:
        async with sessionmaker.begin() as session:
            claimed = await outbox.claim_due(session, limit=limit, lease=LEASE, now=now)
            return [message.key for message in claimed]

    assert await claim(NOW, limit=2) == ["m0", "m1"]
    # m2 waits while earlier messages of its recipient are leased (by this or another replica).
    assert await claim(NOW) == []
    assert await claim(NOW + timedelta(seconds=1)) == []
    first = await row(sessionmaker, "m0")
    assert first.attempts == 1 and first.not_before == NOW + LEASE
    # The lease ran out (a crash, say): due again, and counted again.
    assert await claim(NOW + LEASE) == ["m0", "m1", "m2"]
    assert (await row(sessionmaker, "m0")).attempts == 2
    assert await claim(NOW + LEASE + timedelta(minutes=5)) == ["m0", "m1", "m2", "later"]


async def test_outcomes(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    person_id = await make_person(sessionmaker, telegram_id=5010)
    async with sessionmaker.begin() as session:
        await outbox.enqueue_many(session, [item(k, person_id) for k in "abcde"], now=NOW)
        claimed = {
            m.key: m.id for m in await outbox.claim_due(session, limit=9, lease=LEASE, now=NOW)
        }
        await outbox.mark_sent(session, claimed["a"], telegram_message_id=77, now=NOW)
        await outbox.mark_retry(
            session, claimed["b"], delay=timedelta(seconds=4), error="TelegramServerError", now=NOW
        )
        await outbox.mark_held(session, claimed["c"], error="TelegramForbiddenError: blocked")
        await outbox.mark_failed(session, claimed["d"], error="x" * 900)
        await outbox.release_claim(session, [claimed["e"]], not_before=NOW + timedelta(seconds=1))
    a, b, c, d, e = [await row(sessionmaker, key) for key in "abcde"]
    assert (a.state, a.sent_message_id, a.sent_at) == (OutboxState.SENT, 77, NOW)
    assert (b.state, b.not_before, b.last_error, b.attempts) == (
        OutboxState.PENDING,
        NOW + timedelta(seconds=4),
        "TelegramServerError",
        1,
    )
    assert c.state is OutboxState.HELD
    assert d.state is OutboxState.FAILED and len(d.last_error or "") == outbox.MAX_ERROR
    # Handed back unsent: due soon, and the claim's attempt does not count.
    assert (e.state, e.not_before, e.attempts) == (
        OutboxState.PENDING,
        NOW + timedelta(seconds=1),
        0,
    )


async def test_a_chats_message_waits_while_a_concurrent_claim_holds_an_earlier_one(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """After a 429 a chat's two messages fall due at the same moment. Replica A's claim has
    locked the first (not yet committed); replica B, skipping the locked row, must not take the
    second and send it alongside: the chat's order would be lost."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises the claims: one cannot see another's locked rows")
    teacher = await make_person(sessionmaker, telegram_id=5201)
    other = await make_person(sessionmaker, telegram_id=5202)
    async with sessionmaker.begin() as session:
        await outbox.enqueue_many(
            session, [item("t0", teacher), item("t1", teacher), item("o0", other)], now=NOW
        )
    first = await row(sessionmaker, "t0")
    async with sessionmaker() as a, sessionmaker() as b, a.begin():
        await a.execute(
            select(OutboxMessage.id).where(OutboxMessage.id == first.id).with_for_update()
        )
        async with b.begin():
            theirs = await asyncio.wait_for(
                outbox.claim_due(b, limit=5, lease=LEASE, now=NOW), timeout=5
            )
    assert [m.key for m in theirs] == ["o0"]


async def test_concurrent_claims_never_share_a_row(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # One message each for 200 recipients (a recipient's messages are claimed one lease at a
    # time, see the test above).
    async with sessionmaker.begin() as session:
        people = [await f.person(session, None, telegram_id=6000 + i) for i in range(200)]
        await session.flush()
        await outbox.enqueue_many(
            session, [item(f"m{i}", person.id) for i, person in enumerate(people)], now=NOW
        )
    claimed: list[int] = []

    if engine.dialect.name == "postgresql":
        # A claim holding its rows locked (not yet committed) does not block another: the
        # other skips them (SKIP LOCKED) and takes the next ones. (On SQLite the second
        # transaction would wait at BEGIN for the first: transactions are serialised there.)
        async with sessionmaker() as first, sessionmaker() as second:
            async with first.begin():
                mine = await outbox.claim_due(first, limit=5, lease=LEASE, now=NOW)
                async with second.begin():
                    theirs = await asyncio.wait_for(
                        outbox.claim_due(second, limit=5, lease=LEASE, now=NOW), timeout=5
                    )
            assert [m.key for m in mine] == [f"m{i}" for i in range(5)]
            assert [m.key for m in theirs] == [f"m{i}" for i in range(5, 10)]
            claimed += [m.id for m in mine + theirs]

    # Many replicas at once, each claiming until nothing is left.

    async def replica() -> None:
        while True:
            async with sessionmaker.begin() as session:
                batch = await outbox.claim_due(session, limit=7, lease=LEASE, now=NOW)
                await asyncio.sleep(0)
            if not batch:
                return
            claimed.extend(message.id for message in batch)

    await asyncio.gather(*(replica() for _ in range(6)))
    assert len(claimed) == len(set(claimed)) == 200


async def claim_keys(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime = NOW, **kwargs: Any
) -> list[str]:
    async with sessionmaker.begin() as session:
        claimed = await outbox.claim_due(session, lease=LEASE, now=now, **kwargs)
        return [message.key for message in claimed]


async def test_priority_from_the_kind_or_the_caller(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    person_id = await make_person(sessionmaker, telegram_id=5012)
    async with sessionmaker.begin() as session:
        await outbox.enqueue_many(
            session,
            [
                item("status", person_id, method="status"),
                item("refresh", None, method="refresh"),
                *(item(kind, person_id, method=kind) for kind in sorted(outbox.BULK_METHODS)),
                item("imported card", person_id, method="card", priority=OutboxPriority.BULK),
            ],
            now=NOW,
        )
    async with sessionmaker() as session:
        found = await session.execute(select(OutboxMessage.key, OutboxMessage.priority))
        rows = {key: priority for key, priority in found}
    assert rows == {
        "status": OutboxPriority.INTERACTIVE,
        "refresh": OutboxPriority.INTERACTIVE,
        **{kind: OutboxPriority.BULK for kind in outbox.BULK_METHODS},
        "imported card": OutboxPriority.BULK,
    }


async def test_interactive_is_claimed_before_a_bulk_backlog(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    people = [await make_person(sessionmaker, telegram_id=5100 + i) for i in range(10)]
    async with sessionmaker.begin() as session:
        await outbox.enqueue_many(
            session,
            [item(f"digest{i}", people[i % 10], method="digest") for i in range(100)],
            now=NOW,
        )
        await outbox.enqueue(session, item("card edit", people[3], method="refresh"), now=NOW)
    assert await claim_keys(sessionmaker, limit=1) == ["card edit"]
    # Plenty of bulk in hand already: only what is urgent.
    async with sessionmaker.begin() as session:
        await outbox.enqueue(session, item("reply", people[5], method="comment"), now=NOW)
    assert await claim_keys(sessionmaker, limit=50, max_priority=OutboxPriority.INTERACTIVE) == [
        "reply"
    ]


async def test_claim_takes_chats_in_turn(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    busy = await make_person(sessionmaker, telegram_id=5201)
    other = await make_person(sessionmaker, telegram_id=5202)
    async with sessionmaker.begin() as session:
        await outbox.enqueue_many(session, [item(f"busy{i}", busy) for i in range(60)], now=NOW)
        await outbox.enqueue(session, item("other", other), now=NOW)
        # Refreshes address a chat, not a person: each chat is its own turn.
        for key, chat in (("edit a", 1), ("edit b", 1), ("edit c", 2)):
            await outbox.enqueue(
                session,
                OutboxItem(key, None, {"type": "refresh", "chat_id": chat}, method="refresh"),
                now=NOW,
            )
    # The 61st message by age, yet in the first turn; a chat's messages stay in their order.
    assert await claim_keys(sessionmaker, limit=5) == [
        "busy0",
        "other",
        "edit a",
        "edit c",
        "busy1",
    ]
    # While busy0 and busy1 are leased, the recipient's later messages wait for them.
    assert await claim_keys(sessionmaker, limit=50, per_chat=2) == ["edit b"]
    async with sessionmaker.begin() as session:
        for key in ("busy0", "busy1", "other", "edit a", "edit b", "edit c"):
            message = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
            assert message is not None
            await outbox.mark_sent(session, message.id, telegram_message_id=None, now=NOW)
    assert await claim_keys(sessionmaker, limit=50, per_chat=2) == ["busy2", "busy3"]
    async with sessionmaker.begin() as session:
        await outbox.release_claim(
            session,
            list(
                await session.scalars(
                    select(OutboxMessage.id).where(OutboxMessage.key.in_(["busy2", "busy3"]))
                )
            ),
            not_before=NOW,
        )
    assert await claim_keys(sessionmaker, limit=50, skip_people=[busy]) == []
    assert await claim_keys(sessionmaker, limit=1, skip_people=[other]) == ["busy2"]


async def test_prune_deletes_only_old_sent_and_failed_rows_in_batches(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    person_id = await make_person(sessionmaker, telegram_id=5301)
    unlinked = await make_person(sessionmaker)
    old, recent = NOW - timedelta(days=40), NOW - timedelta(days=5)
    async with sessionmaker.begin() as session:
        for when, prefix in ((old, "old"), (recent, "recent")):
            await outbox.enqueue_many(
                session, [item(f"{prefix} sent {i}", person_id) for i in range(5)], now=when
            )
            for key, person in ((f"{prefix} failed", person_id), (f"{prefix} pending", person_id)):
                await outbox.enqueue(session, item(key, person), now=when)
            await outbox.enqueue(session, item(f"{prefix} held", unlinked), now=when)
        keys = {m.key: m.id for m in (await session.scalars(select(OutboxMessage))).all()}
        for key, message_id in keys.items():
            if " sent " in key:
                await outbox.mark_sent(session, message_id, telegram_message_id=1, now=NOW)
            elif key.endswith("failed"):
                await outbox.mark_failed(session, message_id, error="Bad Request")

    cutoff = NOW - timedelta(days=30)
    deleted = []
    while True:
        async with sessionmaker.begin() as session:
            deleted.append(await outbox.prune(session, before=cutoff, limit=4))
        if deleted[-1] < 4:
            break
    assert deleted == [4, 2]
    assert set(await states(sessionmaker)) == {
        "old pending",
        "old held",
        *(f"recent sent {i}" for i in range(5)),
        "recent failed",
        "recent pending",
        "recent held",
    }


async def test_the_scheduler_prunes_the_outbox_in_short_transactions(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.retention import prune_records

    person_id = await make_person(sessionmaker, telegram_id=5302)
    async with sessionmaker.begin() as session:
        await outbox.enqueue_many(
            session, [item(f"old {i}", person_id) for i in range(5)], now=NOW - timedelta(days=31)
        )
        await outbox.enqueue(session, item("recent", person_id), now=NOW - timedelta(days=29))
        for message in (await session.scalars(select(OutboxMessage))).all():
            await outbox.mark_sent(session, message.id, telegram_message_id=1, now=NOW)
    monkeypatch.setattr(outbox, "PRUNE_BATCH", 2)
    with count_statements(engine) as statements:
        assert await prune_records(sessionmaker, NOW, outbox_retention_days=30) == 5
    deletes = [s for s in statements if s.lstrip().upper().startswith("DELETE FROM OUTBOX")]
    assert len(deletes) == 3  # 2 + 2 + 1, each in a transaction of its own
    assert set(await states(sessionmaker)) == {"recent"}
