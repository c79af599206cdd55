"""Leases on the database's clock: a replica whose own clock is wrong still leases right."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from models import utcnow
from models.clock import DatabaseClock

SKEW = timedelta(hours=1)


async def test_a_clock_an_hour_ahead_is_corrected_by_the_database(engine: AsyncEngine) -> None:
    clock = DatabaseClock(engine, local=lambda: utcnow() + SKEW)
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    await clock.sync()
    if engine.dialect.name == "postgresql":
        # The database and this test share a machine: its clock is the true one here.
        assert abs(clock.now() - utcnow()) < timedelta(seconds=2)
        assert any("clock_timestamp" in sql for sql in statements)
    else:
        # SQLite runs on this machine: nothing to read, nothing to correct.
        assert clock.offset == timedelta(0) and statements == []


async def test_an_unreadable_database_keeps_the_last_offset(engine: AsyncEngine) -> None:
    clock = DatabaseClock(engine, local=lambda: utcnow() + SKEW)
    await clock.sync()
    offset = clock.offset
    await engine.dispose()
    clock._engine = _Broken()  # type: ignore[assignment]
    clock.remote = True  # on SQLite too: a reading is attempted and fails
    await clock.try_sync()  # logged, not raised
    assert clock.offset == offset


class _Broken:
    def connect(self) -> object:
        raise ConnectionRefusedError("database away")
