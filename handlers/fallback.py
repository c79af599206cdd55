"""Anything nobody else handled: a short hint, never silence."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from handlers import texts

# The institute's staff commands: anyone else who sends one is told whose they are.
STAFF_COMMANDS = ("queue", "export", "overview", "assess")


async def staff_only(message: Message, command: CommandObject) -> None:
    await message.answer(texts.STAFF_ONLY.format(command=command.command))


async def unknown(message: Message) -> None:
    await message.answer(texts.UNKNOWN)


async def unknown_press(query: CallbackQuery) -> None:
    # Old or forged buttons still get an answer, so the client stops its spinner.
    await query.answer(texts.BUTTON_OUTDATED, show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(staff_only, Command(*STAFF_COMMANDS))
    router.message.register(unknown)
    router.callback_query.register(unknown_press)
    return router
