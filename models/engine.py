"""Engine and session factory.

SQLite is the embedded default, so it is set up the way a concurrent writer needs it:

* WAL, so readers never wait for the writer;
* ``busy_timeout``, so a writer waits for the lock instead of failing with "database is locked";
* foreign keys on;
* a transaction begins ``IMMEDIATE`` unless it was opened read-only. With pysqlite's default
  (a deferred ``BEGIN``) two transactions may both read, then both try to write: one of them
  gets SQLITE_BUSY at once, with no waiting, because SQLite cannot upgrade a read snapshot that
  a concurrent write has made stale. Taking the write lock at ``BEGIN`` turns that into an
  orderly queue. A unit of work that only reads says so (`READ_ONLY`, see `read_only()`) and
  begins ``DEFERRED``: it takes no write lock at all, and in WAL mode nothing blocks it.

The write lock is one per database, so a transaction that holds it must be short: no
transaction is ever open across a network call (see `bot.middlewares.UnitOfWorkMiddleware`
and `bot.telegram.CommitBeforeCall`). Within one process, writers queue for it in order on an
asyncio lock (`WriterQueue`) instead of sleeping in SQLite's busy handler.
"""

from __future__ import annotations

import asyncio
import weakref
from enum import IntEnum
from typing import Any

from sqlalchemy import Column, Insert, Table, event, insert, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_only

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Execution option of a connection whose transaction only reads (SQLite: BEGIN DEFERRED).
READ_ONLY_OPTION = "dpo_read_only"
READ_ONLY: dict[str, Any] = {READ_ONLY_OPTION: True}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


# Connections one process keeps to PostgreSQL at most (DATABASE_POOL_SIZE): updates, the
# sender, the scheduler and the API share them; a stock server allows 100 in all.
DEFAULT_POOL_SIZE = 10


def create_engine(url: str, *, pool_size: int | None = None, **kwargs: Any) -> AsyncEngine:
    # SQL errors would otherwise carry row values (names, phones) into logs.
    kwargs.setdefault("hide_parameters", True)
    if not is_sqlite(url):
        kwargs.setdefault("pool_pre_ping", True)
        # A hard bound: no overflow beyond the pool, a waiter gets the next free connection.
        kwargs.setdefault("pool_size", pool_size or DEFAULT_POOL_SIZE)
        kwargs.setdefault("max_overflow", 0)
        # asyncpg keeps statements prepared, and PostgreSQL may then settle on a generic plan
        # made while a table was nearly empty (right after a first import): lookups that
        # should take microseconds took seconds. Plan each execution for its real arguments.
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("server_settings", {}).setdefault(
            "plan_cache_mode", "force_custom_plan"
        )
        return create_async_engine(url, **kwargs)

    connect_args = kwargs.pop("connect_args", {})
    # The driver's own lock wait; the PRAGMA below sets the same for SQLite itself.
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    engine = create_async_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite, so that the "begin" hook below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    writers = WriterQueue()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY_OPTION, False):
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        dbapi_connection = connection.connection.dbapi_connection
        writers.enter(dbapi_connection)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writers.leave(dbapi_connection)
            raise

    writers.install(engine.sync_engine.dialect)
    return engine


# How long a writer waits for this process's turn before it queues on SQLite's own lock.
WRITER_TURN_TIMEOUT = 5.0


async def _acquire(lock: asyncio.Lock, seconds: float) -> bool:
    try:
        async with asyncio.timeout(seconds):
            await lock.acquire()
    except TimeoutError:
        return False
    return True


class WriterQueue:
    """One writing transaction at a time in this process, in the order they began (SQLite).

    SQLite has one write lock per database. Left to itself, every transaction that finds it
    taken sleeps in SQLite's busy handler (1, 2, 5 ... 100 ms) and tries again, so under a
    burst of updates the lock sits free while writers sleep, and the last ones wait longest.
    Here a writer first waits for its turn on an asyncio lock (released the moment the previous
    writer's COMMIT or ROLLBACK has returned), so writers of one process follow each other
    without sleeping, first come first served. Other processes, and a writer that waited
    `WRITER_TURN_TIMEOUT` for its turn (a task that opened a second writing transaction inside
    its first), fall back to the busy handler, as before. Readers never queue here.
    """

    def __init__(self) -> None:
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        # The DBAPI connections (by id) whose transaction holds the turn, and whose lock.
        self._holders: dict[int, asyncio.Lock] = {}

    def enter(self, dbapi_connection: Any) -> None:
        """Wait for the turn (called in SQLAlchemy's greenlet, before BEGIN IMMEDIATE)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # synchronous use (no loop): SQLite's own lock only
            return
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        if not await_only(_acquire(lock, WRITER_TURN_TIMEOUT)):
            return
        self._holders[id(getattr(dbapi_connection, "dbapi_connection", dbapi_connection))] = lock

    def leave(self, dbapi_connection: Any) -> None:
        # The dialect's methods get the pool's proxy or the driver's connection: key by the latter.
        raw = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        lock = self._holders.pop(id(raw), None)
        if lock is not None:
            lock.release()

    def install(self, dialect: Any) -> None:
        """Give the turn back after the transaction has ended, however it ends."""
        for name in ("do_commit", "do_rollback", "do_close"):
            original = getattr(dialect, name)

            def ended(dbapi_connection: Any, _original: Any = original) -> None:
                try:
                    _original(dbapi_connection)
                finally:
                    self.leave(dbapi_connection)

            setattr(dialect, name, ended)


async def read_only(session: AsyncSession) -> None:
    """Open the session's next transaction read-only: on SQLite it then takes no write lock.

    Must be called before the transaction's first statement; a write inside it is still
    possible but may fail with SQLITE_BUSY under concurrency, so only readers should use it.
    """
    if not session.in_transaction():
        await session.connection(execution_options=READ_ONLY)


def create_sessionmaker(
    engine: AsyncEngine, *, info: dict[str, Any] | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions of one process; `info` is what every session knows of it (`Session.info`),
    such as whether status webhooks are on (`services.notifications.STATUS_WEBHOOKS`)."""
    return async_sessionmaker(engine, expire_on_commit=False, info=dict(info or {}))


class AdvisoryLock(IntEnum):
    """The project's PostgreSQL advisory lock keys, in one place so that they never collide
    (any constants shared by every replica; the ASCII of a short name)."""

    MIGRATIONS = 0x6470_6F2D_6D69_67  # "dpo-mig": `migrations/env.py`
    SCHEDULED_PASSES = 0x6470_6F70_6173  # "dpopas": `bot.passes.run_passes`
    SCHEDULER_LEASE = 0x6470_6F73_6368  # "dposch": `bot.leader.Leadership`


async def serialize(session: AsyncSession, key: int) -> None:
    """Make the session's transaction wait for every other one that asked with `key` (until it
    ends). PostgreSQL: a transaction-scoped advisory lock. SQLite: nothing more is needed, a
    writing transaction already holds the database's one write lock from BEGIN."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(key)})


class InsertNew:
    """An INSERT that skips rows whose key exists and returns the keys it wrote, compiled once
    per dialect. SQLite: INSERT OR IGNORE (it would also skip a NOT NULL or CHECK violation,
    which callers' rows cannot have); unlike the dialect's ON CONFLICT construct it is
    cacheable, so SQLAlchemy compiles it once. PostgreSQL: ON CONFLICT (key) DO NOTHING."""

    def __init__(self, table: Table, key: Column[Any]) -> None:
        self._sqlite = insert(table).prefix_with("OR IGNORE").returning(key)
        self._postgresql = (
            postgresql.insert(table).on_conflict_do_nothing(index_elements=[key]).returning(key)
        )

    def statement(self, session: AsyncSession) -> Insert:
        if session.get_bind().dialect.name == "sqlite":
            return self._sqlite
        return self._postgresql
