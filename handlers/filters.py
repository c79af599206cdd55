"""Filters that read what the middlewares put into handler data."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import Filter
from aiogram.types import TelegramObject

from handlers import texts
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


# Words of the menu buttons: a prompt never takes them as its input (they open their screen).
MENU_BUTTONS = frozenset(
    {
        texts.BTN_MENU_APPLICATIONS,
        texts.BTN_MENU_MY,
        texts.BTN_MENU_DEPUTY,
        texts.BTN_MENU_SETTINGS,
        texts.BTN_MENU_ROLE,
        texts.BTN_MENU_HELP,
        texts.BTN_MENU_STAFF_QUEUE,
        texts.BTN_MENU_STAFF_OVERVIEW,
        texts.BTN_MENU_STAFF_EXPORT,
    }
)
# A filter for prompts: a menu word pressed while a question is open is not its answer.
NOT_MENU = ~F.text.in_(MENU_BUTTONS)
# A typed answer to a prompt: text, not a command, not a menu word.
TYPED = (F.text, ~F.text.startswith("/"), NOT_MENU)
