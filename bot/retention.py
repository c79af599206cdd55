"""Retention: card records and sent or failed outbox rows older than their keep, deleted in
bounded batches a tick, each batch in a short transaction of its own."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import cards, outbox, updates

DEFAULT_CARD_RETENTION_DAYS: Final = 90
DEFAULT_OUTBOX_RETENTION_DAYS: Final = 30
# Batches of sent and failed outbox rows deleted per tick at most, each its own transaction:
# 10,000 rows a minute works off the backlog of a first start within hours, never in one go.
OUTBOX_PRUNE_BATCHES: Final = 5


async def prune_records(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    *,
    card_retention_days: int = DEFAULT_CARD_RETENTION_DAYS,
    outbox_retention_days: int = DEFAULT_OUTBOX_RETENTION_DAYS,
) -> int:
    """One bounded batch of retention, in its own short transaction; return the rows deleted.

    A batch a minute keeps up with any real inflow, and a backlog (the first start after an
    upgrade) is worked off without one long write lock.
    """
    async with sessionmaker.begin() as session:
        deleted = await cards.prune_cards(session, now=now, retention_days=card_retention_days)
        deleted += await updates.prune_handled(session, now)
    return deleted + await prune_outbox(sessionmaker, now, retention_days=outbox_retention_days)


async def prune_outbox(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    *,
    retention_days: int = DEFAULT_OUTBOX_RETENTION_DAYS,
) -> int:
    """Sent and failed outbox rows older than the retention, a few short batches at most."""
    before = now - timedelta(days=retention_days)
    deleted = 0
    for _ in range(OUTBOX_PRUNE_BATCHES):
        async with sessionmaker.begin() as session:
            batch = await outbox.prune(session, before=before, limit=outbox.PRUNE_BATCH)
        deleted += batch
        if batch < outbox.PRUNE_BATCH:
            break
    return deleted
