"""SQLite set up for concurrent writers, and migrations that match the models on both databases."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
import sqlalchemy.exc
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection

from bot import migrate
from models import Base, FsmRecord
from models.engine import (
    READ_ONLY,
    WRITER_TURN_TIMEOUT,
    create_engine,
    create_sessionmaker,
    is_sqlite,
)


async def test_sqlite_pragmas(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            assert (await connection.scalar(text("PRAGMA journal_mode"))) == "wal"
            assert (await connection.scalar(text("PRAGMA foreign_keys"))) == 1
            assert (await connection.scalar(text("PRAGMA busy_timeout"))) >= 5000
    finally:
        await engine.dispose()


async def test_200_parallel_read_then_write_transactions_lose_nothing(sqlite_url: str) -> None:
    """Each transaction reads a counter, yields to the others, then writes counter + 1.

    With pysqlite's deferred BEGIN this either loses updates or fails with "database is
    locked"; with BEGIN IMMEDIATE and a busy timeout every increment lands.
    """
    engine = create_engine(sqlite_url, pool_size=20, max_overflow=0)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        async with sessionmaker.begin() as session:
            session.add(FsmRecord(key="counter", data={"n": 0}))

        async def increment() -> None:
            async with sessionmaker.begin() as session:
                record = await session.scalar(select(FsmRecord).where(FsmRecord.key == "counter"))
                assert record is not None
                seen = record.data["n"]
                await asyncio.sleep(0.001)  # let the other transactions interleave
                record.data = {"n": seen + 1}

        await asyncio.gather(*(increment() for _ in range(200)))

        async with sessionmaker() as session:
            record = await session.scalar(select(FsmRecord).where(FsmRecord.key == "counter"))
            assert record is not None
            assert record.data["n"] == 200
    finally:
        await engine.dispose()


async def test_writers_of_one_process_take_turns_in_the_order_they_began(sqlite_url: str) -> None:
    """Twenty writing transactions started one after another write in that order, each after
    the previous one's commit; SQLite's busy handler alone would let them in as its sleeps fall.
    """
    engine = create_engine(sqlite_url, max_overflow=0)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        # The pool's connections open beforehand: opening one takes a varying while of its own.
        async with contextlib.AsyncExitStack() as stack:
            for _ in range(engine.pool.size()):  # type: ignore[attr-defined]
                connection = await stack.enter_async_context(engine.connect())
                connection = await connection.execution_options(**READ_ONLY)
                await connection.execute(text("SELECT 1"))
        order: list[int] = []
        inside = 0

        async def write(n: int) -> None:
            nonlocal inside
            async with sessionmaker.begin() as session:
                session.add(FsmRecord(key=f"w{n}", data={}))
                await session.flush()
                inside += 1
                assert inside == 1, "two writers at once"
                order.append(n)
                await asyncio.sleep(0.005)  # hold the turn a while: the others queue
                inside -= 1

        tasks = []
        for n in range(20):
            tasks.append(asyncio.create_task(write(n)))
            await asyncio.sleep(0.002)  # each begins after the previous one
        await asyncio.gather(*tasks)
        assert order == list(range(20))
    finally:
        await engine.dispose()


async def test_the_writers_turn_is_given_back_however_a_transaction_ends(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url, pool_size=2, max_overflow=0)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        with pytest.raises(RuntimeError):
            async with sessionmaker.begin() as session:
                session.add(FsmRecord(key="rolled back", data={}))
                await session.flush()
                raise RuntimeError("the handler failed")
        with pytest.raises(sqlalchemy.exc.IntegrityError):
            async with sessionmaker.begin() as session:
                session.add_all([FsmRecord(key="twice", data={}), FsmRecord(key="twice", data={})])
        async with engine.connect() as connection:  # begun, closed without commit
            await connection.execute(text("SELECT 1"))
        # Each of those gave the turn back: the next writer gets it at once, not after
        # WRITER_TURN_TIMEOUT.
        async with asyncio.timeout(WRITER_TURN_TIMEOUT / 2):
            async with sessionmaker.begin() as session:
                session.add(FsmRecord(key="next", data={}))
    finally:
        await engine.dispose()


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_upgrade_downgrade_upgrade_match_the_models(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        async with engine.begin() as connection:
            await migrate.upgrade_connection(connection)
            tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
            assert set(Base.metadata.tables) <= tables
            assert await connection.run_sync(_diff) == []
        async with engine.begin() as connection:
            await migrate.downgrade_connection(connection, "base")
            tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
            assert tables <= {"alembic_version"}
        async with engine.begin() as connection:
            await migrate.upgrade_connection(connection)
            assert await connection.run_sync(_diff) == []
    finally:
        await engine.dispose()


async def test_a_process_opens_at_most_its_pool_of_postgresql_connections(db_url: str) -> None:
    if is_sqlite(db_url):
        pytest.skip("SQLite has no connection limit to keep")
    engine = create_engine(db_url, pool_size=2, pool_timeout=0.5)
    try:
        first = await engine.connect()
        second = await engine.connect()
        # The third waits for one of the two instead of opening another connection.
        with pytest.raises(sqlalchemy.exc.TimeoutError):
            await engine.connect()
        await first.close()
        third = await engine.connect()  # the freed one
        await third.close()
        await second.close()
    finally:
        await engine.dispose()


def test_the_pool_size_is_a_setting_used_by_the_bot(tmp_path: Path) -> None:
    from bot.app import build_bot, build_runtime
    from bot.settings import database_engine, load_settings

    settings = load_settings(
        database_url="postgresql+asyncpg://dpo@127.0.0.1:5432/test",
        database_pool_size=3,
        database_max_overflow=2,
        bot_token="123:abc",
    )
    runtime = build_runtime(settings, build_bot(settings))
    # The sender leases on the database's clock.
    assert runtime.sender._now == runtime.clock.now and runtime.clock.remote
    assert runtime.engine.pool.size() == 3  # type: ignore[attr-defined]
    assert runtime.engine.pool._max_overflow == 2  # type: ignore[attr-defined]
    # By default a hard bound: a waiter gets the next connection returned.
    default = database_engine(load_settings(database_url=settings.database_url))
    assert default.pool._max_overflow == 0  # type: ignore[attr-defined]


def test_the_known_head_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    assert script.get_current_head() == migrate.HEAD


@pytest.mark.parametrize("behind", [None, "0006"])
def test_a_new_or_older_database_is_brought_to_the_head(tmp_path: Path, behind: str | None) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    if behind is not None:
        migrate.upgrade(url, behind)
    assert not migrate.up_to_date(url)
    migrate.prepare(url)
    assert asyncio.run(migrate.stored_revision(url)) == migrate.HEAD
