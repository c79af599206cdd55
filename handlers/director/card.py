"""A director's card drawn in place: its tabs and the «Смена группы» choice.

What the card shows and which buttons it has follow the person's authority over the application,
read from the database at each press.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.director.callbacks import CardAction, CardCb, GroupCb
from handlers.edits import edit_text
from handlers.render.card_tabs import tab_text
from handlers.render.cards import card_keyboard, card_text
from models import Channel, Person, utcnow
from services import cards, workflow
from services.locality import school_today
from services.notifications import DECIDER_CARD
from services.workflow import (
    Actor,
    Capacity,
    NotAllowed,
)

DECIDERS = frozenset({Capacity.DIRECTOR, Capacity.DEPUTY})


async def show_card(
    session: AsyncSession,
    message: Message,
    person: Person,
    number: int,
    settings: HandlerSettings,
    tab: str | None = None,
) -> None:
    """Redraw a card in place as it is now, for this person."""
    app = await workflow.get_application(session, number)
    authority = await workflow.authority_of(
        session, Actor(person.id, Channel.BOT), app, school_today(app, utcnow(), settings.tz)
    )
    if not authority.capacities:
        raise NotAllowed(app.status).about(app.number)
    data = await cards.load_card(session, app.id, with_tabs=tab is not None)
    assert data is not None
    decider = bool(authority.capacities & DECIDERS)
    text = tab_text(data, tab, settings.tz) if tab else card_text(data, settings.tz)
    markup = card_keyboard(app, decider=decider, tab=tab, groups=data.other_groups)
    await edit_text(message, text, markup)
    view = DECIDER_CARD if decider else None
    await cards.remember_card(session, app.id, message.chat.id, message.message_id, view)


async def open_tab(
    query: CallbackQuery,
    callback_data: CardCb,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
) -> None:
    if not isinstance(query.message, Message):
        await query.answer()
        return
    tab = callback_data.tab if callback_data.tab in {"i", "c", "h", "g"} else "i"
    await show_card(session, query.message, person, callback_data.number, settings, tab=tab)
    await query.answer()


async def choose_group(
    query: CallbackQuery,
    callback_data: GroupCb,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
) -> None:
    number = callback_data.number
    await workflow.change_group(
        session, number, callback_data.group, Actor(person.id, Channel.BOT), tz=settings.tz
    )
    await query.answer(texts.GROUP_CHANGED)
    if isinstance(query.message, Message):
        await show_card(session, query.message, person, number, settings, tab="i")


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(open_tab, CardCb.filter(F.action == CardAction.TAB))
    router.callback_query.register(choose_group, GroupCb.filter())
    return router
