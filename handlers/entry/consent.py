"""The consent gate: before the consent is accepted, everything gets the consent again.

The whole text once, then a short reminder with the same «Ознакомился» button: a person who
writes three times before reading it is not sent three screens of law. `/start` always shows
the whole text (`handlers.entry.start`).
"""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers import texts
from handlers.entry.keyboards import consent_keyboard
from handlers.filters import NotConsented

# Conversation data: the whole consent text was shown in this chat.
SHOWN = "consent_shown"


async def message_before_consent(message: Message, state: FSMContext) -> None:
    if (await state.get_data()).get(SHOWN):
        await message.answer(texts.CONSENT_REMINDER, reply_markup=consent_keyboard())
        return
    await state.update_data({SHOWN: True})
    await message.answer(texts.CONSENT, reply_markup=consent_keyboard())


async def press_before_consent(query: CallbackQuery) -> None:
    await query.answer(texts.CONSENT_FIRST, show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(NotConsented())
    router.callback_query.filter(NotConsented())
    router.message.register(message_before_consent)
    router.callback_query.register(press_before_consent)
    return router
