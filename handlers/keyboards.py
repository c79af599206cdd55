"""Keyboards and their typed callback data (short prefixes, integer ids: far under 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from handlers import texts


class ConsentCb(CallbackData, prefix="consent"):
    pass


def consent_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=texts.BTN_CONSENT, callback_data=ConsentCb().pack())]
        ]
    )
