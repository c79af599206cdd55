"""Anything nobody else handled: a short hint, never silence."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from handlers import texts

router = Router(name=__name__)


@router.message()
async def unknown(message: Message) -> None:
    await message.answer(texts.UNKNOWN)


@router.callback_query()
async def unknown_press(query: CallbackQuery) -> None:
    # Old or forged buttons still get an answer, so the client stops its spinner.
    await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
