"""Looking people up by their Telegram account."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from models import Person

# Read on every update: one statement with the roles joined (instead of a second one that loads
# them), built once so SQLAlchemy computes its cache key once, not per update.
_BY_TELEGRAM = (
    select(Person)
    .options(joinedload(Person.role_rows))
    .where(Person.telegram_id == bindparam("telegram_id"))
)


async def person_by_telegram(session: AsyncSession, telegram_id: int) -> Person | None:
    result = await session.scalars(_BY_TELEGRAM, {"telegram_id": telegram_id})
    return result.unique().first()
