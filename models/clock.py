"""The database's clock, for leases that several replicas must read alike.

A lease (an outbox message claimed until now + 30 s) is written by one replica and honoured by
the others: if their clocks disagreed by more than a few seconds, a replica could take over a
message another one is still sending, and the chat would get it twice. So the senders write
and compare lease times on the database's clock rather than their own.

`DatabaseClock.now()` is this machine's UTC time plus an offset measured against the database
(`SELECT clock_timestamp()`), read at start and then once a minute in the background (`run`):
no statement is added to any claim. On SQLite the database is on this machine, so the offset
is zero and nothing is read. If a reading fails, the last offset stays (logged, no traceback).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from models.base import utcnow

log = logging.getLogger(__name__)

# Seconds between two readings of the database's clock.
SYNC_EVERY: Final = 60.0


class DatabaseClock:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        local: Callable[[], datetime] = utcnow,
        every: float = SYNC_EVERY,
    ) -> None:
        self._engine = engine
        self._local = local
        self._every = every
        self.offset = timedelta(0)
        self.remote = engine.dialect.name == "postgresql"

    def now(self) -> datetime:
        return self._local() + self.offset

    async def sync(self) -> None:
        """Measure the offset now (half the round trip is taken as the reading's moment)."""
        if not self.remote:
            return
        before = time.monotonic()
        local = self._local()
        async with self._engine.connect() as connection:
            remote = (await connection.execute(text("SELECT clock_timestamp()"))).scalar_one()
        trip = timedelta(seconds=time.monotonic() - before)
        self.offset = remote - (local + trip / 2)

    async def try_sync(self) -> None:
        try:
            await self.sync()
        except Exception as exc:  # the last offset stays; leases keep working
            log.warning("database clock not read (%s); last offset kept", type(exc).__name__)

    async def run(self) -> None:
        """Keep the offset fresh until cancelled (the first reading is the caller's)."""
        while self.remote:
            await asyncio.sleep(self._every)
            await self.try_sync()
