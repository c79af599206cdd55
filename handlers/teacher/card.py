"""The teacher's screens (PRODUCT.md §4.3): «Мои заявки», the card, withdrawal, replies.

Only the applicant acts here: every press is checked against the database (the callback names an
application, never a right), and withdrawal is compare-and-set on the status the card showed.
The list, the card and the withdrawal prompts share one message, edited in place.
"""

from __future__ import annotations

from contextlib import suppress
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers import texts
from handlers.director.decide import refusal
from handlers.keyboards import STATUS_BY_CODE, ReplyCb
from handlers.menu import NOT_MENU
from handlers.prompts import comment_text
from handlers.render.cards import fit, tab_text
from handlers.teacher.keyboards import (
    PAGE_SIZE,
    MyCb,
    card_keyboard,
    list_keyboard,
    list_text,
    reason_keyboard,
    reason_prompt,
    reply_prompt_keyboard,
)
from handlers.teacher.states import ReplyComment, Withdraw
from models import Application, Channel, Person, Status, utcnow
from services import cards, my_applications, workflow
from services.notifications import TEACHER_CARD
from services.workflow import Actor, Capacity, NotAllowed, StaleStatus, WorkflowError

# Linked people only; `linking` answers everyone else before this router is reached.


def actor(person: Person) -> Actor:
    # Acting on one's own application is acting as its applicant, even for a director.
    return Actor(person.id, Channel.BOT, acting_as=Capacity.APPLICANT)


async def own_application(
    session: AsyncSession, person: Person, number: int, settings: Settings
) -> Application:
    """The application, if this person is its applicant; else the refusal to show."""
    app = await workflow.get_application(session, number)
    today = workflow.local_today(utcnow(), settings.tz)
    authority = await workflow.authority_of(session, actor(person), app, today)
    if Capacity.APPLICANT not in authority.capacities:
        raise NotAllowed(app.status)
    return app


async def show(
    bot: Bot, chat_id: int, message_id: int | None, text: str, markup: InlineKeyboardMarkup | None
) -> int:
    """Edit the message in place (or send one when there is none to edit); its id."""
    if message_id is not None:
        try:
            await bot.edit_message_text(
                text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
            return message_id
        except TelegramBadRequest as error:
            if "message is not modified" in error.message:
                return message_id
            # Deleted or too old to edit: the screen goes on in a new message.
    sent = await bot.send_message(chat_id, text, reply_markup=markup)
    return sent.message_id


async def draw_card(
    bot: Bot,
    session: AsyncSession,
    person: Person,
    settings: Settings,
    where: tuple[int, int | None],
    number: int,
    tab: str = "i",
    page: int = 0,
) -> None:
    app = await own_application(session, person, number, settings)
    data = await cards.load_card(session, app.id, with_tabs=tab != "i")
    assert data is not None
    text = tab_text(data, tab, settings.tz)
    chat_id, message_id = where
    shown = await show(bot, chat_id, message_id, text, card_keyboard(app, tab, page))
    await cards.remember_card(session, app.id, chat_id, shown, TEACHER_CARD)


def where_of(query: CallbackQuery) -> tuple[int, int | None]:
    """The chat and the message the button was under (None when Telegram no longer shows it)."""
    if isinstance(query.message, Message):
        return query.message.chat.id, query.message.message_id
    return query.from_user.id, None


async def leave_withdrawal(state: FSMContext) -> None:
    # Withdrawal cannot be undone: once the teacher turns to anything else, a text they type
    # next must not become the reason of a withdrawal they had left on another screen.
    if await state.get_state() == Withdraw.reason.state:
        await state.clear()


# --- the list -------------------------------------------------------------------------------


async def my_list(
    message: Message, session: AsyncSession, person: Person, state: FSMContext
) -> None:
    await leave_withdrawal(state)
    page = await my_applications.my_page(session, person.id, 0, PAGE_SIZE)
    await message.answer(list_text(page), reply_markup=list_keyboard(page))


async def turn_page(
    query: CallbackQuery,
    callback_data: MyCb,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
) -> None:
    await leave_withdrawal(state)
    page = await my_applications.my_page(session, person.id, callback_data.p, PAGE_SIZE)
    chat_id, message_id = where_of(query)
    if message_id is not None:
        await cards.forget_card(session, chat_id, message_id)
    await show(bot, chat_id, message_id, list_text(page), list_keyboard(page))
    await query.answer()


# --- the card -------------------------------------------------------------------------------


async def open_card(
    query: CallbackQuery,
    callback_data: MyCb,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: Settings,
) -> None:
    await leave_withdrawal(state)
    tab = callback_data.t if callback_data.t in {"i", "c", "h"} else "i"
    number = callback_data.n
    try:
        await draw_card(
            bot, session, person, settings, where_of(query), number, tab, callback_data.p
        )
    except WorkflowError as error:
        await query.answer(refusal(error, number), show_alert=True)
        return
    await query.answer()


# --- withdrawal -----------------------------------------------------------------------------


async def check_withdrawal(
    session: AsyncSession, person: Person, callback_data: MyCb, settings: Settings
) -> Application:
    """What `change_status` will check, asked at each press so that a refusal comes at once."""
    app = await own_application(session, person, callback_data.n, settings)
    seen = STATUS_BY_CODE.get(callback_data.s)
    if seen is None:
        raise StaleStatus(app.status, app.status)
    await workflow.check_status_change(
        session, app, Status.CANCELLED, actor(person), seen=Status(seen), tz=settings.tz
    )
    return app


async def press_withdraw(
    query: CallbackQuery,
    callback_data: MyCb,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: Settings,
) -> None:
    """«Отозвать заявку» opens the prompt for the optional reason, which is the confirmation.

    «Без комментария» withdraws, «Назад» goes back to the card: three taps from the list at most.
    An old «Подтвердить» (wy) does the same as «Отозвать заявку».
    """
    await leave_withdrawal(state)
    number, page = callback_data.n, callback_data.p
    where = where_of(query)
    try:
        app = await check_withdrawal(session, person, callback_data, settings)
    except WorkflowError as error:
        await query.answer(refusal(error, number), show_alert=True)
        if isinstance(error, StaleStatus):
            await draw_card(bot, session, person, settings, where, number, page=page)
        return
    chat_id, message_id = where
    shown = await show(bot, chat_id, message_id, reason_prompt(app), reason_keyboard(app, page))
    await state.set_state(Withdraw.reason)
    await state.set_data({"n": number, "seen": app.status.value, "msg": shown, "p": page})
    await query.answer()


async def reason_given(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: Settings,
) -> None:
    reason = await comment_text(message)
    if reason is None:
        return
    text, _ = await withdraw(bot, message.chat.id, session, person, state, settings, reason)
    await message.answer(text)


async def reason_not_text(message: Message) -> None:
    await message.answer(texts.WITHDRAW_TEXT_ONLY)


async def without_reason(
    query: CallbackQuery,
    callback_data: MyCb,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: Settings,
) -> None:
    if (await state.get_data()).get("n") != callback_data.n:
        await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
        return
    chat_id, _ = where_of(query)
    text, done = await withdraw(bot, chat_id, session, person, state, settings, None)
    await query.answer(text, show_alert=not done)


async def withdraw(
    bot: Bot,
    chat_id: int,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: Settings,
    reason: str | None,
) -> tuple[str, bool]:
    """Apply the withdrawal the prompt was for and redraw its card; (the words, done?)."""
    data = await state.get_data()
    await state.clear()
    number, seen = int(data["n"]), Status(data["seen"])
    try:
        await workflow.change_status(
            session,
            number,
            Status.CANCELLED,
            actor(person),
            seen=seen,
            comment=reason,
            tz=settings.tz,
        )
    except WorkflowError as error:
        text, done = refusal(error, number), False
    else:
        # The school's deciders are told by the service, through the outbox.
        text, done = texts.WITHDRAW_DONE.format(n=number), True
    where = (chat_id, int(data["msg"]) if data.get("msg") else None)
    # The card shows what is true now: withdrawn, or changed by someone else meanwhile.
    with suppress(WorkflowError):  # not theirs any more, or gone: the text says so
        await draw_card(bot, session, person, settings, where, number, page=int(data.get("p", 0)))
    return text, done


# --- a reply to a comment -------------------------------------------------------------------


async def press_reply(
    query: CallbackQuery,
    callback_data: ReplyCb,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: Settings,
) -> None:
    number = callback_data.n
    try:
        app = await own_application(session, person, number, settings)
        comment = await my_applications.comment_on(session, callback_data.c, app.id)
        if comment is None:
            raise NotAllowed(app.status)
    except WorkflowError as error:
        await query.answer(refusal(error, number), show_alert=True)
        return
    author = comment.author.full_name if comment.author else "—"
    text = texts.REPLY_PROMPT.format(n=number, author=escape(author), text=escape(comment.text))
    prompt = await bot.send_message(
        query.from_user.id, fit(text), reply_markup=reply_prompt_keyboard(number)
    )
    await state.set_state(ReplyComment.text)
    await state.set_data({"n": number, "c": comment.id, "prompt": prompt.message_id})
    await query.answer()


async def reply_given(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: Settings,
) -> None:
    reply = await comment_text(message)
    if reply is None:
        return
    if not reply:
        await message.answer(texts.REPLY_TEXT_ONLY)
        return
    data = await state.get_data()
    await state.clear()
    number = int(data["n"])
    try:
        # Checked again: the prompt may have waited while the application changed hands.
        app = await own_application(session, person, number, settings)
        await workflow.add_comment(
            session, app, actor(person), reply, reply_to_id=int(data["c"]), tz=settings.tz
        )
    except WorkflowError as error:
        await message.answer(refusal(error, number))
        return
    await show(bot, message.chat.id, data.get("prompt"), texts.REPLY_SENT.format(n=number), None)


async def reply_not_text(message: Message) -> None:
    await message.answer(texts.REPLY_TEXT_ONLY)


async def reply_back(query: CallbackQuery, bot: Bot, state: FSMContext) -> None:
    data = await state.get_data()
    await state.clear()
    chat_id, message_id = where_of(query)
    await show(bot, chat_id, message_id, texts.REPLY_ABANDONED.format(n=data.get("n")), None)
    await query.answer()


async def outdated(query: CallbackQuery) -> None:
    # «Без комментария» or «Назад» under a prompt already answered or left, or a forged act.
    await query.answer(texts.BUTTON_OUTDATED, show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(my_list, F.text == texts.BTN_MENU_MY)
    router.message.register(my_list, Command("my"))
    router.callback_query.register(turn_page, MyCb.filter(F.act == "l"))
    router.callback_query.register(open_card, MyCb.filter(F.act.in_({"o", "t"})))
    router.callback_query.register(press_withdraw, MyCb.filter(F.act.in_({"w", "wy"})))
    router.message.register(
        reason_given, Withdraw.reason, F.text, ~F.text.startswith("/"), NOT_MENU
    )
    router.message.register(reason_not_text, Withdraw.reason, NOT_MENU)
    router.callback_query.register(without_reason, MyCb.filter(F.act == "ws"), Withdraw.reason)
    router.callback_query.register(press_reply, ReplyCb.filter())
    router.message.register(
        reply_given, ReplyComment.text, F.text, ~F.text.startswith("/"), NOT_MENU
    )
    router.message.register(reply_not_text, ReplyComment.text, NOT_MENU)
    router.callback_query.register(reply_back, MyCb.filter(F.act == "rb"), ReplyComment.text)
    router.callback_query.register(outdated, MyCb.filter())
    return router
