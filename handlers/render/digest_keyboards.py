"""The keyboards of scheduled messages: a button per application that opens its card."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers import texts
from handlers.director.callbacks import BulkAction, BulkCb, CardAction, CardCb
from models import Application

# The longest a button's text may get.
BUTTON_CHARS: Final = 60


def open_keyboard(
    apps: Sequence[Application], *, approve_all: bool = False
) -> InlineKeyboardMarkup:
    """A row per application opening its card; «Одобрить все» below them when `approve_all`."""
    builder = InlineKeyboardBuilder()
    for app in apps:
        builder.button(
            text=f"№{app.number} · {app.applicant.full_name}"[:BUTTON_CHARS],
            callback_data=CardCb(action=CardAction.OPEN, number=app.number),
        )
    builder.adjust(1)
    if approve_all:
        builder.row(
            InlineKeyboardButton(
                text=texts.BTN_APPROVE_ALL, callback_data=BulkCb(action=BulkAction.ASK).pack()
            )
        )
    return builder.as_markup()
