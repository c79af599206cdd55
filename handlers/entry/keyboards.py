"""The consent button and the «Поделиться номером» keyboard of the way in."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder, ReplyKeyboardBuilder

from handlers import texts


class ConsentCb(CallbackData, prefix="consent"):
    pass


def consent_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.BTN_CONSENT, callback_data=ConsentCb())
    return builder.as_markup()


def share_phone_keyboard() -> ReplyKeyboardMarkup:
    builder = ReplyKeyboardBuilder()
    builder.button(text=texts.BTN_SHARE_PHONE, request_contact=True)
    return builder.as_markup(resize_keyboard=True, one_time_keyboard=True)
