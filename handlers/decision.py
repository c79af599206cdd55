"""The comment prompt of a status change, shared by a director's decision and a staff
cancellation: the comment or reason typed (or «Без комментария»), then the change applied once.

The prompt's conversation data holds the number, the target, the status seen and the prompt's
message id; the change is compare-and-set on the status seen. The prompt then becomes the record
of what was done, and the card itself is refreshed through the outbox.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
from enum import StrEnum
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.callback_types import Int64
from handlers.config import HandlerSettings
from handlers.edits import edit_text
from handlers.errors import refusal
from handlers.filters import NOT_MENU
from handlers.prompts import comment_text
from models import Channel, Person, Status
from services import workflow
from services.labels import STATUS_LABELS
from services.workflow import Actor, WorkflowError


class Decide(StatesGroup):
    # data: n (number), target (status code), seen (status code), prompt (message id)
    comment = State()


class PromptAction(StrEnum):
    SKIP = "skip"  # «Без комментария»
    BACK = "back"  # «Назад»


class DecideCb(CallbackData, prefix="d"):
    """A button under the comment prompt."""

    action: PromptAction


class UndoCb(CallbackData, prefix="un"):
    """«Вернуть» under a director's cancellation: the application and the history entry."""

    number: Int64
    history: Int64


def undo_keyboard(number: int, history_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.BTN_UNDO, callback_data=UndoCb(number=number, history=history_id))
    return builder.as_markup()


def decide_keyboard(*, allow_skip: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if allow_skip:
        builder.button(text=texts.BTN_NO_COMMENT, callback_data=DecideCb(action=PromptAction.SKIP))
    builder.button(text=texts.BTN_BACK, callback_data=DecideCb(action=PromptAction.BACK))
    return builder.as_markup()


async def open_prompt(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    number: int,
    target: Status,
    seen: str,
    *,
    reason_required: bool,
) -> None:
    """Ask for the comment (a reason, when required) of a change already checked."""
    prompt = await bot.send_message(
        chat_id,
        texts.comment_prompt(number, target.value, reason_required),
        reply_markup=decide_keyboard(allow_skip=not reason_required),
    )
    await state.set_state(Decide.comment)
    await state.set_data(
        {
            "n": number,
            "target": target.value,
            "seen": seen,
            "prompt": prompt.message_id,
            "required": reason_required,
        }
    )


def reason_required(data: dict[str, Any], settings: HandlerSettings) -> bool:
    """Whether the prompt in `data` was for a cancellation that needs a reason (a prompt opened
    before the flag was kept follows REQUIRE_CANCEL_REASON)."""
    cancelling = data.get("target") == Status.CANCELLED.value
    return bool(data.get("required", cancelling and settings.require_cancel_reason))


async def comment_given(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: HandlerSettings,
) -> None:
    comment = await comment_text(message)
    if comment is not None:
        await apply(bot, message.chat.id, session, person, state, settings, comment)


async def comment_not_text(message: Message) -> None:
    await message.answer(texts.COMMENT_TEXT_ONLY)


async def skip_comment(
    query: CallbackQuery,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: HandlerSettings,
) -> None:
    data = await state.get_data()
    if reason_required(data, settings):
        await query.answer(texts.REASON_REQUIRED, show_alert=True)
        return
    await query.answer()
    await apply(bot, query.from_user.id, session, person, state, settings, None)


async def back(query: CallbackQuery, state: FSMContext) -> None:
    data = await state.get_data()
    await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, texts.DECISION_ABANDONED.format(n=data.get("n")), None)


async def prompt_outdated(query: CallbackQuery) -> None:
    # «Без комментария» or «Назад» under a prompt that was already answered or left.
    await query.answer(texts.BUTTON_OUTDATED, show_alert=True)


async def apply(
    bot: Bot,
    chat_id: int,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: HandlerSettings,
    comment: str | None,
) -> None:
    data = await state.get_data()
    await state.clear()
    number, target, seen = int(data["n"]), Status(data["target"]), Status(data["seen"])
    markup: InlineKeyboardMarkup | None = None
    try:
        change = await workflow.change_status(
            session,
            number,
            target,
            Actor(person.id, Channel.BOT),
            seen=seen,
            comment=comment,
            reason_required=reason_required(data, settings),
            tz=settings.tz,
        )
    except WorkflowError as error:
        text = refusal(error, number)
    else:
        text = texts.DECISION_DONE[target.value].format(n=number)
        # A director deciding on their own application is not told that they will be told.
        if change.application.applicant_id != person.id:
            text += " " + texts.DECISION_APPLIED_NOTE
        minutes = settings.undo_cancel_minutes
        if target is Status.CANCELLED and change.capacity in workflow.UNDO_CAPACITIES and minutes:
            # A mis-tap is not final: «Вернуть» for a while (`services.workflow.undo`).
            text += "\n" + texts.UNDO_HINT.format(minutes=minutes)
            markup = undo_keyboard(number, change.history.id)
    prompt = data.get("prompt")
    if prompt:
        # The prompt becomes the record of what was done; the card itself is refreshed
        # through the outbox, like every other copy of it.
        await _replace_prompt(bot, chat_id, int(prompt), text, markup)
    else:
        await bot.send_message(chat_id, text, reply_markup=markup)


async def _replace_prompt(
    bot: Bot, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    # The decision and the end of the prompt are committed before this call; a lost answer is
    # no failure of the decision (see `handlers.errors.on_error`), and the card itself is
    # refreshed through the outbox.
    try:
        await bot.edit_message_text(
            text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except TelegramBadRequest:
        await bot.send_message(chat_id, text, reply_markup=markup)


async def undo(
    query: CallbackQuery,
    callback_data: UndoCb,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
) -> None:
    """«Вернуть»: the cancellation taken back, or why not (and the button goes away then)."""
    number = callback_data.number
    try:
        change = await workflow.undo_cancellation(
            session,
            number,
            callback_data.history,
            Actor(person.id, Channel.BOT),
            window=timedelta(minutes=settings.undo_cancel_minutes),
            tz=settings.tz,
        )
    except (workflow.UndoExpired, workflow.UndoOvertaken) as error:
        await query.answer(refusal(error, number), show_alert=True)
        if isinstance(query.message, Message):
            with suppress(TelegramBadRequest):
                await query.message.edit_reply_markup(reply_markup=None)
        return
    text = texts.UNDO_DONE.format(n=number, status=STATUS_LABELS[change.new])
    if isinstance(query.message, Message):
        await edit_text(query.message, text, None)
    await query.answer()


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(
        comment_given, Decide.comment, F.text, ~F.text.startswith("/"), NOT_MENU
    )
    router.message.register(comment_not_text, Decide.comment, NOT_MENU)
    router.callback_query.register(
        skip_comment, DecideCb.filter(F.action == PromptAction.SKIP), Decide.comment
    )
    router.callback_query.register(
        back, DecideCb.filter(F.action == PromptAction.BACK), Decide.comment
    )
    router.callback_query.register(prompt_outdated, DecideCb.filter())
    router.callback_query.register(undo, UndoCb.filter())
    return router
