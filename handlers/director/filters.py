"""Who may act on directors' screens, read from the database at each update."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import (
    TelegramObject,
)
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.config import HandlerSettings
from models import Person, Role, utcnow
from services import listing
from services.locality import person_today


class Decider(Filter):
    """A director or an active deputy; puts `org_ids` (their schools) into handler data."""

    async def __call__(
        self,
        event: TelegramObject,
        session: AsyncSession,
        settings: HandlerSettings,
        person: Person | None = None,
    ) -> bool | dict[str, Any]:
        if person is None:
            return False
        today = person_today(person, utcnow(), settings.tz)
        org_ids = await listing.decided_organizations(session, person, today)
        return {"org_ids": org_ids} if org_ids else False


class Director(Filter):
    """Holds the director role in a school (the active role does not matter for rights)."""

    async def __call__(self, event: TelegramObject, person: Person | None = None) -> bool:
        return person is not None and Role.DIRECTOR in person.roles and bool(person.organization_id)
