"""Which replica runs the scheduled passes: the one that holds the scheduler's lease.

On PostgreSQL the lease is a session-level advisory lock held on one connection of the
leader's pool (it takes one of DATABASE_POOL_SIZE). Every replica asks at each tick of its
scheduler (once a minute): the leader checks that its connection is alive, the others try to
take the lock. When the leader dies, its connection closes, the server frees the lock, and
another replica takes it at its next tick: failover within a minute. A leader cut off from the
server (not dead) loses the lease once the server notices the dropped connection (TCP
keepalive), and stops running passes as soon as its own check fails; the passes themselves
queue behind a transaction lock too (`models.engine.serialize`) and the once-a-day records,
so two leaders for a moment still send one digest.

On SQLite there is one database file and, in practice, one process: every process leads, and
the write lock taken at BEGIN queues their passes.
"""

from __future__ import annotations

import logging
from typing import Final

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from models.engine import AdvisoryLock

log = logging.getLogger(__name__)

SCHEDULER_LOCK: Final = int(AdvisoryLock.SCHEDULER_LEASE)


class Leadership:
    """The scheduler's lease of one process."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._shared = engine.dialect.name == "postgresql"
        self._connection: AsyncConnection | None = None

    @property
    def leading(self) -> bool:
        """Whether this process held the lease at its last check."""
        return not self._shared or self._connection is not None

    async def check(self) -> bool:
        """Keep the lease, or take it if it is free; True when this process leads now."""
        if not self._shared:
            return True
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                await self._connection.commit()
                return True
            except Exception as exc:
                log.warning("scheduler lease lost (%s)", type(exc).__name__)
                await self._drop()
        connection = await self._engine.connect()
        try:
            taken = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": SCHEDULER_LOCK}
            )
            # The lock is the session's and outlives the transaction; no transaction stays open.
            await connection.commit()
        except BaseException:
            await connection.close()
            raise
        if not taken:
            await connection.close()
            return False
        self._connection = connection
        log.info("this process runs the scheduled passes now")
        return True

    async def release(self) -> None:
        """Give the lease up (on stop), so that another replica takes it at once."""
        if self._connection is None:
            return
        try:
            await self._connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEDULER_LOCK}
            )
            await self._connection.commit()
        except Exception as exc:
            log.warning("scheduler lease not released cleanly (%s)", type(exc).__name__)
        await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:
                await connection.invalidate()
