"""Claiming due webhook rows: a batch under a lease, each application's events in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import OutboxChannel, OutboxMessage, OutboxState
from services import outbox

BATCH: Final = 100


@dataclass(frozen=True)
class Job:
    message_id: int
    application_id: int | None
    attempts: int
    payload: dict[str, Any]


async def claim(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    lease: timedelta,
    now: datetime,
    hold: timedelta,
) -> list[Job]:
    """Claim up to `BATCH` due rows in one transaction; those that must wait are handed back.

    A row waits (due again after `hold`) while an earlier row of its application is unsent.
    """
    async with sessionmaker.begin() as session:
        claimed = await outbox.claim_due(
            session, limit=BATCH, lease=lease, now=now, channel=OutboxChannel.WEBHOOK
        )
        if not claimed:
            return []
        jobs = [Job(m.id, m.application_id, m.attempts, dict(m.payload)) for m in claimed]
        blocked = await _blocked(session, jobs)
        if blocked:
            # An earlier event of the same application is still unsent (waiting for its
            # retry): these wait too, handed back without counting an attempt.
            held = [job.message_id for job in jobs if job.application_id in blocked]
            await outbox.release_claim(session, held, not_before=now + hold)
            jobs = [job for job in jobs if job.application_id not in blocked]
    return jobs


async def _blocked(session: AsyncSession, jobs: Sequence[Job]) -> set[int]:
    first: dict[int, int] = {}
    for job in jobs:
        if job.application_id is not None:
            first.setdefault(job.application_id, job.message_id)
    if not first:
        return set()
    rows = await session.execute(
        select(OutboxMessage.application_id, func.min(OutboxMessage.id))
        .where(
            OutboxMessage.channel == OutboxChannel.WEBHOOK,
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.application_id.in_(list(first)),
        )
        .group_by(OutboxMessage.application_id)
    )
    return {app_id for app_id, earliest in rows if app_id is not None and earliest < first[app_id]}
