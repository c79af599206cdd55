"""«Сменить группу» on a staff card: the groups of the same programme, then the change."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.edits import edit_text
from handlers.errors import refusal
from handlers.staff.callbacks import StaffAction, StaffCb
from handlers.staff.inclusion import staff_card
from models import Channel, Person
from services import cards, workflow
from services.workflow import Actor


async def group_ask(
    query: CallbackQuery, callback_data: StaffCb, session: AsyncSession, settings: HandlerSettings
) -> None:
    number = callback_data.number
    app = await workflow.get_application(session, number)
    data = await cards.load_card(session, app.id, with_tabs=True)
    assert data is not None
    allowed = workflow.GROUP_CHANGE[workflow.Capacity.STAFF]
    if app.status not in allowed:
        refused = workflow.GroupNotAllowed(workflow.GroupRefusal.STATUS, app.status, allowed)
        await query.answer(refusal(refused.about(number)), show_alert=True)
        return
    if not data.other_groups:
        await query.answer(texts.STAFF_GROUP_NONE, show_alert=True)
        return
    builder = InlineKeyboardBuilder()
    for group in data.other_groups:
        builder.button(
            text=group.name[:60],
            callback_data=StaffCb(action=StaffAction.GROUP, number=number, group=group.id),
        )
    builder.button(
        text=texts.STAFF_BTN_TO_CARD, callback_data=StaffCb(action=StaffAction.CARD, number=number)
    )
    builder.adjust(1)
    if isinstance(query.message, Message):
        await edit_text(
            query.message, texts.STAFF_GROUP_CHOOSE.format(n=number), builder.as_markup()
        )
    await query.answer()


async def group_chosen(
    query: CallbackQuery,
    callback_data: StaffCb,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
) -> None:
    number = callback_data.number
    await workflow.change_group(
        session, number, callback_data.group, Actor(person.id, Channel.BOT), tz=settings.tz
    )
    _, text, markup = await staff_card(session, number, settings)
    if isinstance(query.message, Message):
        await edit_text(query.message, text, markup)
    await query.answer(texts.GROUP_CHANGED)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(group_ask, StaffCb.filter(F.action == StaffAction.GROUP_ASK))
    router.callback_query.register(group_chosen, StaffCb.filter(F.action == StaffAction.GROUP))
    return router
