"""/forget: the consent withdrawn and the Telegram account forgotten, after a confirmation
(PRODUCT.md §4.6, 152-ФЗ; what is erased: `services.forgetting`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardRemove
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.edits import edit_markup, edit_text
from services.forgetting import forget_account


class ConsentCache(Protocol):
    """The consent answers a process keeps (`bot.middlewares.ConsentMiddleware`)."""

    def forget(self, telegram_id: int) -> None: ...


class ForgetAction(StrEnum):
    CONFIRM = "ok"
    BACK = "back"


class ForgetCb(CallbackData, prefix="forget"):
    action: ForgetAction


def forget_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.BTN_CONFIRM, callback_data=ForgetCb(action=ForgetAction.CONFIRM))
    builder.button(text=texts.BTN_BACK, callback_data=ForgetCb(action=ForgetAction.BACK))
    return builder.as_markup()


async def ask(message: Message, state: FSMContext) -> None:
    await state.clear()  # whatever prompt was open is left
    await message.answer(texts.FORGET_ASK, reply_markup=forget_keyboard())


async def confirm(
    query: CallbackQuery,
    session: AsyncSession,
    state: FSMContext,
    consent_cache: ConsentCache,
) -> None:
    await state.clear()
    await forget_account(session, query.from_user.id)
    consent_cache.forget(query.from_user.id)
    # Committed before this call (bot.telegram.CommitBeforeCall): what is said is what was done.
    await query.answer()
    if isinstance(query.message, Message):
        await edit_markup(query.message, None)  # the question stays, without its buttons
        # The menu of a person the bot no longer knows goes too.
        await query.message.answer(texts.FORGET_DONE, reply_markup=ReplyKeyboardRemove())


async def back(query: CallbackQuery) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, texts.FORGET_KEPT, None)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(ask, Command("forget"))
    router.callback_query.register(confirm, ForgetCb.filter(F.action == ForgetAction.CONFIRM))
    router.callback_query.register(back, ForgetCb.filter(F.action == ForgetAction.BACK))
    return router
