"""Updates handled once across replicas (webhook mode): Telegram retries a webhook whose
answer it did not get, and the retry may reach another replica (PRODUCT.md §8).

`claim_update` is the first statement of the update's write transaction: it records the
update id, or finds it recorded and tells the caller to skip the update. Two replicas given
the same update at once: the second one's insert waits for the first transaction and then
finds the row (PostgreSQL), or waits for the write lock (SQLite). A replica that dies before
committing leaves no row, and the retry is handled in full.

The claim stays in the database when REDIS_URL is set, too: only there is it one transaction
with the update's own changes. A Redis key set before the commit would make the retry of an
update whose replica died skip it (lost); set after the commit, a retry arriving in between
would be handled twice. The rows are kept for RETENTION and pruned in bounded batches.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import HandledUpdate, utcnow
from models.engine import InsertNew

# Telegram gives up retrying a webhook within a day; twice that is kept.
RETENTION: Final = timedelta(hours=48)
PRUNE_BATCH: Final = 5_000

_TABLE: Any = HandledUpdate.__table__
_CLAIM = InsertNew(_TABLE, _TABLE.c.update_id)


async def claim_update(session: AsyncSession, update_id: int, now: datetime | None = None) -> bool:
    """Record the update as handled in the session's transaction; False if it already was."""
    result = await session.execute(
        _CLAIM.statement(session), {"update_id": update_id, "handled_at": now or utcnow()}
    )
    return result.first() is not None


async def prune_handled(session: AsyncSession, now: datetime) -> int:
    """Forget one batch of updates older than the retention (an indexed, bounded delete)."""
    oldest = (
        select(HandledUpdate.update_id)
        .where(HandledUpdate.handled_at < now - RETENTION)
        .order_by(HandledUpdate.handled_at)
        .limit(PRUNE_BATCH)
    )
    result = await session.execute(
        delete(HandledUpdate).where(HandledUpdate.update_id.in_(oldest.scalar_subquery()))
    )
    return int(getattr(result, "rowcount", 0) or 0)
