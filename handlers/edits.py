"""Editing messages in place, where "message is not modified" is success, not an error.

Telegram refuses an edit that changes nothing; for a bot that refreshes cards after every
change (and after repeated presses) that simply means the message already shows the truth.
The outbox's sender (`bot.sender`) reads the same refusal the same way, with `is_not_modified`.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message

# Telegram's words for a message that cannot be edited any more: deleted by the user, too old
# (48 h for some chats), or an id that was never there (a forged press).
_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")


def is_not_modified(error: TelegramBadRequest) -> bool:
    return "message is not modified" in error.message


def is_gone(error: TelegramBadRequest) -> bool:
    text = error.message.lower()
    return any(words in text for words in _GONE)


async def edit_markup(message: Message, markup: InlineKeyboardMarkup | None) -> None:
    """Change the buttons in place; a message that is gone has no buttons to change."""
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as error:
        if not (is_not_modified(error) or is_gone(error)):
            raise


async def edit_text(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Show the screen in place of `message`, or anew below when it can no longer be edited."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if is_not_modified(error):
            return
        if not is_gone(error):
            raise
        await message.answer(text, reply_markup=markup)


async def edit_or_send(
    bot: Bot, chat_id: int, message_id: int | None, text: str, markup: InlineKeyboardMarkup | None
) -> int:
    """Edit the screen in place, or send it anew when there is none to edit (deleted, too old);
    the id of the message that shows it."""
    if message_id is not None:
        try:
            await bot.edit_message_text(
                text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
            return message_id
        except TelegramBadRequest as error:
            if is_not_modified(error):
                return message_id
    sent = await bot.send_message(chat_id, text, reply_markup=markup)
    return sent.message_id
