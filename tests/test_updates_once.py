"""Updates handled once across replicas (issue: scale-out, item 2), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import HandledUpdate, utcnow
from services.updates import RETENTION, claim_update, prune_handled


async def _claim(sessionmaker: async_sessionmaker[AsyncSession], update_id: int) -> bool:
    async with sessionmaker.begin() as session:
        return await claim_update(session, update_id)


async def test_an_update_is_claimed_once(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    assert await _claim(sessionmaker, 10) is True
    assert await _claim(sessionmaker, 10) is False
    assert await _claim(sessionmaker, 11) is True


async def test_a_second_replica_waits_for_the_first_and_then_skips(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as first:
        assert await claim_update(first, 20) is True
        second = asyncio.create_task(_claim(sessionmaker, 20))
        await asyncio.sleep(0.3)
        assert not second.done()  # the first replica's transaction is still open
        await first.commit()
    assert await asyncio.wait_for(second, 10) is False


async def test_an_update_whose_handler_died_is_handled_by_the_retry(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as first:
        assert await claim_update(first, 30) is True
        second = asyncio.create_task(_claim(sessionmaker, 30))
        await asyncio.sleep(0.3)
        await first.rollback()  # as a replica killed mid-update: nothing committed
    assert await asyncio.wait_for(second, 10) is True


async def test_old_updates_are_forgotten(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    now = utcnow()
    async with sessionmaker.begin() as session:
        assert await claim_update(session, 40, now - RETENTION - timedelta(minutes=1))
        assert await claim_update(session, 41, now - RETENTION + timedelta(minutes=1))
    async with sessionmaker.begin() as session:
        assert await prune_handled(session, now) == 1
    async with sessionmaker() as session:
        kept = await session.scalars(select(HandledUpdate.update_id))
        assert list(kept) == [41]
        assert await session.scalar(select(func.count()).select_from(HandledUpdate)) == 1
