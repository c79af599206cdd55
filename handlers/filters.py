"""Filters that read what the middlewares put into handler data."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from models import Person, Role


class NotConsented(Filter):
    async def __call__(self, event: TelegramObject, consented: bool = False) -> bool:
        return not consented


class Unlinked(Filter):
    """The Telegram account is not linked to a person yet."""

    async def __call__(self, event: TelegramObject, person: Person | None = None) -> bool:
        return person is None


class Unreachable(Filter):
    """A linked person whom the bot marked unreachable (they had blocked it)."""

    async def __call__(self, event: TelegramObject, person: Person | None = None) -> bool:
        return person is not None and not person.reachable


class IsStaff(Filter):
    """The linked person holds the role «Работник ЧИРО» (whatever role is active)."""

    async def __call__(self, event: TelegramObject, person: Person | None = None) -> bool:
        return person is not None and Role.STAFF in person.roles
