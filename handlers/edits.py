"""Editing messages in place, where "message is not modified" is success, not an error.

Telegram refuses an edit that changes nothing; for a bot that refreshes cards after every
change (and after repeated presses) that simply means the message already shows the truth.
"""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message


def _not_modified(error: TelegramBadRequest) -> bool:
    return "message is not modified" in error.message


async def edit_markup(message: Message, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as error:
        if not _not_modified(error):
            raise


async def edit_text(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if not _not_modified(error):
            raise
