"""Anything nobody else handled: a short hint, never silence."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from handlers import texts


async def unknown(message: Message) -> None:
    await message.answer(texts.UNKNOWN)


async def unknown_press(query: CallbackQuery) -> None:
    # Old or forged buttons still get an answer, so the client stops its spinner.
    await query.answer(texts.BUTTON_OUTDATED, show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(unknown)
    router.callback_query.register(unknown_press)
    return router
