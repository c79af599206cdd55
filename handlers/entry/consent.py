"""The consent gate: before the consent is accepted, everything gets the consent again."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from handlers import texts
from handlers.entry.keyboards import consent_keyboard
from handlers.filters import NotConsented


async def message_before_consent(message: Message) -> None:
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
