"""The teacher's «Мои заявки» and the card (PRODUCT.md §4.3).

Only the applicant acts here: every press is checked against the database (the callback names an
application, never a right). The list, the card and the withdrawal prompts share one message,
edited in place.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.edits import edit_or_send
from handlers.paging import PAGE_SIZE
from handlers.render.card_tabs import tab_text
from handlers.teacher.keyboards import (
    MyAction,
    MyCb,
    card_keyboard,
    list_keyboard,
    list_text,
)
from handlers.teacher.states import Withdraw
from models import Application, Channel, Person, utcnow
from services import cards, my_applications, workflow
from services.locality import person_today
from services.notifications import TEACHER_CARD
from services.workflow import Actor, Capacity, NotAllowed


def actor(person: Person) -> Actor:
    # Acting on one's own application is acting as its applicant, even for a director.
    return Actor(person.id, Channel.BOT, acting_as=Capacity.APPLICANT)


async def own_application(
    session: AsyncSession, person: Person, number: int, settings: HandlerSettings
) -> Application:
    """The application, if this person is its applicant; else the refusal to show."""
    app = await workflow.get_application(session, number)
    today = person_today(person, utcnow(), settings.tz)
    authority = await workflow.authority_of(session, actor(person), app, today)
    if Capacity.APPLICANT not in authority.capacities:
        raise NotAllowed(app.status).about(app.number)
    return app


async def show(
    bot: Bot, chat_id: int, message_id: int | None, text: str, markup: InlineKeyboardMarkup | None
) -> int:
    """Edit the message in place (or send one when there is none to edit); its id."""
    return await edit_or_send(bot, chat_id, message_id, text, markup)


async def draw_card(
    bot: Bot,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
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
    page = await my_applications.my_page(session, person.id, callback_data.page, PAGE_SIZE)
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
    settings: HandlerSettings,
) -> None:
    await leave_withdrawal(state)
    tab = callback_data.tab if callback_data.tab in {"i", "c", "h"} else "i"
    number = callback_data.number
    await draw_card(
        bot, session, person, settings, where_of(query), number, tab, callback_data.page
    )
    await query.answer()


async def outdated(query: CallbackQuery) -> None:
    # «Без комментария» or «Назад» under a prompt already answered or left, or a forged act.
    await query.answer(texts.BUTTON_OUTDATED, show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(my_list, F.text == texts.BTN_MENU_MY)
    router.message.register(my_list, Command("my"))
    router.callback_query.register(turn_page, MyCb.filter(F.action == MyAction.LIST))
    router.callback_query.register(
        open_card, MyCb.filter(F.action.in_({MyAction.OPEN, MyAction.TAB}))
    )
    return router


def build_outdated_router() -> Router:
    """The teacher's buttons nobody took: mounted after the withdrawal and the reply."""
    router = Router(name=f"{__name__}.outdated")
    router.callback_query.register(outdated, MyCb.filter())
    return router
