"""The scheduler's lease (issue: scale-out, item 3): one replica runs the passes; when it dies,
another takes over at its next tick. On PostgreSQL over real connections, one per replica."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.leader import SCHEDULER_LOCK, Leadership
from bot.scheduler import ScheduledWork
from models import Base
from models.engine import create_engine, create_sessionmaker
from tests.conftest import make_database
from tests.test_digest import MONDAY, YEKT, make_schedule, rows, school_with

NINE = datetime.combine(MONDAY, time(9, 0), tzinfo=YEKT)


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    yield from make_database("postgresql", tmp_path)


@pytest.fixture
async def replicas(pg_url: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """Two engines (two replicas' pools) on one new PostgreSQL database."""
    first, second = create_engine(pg_url, pool_size=2), create_engine(pg_url, pool_size=2)
    async with first.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    try:
        yield first, second
    finally:
        await first.dispose()
        await second.dispose()


async def _holder_pid(engine: AsyncEngine) -> int | None:
    async with engine.connect() as connection:
        pid = await connection.scalar(
            text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND objid = :low"
            ),
            {"low": SCHEDULER_LOCK & 0xFFFF_FFFF},
        )
    return int(pid) if pid is not None else None


async def test_one_replica_leads_and_hands_over_on_stop(
    replicas: tuple[AsyncEngine, AsyncEngine],
) -> None:
    first, second = (Leadership(engine) for engine in replicas)
    assert await first.check() is True
    assert await second.check() is False
    assert await first.check() is True  # a leader keeps its lease
    assert first.leading and not second.leading
    await first.release()
    assert not first.leading
    assert await second.check() is True
    assert await first.check() is False
    await second.release()


async def test_a_dead_leaders_lease_goes_to_the_next_replica(
    replicas: tuple[AsyncEngine, AsyncEngine],
) -> None:
    engine_one, engine_two = replicas
    first, second = Leadership(engine_one), Leadership(engine_two)
    assert await first.check() is True
    pid = await _holder_pid(engine_two)
    assert pid is not None
    # The leader's connection dies as it would with its process (kill -9): the server frees it.
    async with engine_two.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        # The call returns before the backend has exited and freed its locks.
        for _ in range(200):
            gone = await connection.scalar(
                text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            )
            if gone:
                break
            await asyncio.sleep(0.05)
    assert await second.check() is True
    assert await _holder_pid(engine_one) != pid
    # The old leader notices at its next check, and follows.
    assert await first.check() is False
    assert not first.leading
    await second.release()


async def test_no_transaction_stays_open_on_the_leaders_connection(
    replicas: tuple[AsyncEngine, AsyncEngine],
) -> None:
    first = Leadership(replicas[0])
    assert await first.check() and await first.check()
    async with replicas[1].connect() as connection:
        idle_in_transaction = await connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
            )
        )
    assert idle_in_transaction == 0
    await first.release()


async def test_a_follower_runs_no_passes(replicas: tuple[AsyncEngine, AsyncEngine]) -> None:
    engine_one, engine_two = replicas
    sessionmaker = create_sessionmaker(engine_one)
    await school_with(sessionmaker)
    leader = Leadership(engine_one)
    assert await leader.check()
    follower = ScheduledWork(
        make_schedule(),
        create_sessionmaker(engine_two),
        now=lambda: NINE,
        leadership=Leadership(engine_two),
    )
    await follower.tick()
    assert await rows(sessionmaker) == []
    await leader.release()
    await follower.tick()  # the lease is free now: this replica leads and sends the digest
    assert len(await rows(sessionmaker)) == 1
    await follower.shutdown()


async def test_on_sqlite_every_process_leads(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        leadership = Leadership(engine)
        assert leadership.leading and await leadership.check()
        await leadership.release()
        assert leadership.leading
    finally:
        await engine.dispose()
