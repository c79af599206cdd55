"""An account with consent but no person yet: link by typed code or by own phone number.

Until then everything else gets an explanation of how to get access (PRODUCT.md §4.1).
"""

from __future__ import annotations

import re

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.entry.keyboards import share_phone_keyboard
from handlers.entry.start import greet, welcome
from handlers.filters import Unlinked
from services.linking import (
    PersonLinkedElsewhere,
    PhoneAmbiguous,
    PhoneNotFound,
    link_by_phone,
)

# What an invitation code looks like: Telegram's deep-link alphabet, long enough to be one.
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


async def shared_contact(
    message: Message, bot: Bot, session: AsyncSession, settings: HandlerSettings
) -> None:
    contact = message.contact
    assert contact is not None and message.from_user is not None
    if contact.user_id != message.from_user.id:
        await message.answer(texts.LINK_NOT_OWN_CONTACT, reply_markup=share_phone_keyboard())
        return
    try:
        linked = await link_by_phone(
            session, message.from_user.id, contact.phone_number, tz=settings.tz
        )
    except PhoneNotFound:
        await message.answer(texts.LINK_PHONE_NOT_FOUND, reply_markup=ReplyKeyboardRemove())
        return
    except PhoneAmbiguous:
        await message.answer(texts.LINK_PHONE_AMBIGUOUS, reply_markup=ReplyKeyboardRemove())
        return
    except PersonLinkedElsewhere:
        await message.answer(texts.LINK_PERSON_TAKEN, reply_markup=ReplyKeyboardRemove())
        return
    await greet(bot, message.chat.id, linked.person, linked.waiting)


async def typed_code(
    message: Message, bot: Bot, session: AsyncSession, settings: HandlerSettings
) -> None:
    assert message.text is not None
    await welcome(bot, message.chat.id, session, None, settings, message.text.strip())


async def anything_else(message: Message) -> None:
    await message.answer(texts.HOW_TO_GET_ACCESS, reply_markup=share_phone_keyboard())


async def press_before_linking(query: CallbackQuery) -> None:
    await query.answer(texts.LINK_FIRST, show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Unlinked())
    router.callback_query.filter(Unlinked())
    router.message.register(shared_contact, F.contact)
    router.message.register(typed_code, F.text.regexp(CODE_RE))
    router.message.register(anything_else)
    router.callback_query.register(press_before_linking)
    return router
