"""A director's decision on a card: press, optional comment, applied once (PRODUCT.md §4.2).

Authority is never read from the button: the callback carries only the application number and
the status the card showed; who may decide is checked in the database, at the press and again
when the decision is applied (compare-and-set on the status seen).
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers import texts
from handlers.director.callbacks import (
    STATUS_BY_CODE,
    CardAction,
    CardCb,
    DecideCb,
    PromptAction,
)
from handlers.director.card import show_card
from handlers.director.keyboards import decide_keyboard
from handlers.director.states import Decide
from handlers.edits import edit_text
from handlers.errors import refusal
from handlers.filters import NOT_MENU
from handlers.prompts import comment_text
from models import Channel, Person, Status
from services import workflow
from services.workflow import (
    Actor,
    NotAllowed,
    StaleStatus,
    WorkflowError,
)

TARGETS = {CardAction.APPROVE: Status.APPROVED, CardAction.CANCEL: Status.CANCELLED}


# Read-only up to its first Bot API call: the check takes no write lock; the prompt's state is
# written after the prompt is sent, in a transaction of its own.
async def press_decision(
    query: CallbackQuery,
    callback_data: CardCb,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: Settings,
) -> None:
    number = callback_data.number
    seen = STATUS_BY_CODE.get(callback_data.seen)
    target = TARGETS[callback_data.action]
    message = query.message
    try:
        if seen is None:
            raise NotAllowed(Status.NEW)
        await workflow.check_status_change(
            session,
            number,
            target,
            Actor(person.id, Channel.BOT),
            seen=Status(seen),
            tz=settings.tz,
        )
    except WorkflowError as error:
        await query.answer(refusal(error, number), show_alert=True)
        if isinstance(error, StaleStatus) and isinstance(message, Message):
            await show_card(session, message, person, number, settings)
        return
    reason_required = target is Status.CANCELLED and settings.require_cancel_reason
    chat_id = message.chat.id if message is not None else query.from_user.id
    bot = query.bot
    assert bot is not None
    prompt = await bot.send_message(
        chat_id,
        texts.comment_prompt(number, target.value, reason_required),
        reply_markup=decide_keyboard(allow_skip=not reason_required),
    )
    await state.set_state(Decide.comment)
    await state.set_data(
        {"n": number, "target": target.value, "seen": seen, "prompt": prompt.message_id}
    )
    await query.answer()


async def comment_given(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: Settings,
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
    settings: Settings,
) -> None:
    data = await state.get_data()
    if data.get("target") == Status.CANCELLED.value and settings.require_cancel_reason:
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
    settings: Settings,
    comment: str | None,
) -> None:
    data = await state.get_data()
    await state.clear()
    number, target, seen = int(data["n"]), Status(data["target"]), Status(data["seen"])
    try:
        change = await workflow.change_status(
            session,
            number,
            target,
            Actor(person.id, Channel.BOT),
            seen=seen,
            comment=comment,
            tz=settings.tz,
        )
    except WorkflowError as error:
        text = refusal(error, number)
    else:
        text = texts.DECISION_DONE[target.value].format(n=number)
        # A director deciding on their own application is not told that they will be told.
        if change.application.applicant_id != person.id:
            text += " " + texts.DECISION_APPLIED_NOTE
    prompt = data.get("prompt")
    if prompt:
        # The prompt becomes the record of what was done; the card itself is refreshed
        # through the outbox, like every other copy of it.
        await _replace_prompt(bot, chat_id, int(prompt), text)
    else:
        await bot.send_message(chat_id, text)


async def _replace_prompt(bot: Bot, chat_id: int, message_id: int, text: str) -> None:
    # The decision and the end of the prompt are committed before this call; a lost answer is
    # no failure of the decision (see `handlers.errors.on_error`), and the card itself is
    # refreshed through the outbox.
    try:
        await bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id)
    except TelegramBadRequest:
        await bot.send_message(chat_id, text)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(
        press_decision, CardCb.filter(F.action.in_(TARGETS)), flags={"read_only": True}
    )
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
    return router
