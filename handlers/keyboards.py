"""Keyboards and their typed callback data (short prefixes, integer ids: far under 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from handlers import texts


class ConsentCb(CallbackData, prefix="consent"):
    pass


def consent_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=texts.BTN_CONSENT, callback_data=ConsentCb().pack())]
        ]
    )


STATUS_CODES = {"new": "n", "approved": "a", "cancelled": "c", "included": "i"}
STATUS_BY_CODE = {code: status for status, code in STATUS_CODES.items()}


def status_code(status: str) -> str:
    return STATUS_CODES[str(status)]


class CardCb(CallbackData, prefix="c"):
    """A button on an application card: ok/no (decide), tab (i, c, h)."""

    act: str
    n: int
    s: str = ""  # the status the card showed, for compare-and-set
    t: str = ""  # the tab


class DecideCb(CallbackData, prefix="d"):
    """«Без комментария» (skip) or «Назад» (back) under the comment prompt."""

    act: str


def decide_keyboard(*, allow_skip: bool) -> InlineKeyboardMarkup:
    row = []
    if allow_skip:
        row.append(
            InlineKeyboardButton(
                text=texts.BTN_NO_COMMENT, callback_data=DecideCb(act="skip").pack()
            )
        )
    row.append(InlineKeyboardButton(text=texts.BTN_BACK, callback_data=DecideCb(act="back").pack()))
    return InlineKeyboardMarkup(inline_keyboard=[row])


def share_phone_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=texts.BTN_SHARE_PHONE, request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


class ReplyCb(CallbackData, prefix="r"):
    """«Ответить» under a comment: n is the application number, c the comment replied to."""

    n: int
    c: int


def reply_keyboard(number: int, comment_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=texts.BTN_REPLY, callback_data=ReplyCb(n=number, c=comment_id).pack()
                )
            ]
        ]
    )


class GroupCb(CallbackData, prefix="gr"):
    """A group chosen on the «Смена группы» tab."""

    n: int
    g: int
