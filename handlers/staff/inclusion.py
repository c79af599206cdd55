"""A staff card: inclusion into the group (one, or all shown after a confirmation) and
cancellation with a reason.

Every change goes through the workflow service, which also tells the applicant.
"""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.confirm import confirm_keyboard
from handlers.decision import open_prompt
from handlers.edits import edit_text
from handlers.errors import refusal
from handlers.render.cards import MAX_TEXT, card_text
from handlers.staff.callbacks import AllAction, AllCb, StaffAction, StaffCb, filter_of
from models import Application, Channel, Person, Status
from services import bulk, cards, overview, workflow
from services.workflow import Actor


def staff_keyboard(app: Application) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    if app.status is Status.APPROVED:
        builder.button(
            text=texts.STAFF_BTN_INCLUDE,
            callback_data=StaffCb(action=StaffAction.INCLUDE_ASK, number=app.number),
        )
    if app.status in workflow.GROUP_CHANGE[workflow.Capacity.STAFF]:
        builder.button(
            text=texts.STAFF_BTN_GROUP,
            callback_data=StaffCb(action=StaffAction.GROUP_ASK, number=app.number),
        )
    if app.status is not Status.CANCELLED:
        builder.button(
            text=texts.STAFF_BTN_CANCEL,
            callback_data=StaffCb(action=StaffAction.CANCEL, number=app.number),
        )
    if not builder.export():
        return None  # nothing left to do on the card: no keyboard at all
    builder.adjust(1)
    return builder.as_markup()


async def staff_card(
    session: AsyncSession, number: int, settings: HandlerSettings
) -> tuple[Application, str, InlineKeyboardMarkup | None]:
    app = await workflow.get_application(session, number)
    data = await cards.load_card(session, app.id)
    assert data is not None
    return app, card_text(data, settings.tz), staff_keyboard(app)


async def open_card(
    query: CallbackQuery,
    callback_data: StaffCb,
    bot: Bot,
    session: AsyncSession,
    settings: HandlerSettings,
) -> None:
    _, text, markup = await staff_card(session, callback_data.number, settings)
    if callback_data.action is StaffAction.CARD and isinstance(query.message, Message):
        await edit_text(query.message, text, markup)
    else:
        await bot.send_message(query.from_user.id, text, reply_markup=markup)
    await query.answer()


async def include_ask(
    query: CallbackQuery, callback_data: StaffCb, session: AsyncSession, person: Person
) -> None:
    number = callback_data.number
    app, _, _ = await workflow.check_status_change(
        session, number, Status.INCLUDED, Actor(person.id, Channel.BOT), seen=Status.APPROVED
    )
    builder = InlineKeyboardBuilder()
    builder.button(
        text=texts.BTN_CONFIRM, callback_data=StaffCb(action=StaffAction.INCLUDE, number=number)
    )
    builder.button(
        text=texts.STAFF_BTN_TO_CARD, callback_data=StaffCb(action=StaffAction.CARD, number=number)
    )
    builder.adjust(2)
    if isinstance(query.message, Message):
        text = texts.STAFF_INCLUDE_CONFIRM.format(n=number, group=escape(app.group.name))
        await edit_text(query.message, text, builder.as_markup())
    await query.answer()


async def include_one(
    query: CallbackQuery,
    callback_data: StaffCb,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
) -> None:
    number = callback_data.number
    await workflow.change_status(
        session,
        number,
        Status.INCLUDED,
        Actor(person.id, Channel.BOT),
        seen=Status.APPROVED,
        tz=settings.tz,
    )
    if isinstance(query.message, Message):
        await edit_text(query.message, texts.STAFF_INCLUDED.format(n=number), None)
    await query.answer()


async def cancel_ask(
    query: CallbackQuery,
    callback_data: StaffCb,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: HandlerSettings,
) -> None:
    """A reason is asked for; the comment prompt of handlers.decision applies it."""
    number = callback_data.number
    app = await workflow.get_application(session, number)
    seen = app.status
    await workflow.check_status_change(
        session, app, Status.CANCELLED, Actor(person.id, Channel.BOT), seen=seen
    )
    await open_prompt(
        bot, query.from_user.id, state, number, Status.CANCELLED, seen.value, reason_required=True
    )
    await query.answer()


async def staff_outdated(query: CallbackQuery) -> None:
    await query.answer(texts.BUTTON_OUTDATED, show_alert=True)


async def include_all_ask(
    query: CallbackQuery, callback_data: AllCb, session: AsyncSession, state: FSMContext
) -> None:
    found = await overview.queue_ids(session, filter_of(callback_data))
    if not found:
        await query.answer(texts.STAFF_INCLUDE_ALL_NOTHING, show_alert=True)
        return
    # The confirmation is for exactly what was shown: later arrivals wait for their own look.
    await state.update_data(staff_bulk=found)
    markup = confirm_keyboard(AllCb(action=AllAction.YES), AllCb(action=AllAction.NO))
    await query.answer()
    assert query.bot is not None
    await query.bot.send_message(
        query.from_user.id,
        texts.STAFF_INCLUDE_ALL_CONFIRM.format(count=len(found)),
        reply_markup=markup,
    )


async def include_all_yes(
    query: CallbackQuery,
    session: AsyncSession,
    state: FSMContext,
    person: Person,
    settings: HandlerSettings,
) -> None:
    ids = (await state.get_data()).get("staff_bulk") or []
    await state.update_data(staff_bulk=None)
    if not ids:
        await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
        return
    report = await bulk.include_all(session, person.id, ids, tz=settings.tz)
    lines = [texts.STAFF_INCLUDE_ALL_DONE.format(count=len(report.done))]
    if report.skipped:
        lines.append(texts.STAFF_INCLUDE_ALL_SKIPPED.format(count=len(report.skipped)))
        lines += [f"• №{n}: {refusal(error, n)}" for n, error in report.skipped]
    text = "\n".join(lines)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    if isinstance(query.message, Message):
        await edit_text(query.message, text, None)
    await query.answer()


async def include_all_no(query: CallbackQuery, state: FSMContext) -> None:
    await state.update_data(staff_bulk=None)
    if isinstance(query.message, Message):
        await edit_text(query.message, texts.STAFF_INCLUDE_ALL_CANCELLED, None)
    await query.answer()


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(
        open_card, StaffCb.filter(F.action.in_({StaffAction.OPEN, StaffAction.CARD}))
    )
    router.callback_query.register(include_ask, StaffCb.filter(F.action == StaffAction.INCLUDE_ASK))
    router.callback_query.register(include_one, StaffCb.filter(F.action == StaffAction.INCLUDE))
    router.callback_query.register(cancel_ask, StaffCb.filter(F.action == StaffAction.CANCEL))
    router.callback_query.register(staff_outdated, StaffCb.filter())
    router.callback_query.register(include_all_ask, AllCb.filter(F.action == AllAction.ASK))
    router.callback_query.register(include_all_yes, AllCb.filter(F.action == AllAction.YES))
    router.callback_query.register(include_all_no, AllCb.filter())
    return router
