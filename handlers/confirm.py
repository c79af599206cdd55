"""The «Подтвердить» / «Назад» pair under a confirmation, whoever asks for it."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers import texts


def confirm_keyboard(yes: CallbackData, no: CallbackData) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.BTN_CONFIRM, callback_data=yes)
    builder.button(text=texts.BTN_BACK, callback_data=no)
    return builder.as_markup()
