"""Consent to personal-data processing (152-ФЗ), stored with its time and text version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ConsentRecord, utcnow


async def has_consented(session: AsyncSession, telegram_id: int, version: str) -> bool:
    found = await session.scalar(
        select(ConsentRecord.id).where(
            ConsentRecord.telegram_id == telegram_id, ConsentRecord.version == version
        )
    )
    return found is not None


async def record_consent(
    session: AsyncSession, telegram_id: int, version: str, now: datetime | None = None
) -> bool:
    """Store the acceptance; False when it was already stored (a repeated press)."""
    if await has_consented(session, telegram_id, version):
        return False
    session.add(
        ConsentRecord(telegram_id=telegram_id, version=version, accepted_at=now or utcnow())
    )
    await session.flush()
    return True
