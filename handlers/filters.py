"""Filters that read what the middlewares put into handler data, and one of callback families."""

from __future__ import annotations

from enum import Enum

from aiogram import F
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, TelegramObject

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


class AnyValueOf(Filter):
    """A press of a callback family's button whatever its enum fields hold.

    An enum field refuses a value it does not know, so `Family.filter()` lets an old or forged
    value fall through to the general fallback. This filter matches what `Family.filter()`
    matched while those fields were plain strings (the prefix, the number of fields, every other
    field valid), so that the family's own catch-all keeps the answer such a press always had.
    """

    def __init__(self, family: type[CallbackData]) -> None:
        self.family = family

    async def __call__(self, query: CallbackQuery) -> bool:
        family = self.family
        if not isinstance(query, CallbackQuery) or not query.data:
            return False
        prefix, *parts = query.data.split(family.__separator__)
        fields = list(family.model_fields.values())
        if prefix != family.__prefix__ or len(parts) != len(fields):
            return False
        for index, field in enumerate(fields):
            kind = field.annotation
            if not (isinstance(kind, type) and issubclass(kind, Enum)):
                continue
            if parts[index] not in {str(member.value) for member in kind}:
                # Any value the enum knows: only the other fields are left to check.
                parts[index] = str(next(iter(kind)).value)
        try:
            family.unpack(family.__separator__.join([prefix, *parts]))
        except (TypeError, ValueError):
            return False
        return True


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
