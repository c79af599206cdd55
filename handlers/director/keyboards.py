"""The comment prompt's buttons: «Без комментария» (when no reason is required) and «Назад»."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers import texts
from handlers.director.callbacks import DecideCb, PromptAction


def decide_keyboard(*, allow_skip: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if allow_skip:
        builder.button(text=texts.BTN_NO_COMMENT, callback_data=DecideCb(action=PromptAction.SKIP))
    builder.button(text=texts.BTN_BACK, callback_data=DecideCb(action=PromptAction.BACK))
    return builder.as_markup()
