"""/deputy (PRODUCT.md §4.2): a director names a linked colleague as deputy for a period.

The screen lists the deputyships in force or to come, each with «Отозвать»; naming one is
choose the colleague (buttons, paged) → type the period → «Подтвердить». Every step is checked
again by `services.deputies` when it is applied: buttons may be old or forged.
"""

from __future__ import annotations

from datetime import date
from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.director import deputy_others
from handlers.director.deputy_screen import (
    DeputyAction,
    DeputyCb,
    back_button,
    back_keyboard,
    button,
    cut_name,
    deputy_notice,
    deputy_refusal,
    period_example,
    period_problem,
    school_of,
    screen,
    today_of,
)
from handlers.director.filters import Director
from handlers.director.states import DeputyInput
from handlers.edits import edit_text
from handlers.filters import TYPED, AnyValueOf
from handlers.render.cards import fmt_date
from models import Person
from services import deputies
from services.deputies import (
    MAX_PERIOD_DAYS,
    BadPeriod,
    DeputyError,
    DeputyshipNotFound,
    NotAColleague,
)
from services.locality import zone_of_person


async def open_deputy(
    message: Message,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
    state: FSMContext,
) -> None:
    await state.clear()
    text, markup = await screen(session, person, today_of(person, settings))
    await message.answer(text, reply_markup=markup)


async def colleagues(
    query: CallbackQuery, callback_data: DeputyCb, session: AsyncSession, person: Person
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    page = await deputies.colleagues(session, person, callback_data.page)
    if not page.total:
        await edit_text(query.message, texts.DEPUTY_NO_COLLEAGUES, back_keyboard())
        return
    builder = InlineKeyboardBuilder()
    for p in page.people:
        builder.row(button(cut_name(p.full_name), DeputyAction.PICK, p.id))
    nav = []
    if page.page > 0:
        nav.append(button(texts.DEPUTY_BTN_PREV, DeputyAction.PAGE, page=page.page - 1))
    if page.page < page.pages - 1:
        nav.append(button(texts.DEPUTY_BTN_NEXT, DeputyAction.PAGE, page=page.page + 1))
    if nav:
        builder.row(*nav)
    builder.row(back_button())
    text = texts.DEPUTY_PICK
    if page.pages > 1:
        text += texts.DEPUTY_PICK_PAGE.format(page=page.page + 1, pages=page.pages)
    await edit_text(query.message, text, builder.as_markup())


async def picked(
    query: CallbackQuery,
    callback_data: DeputyCb,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
    state: FSMContext,
) -> None:
    try:
        chosen = await deputies.colleague(session, person, callback_data.target)
    except NotAColleague:
        await query.answer(texts.DEPUTY_NOT_COLLEAGUE, show_alert=True)
        return
    await query.answer()
    await state.set_state(DeputyInput.period)
    await state.set_data({"deputy_id": chosen.id, "name": chosen.full_name})
    if isinstance(query.message, Message):
        text = texts.DEPUTY_ASK_PERIOD.format(
            name=escape(chosen.full_name),
            example=period_example(today_of(person, settings)),
            days=MAX_PERIOD_DAYS,
        )
        await edit_text(query.message, text, back_keyboard())


async def period_given(
    message: Message, person: Person | None, settings: HandlerSettings, state: FSMContext
) -> None:
    assert message.text is not None
    today = today_of(person, settings)
    try:
        starts_on, ends_on = deputies.parse_period(message.text, today)
    except BadPeriod as error:
        await message.answer(period_problem(error, today) + texts.DEPUTY_ASK_AGAIN)
        return
    data = await state.get_data()
    await state.set_state(DeputyInput.confirm)
    await state.update_data(start=starts_on.isoformat(), end=ends_on.isoformat())
    builder = InlineKeyboardBuilder()
    builder.row(button(texts.DEPUTY_BTN_CONFIRM, DeputyAction.CONFIRM), back_button())
    await message.answer(
        texts.DEPUTY_CONFIRM.format(
            name=escape(str(data.get("name", ""))),
            start=fmt_date(starts_on),
            end=fmt_date(ends_on),
        ),
        reply_markup=builder.as_markup(),
    )


async def period_not_text(
    message: Message, person: Person | None, settings: HandlerSettings
) -> None:
    await message.answer(
        texts.DEPUTY_TEXT_ONLY.format(example=period_example(today_of(person, settings)))
    )


async def confirm_not_pressed(message: Message) -> None:
    await message.answer(texts.DEPUTY_PRESS_BUTTON)


async def confirmed(
    query: CallbackQuery,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    await state.clear()
    starts_on, ends_on = date.fromisoformat(data["start"]), date.fromisoformat(data["end"])
    try:
        named = await deputies.name_deputy(
            session,
            person,
            int(data["deputy_id"]),
            starts_on,
            ends_on,
            tz=zone_of_person(person, settings.tz),
        )
    except DeputyError as error:
        text = deputy_refusal(error, str(data.get("name", "")), today_of(person, settings))
    else:
        await deputies.tell_deputy(session, named, "named", deputy_notice(person, named))
        text = texts.DEPUTY_DONE.format(
            name=escape(named.deputy.full_name), start=fmt_date(starts_on), end=fmt_date(ends_on)
        )
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, text, None)


async def back(
    query: CallbackQuery,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
    state: FSMContext,
) -> None:
    if await state.get_state() in DeputyInput.__state_names__:
        await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        text, markup = await screen(session, person, today_of(person, settings))
        await edit_text(query.message, text, markup)


async def revoke(
    query: CallbackQuery,
    callback_data: DeputyCb,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
) -> None:
    try:
        revoked = await deputies.revoke(session, person, callback_data.target)
    except DeputyshipNotFound:
        await query.answer(texts.DEPUTY_NOT_FOUND, show_alert=True)
    else:
        await deputies.tell_deputy(
            session,
            revoked,
            "revoked",
            texts.DEPUTY_REVOKED_NOTICE.format(
                director=escape(person.full_name), school=escape(school_of(person))
            ),
        )
        await query.answer(texts.DEPUTY_REVOKED.format(name=revoked.deputy.full_name))
    if isinstance(query.message, Message):
        text, markup = await screen(session, person, today_of(person, settings))
        await edit_text(query.message, text, markup)


async def outdated(query: CallbackQuery) -> None:
    # «Подтвердить» after the prompt was answered or left: nothing to confirm any more.
    await query.answer(texts.DEPUTY_OUTDATED, show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    directors = Router(name=f"{__name__}.directors")
    directors.message.filter(Director())
    directors.callback_query.filter(Director())
    directors.message.register(open_deputy, F.text == texts.BTN_MENU_DEPUTY)
    directors.message.register(open_deputy, Command("deputy"))
    directors.callback_query.register(
        colleagues, DeputyCb.filter(F.action.in_({DeputyAction.NEW, DeputyAction.PAGE}))
    )
    directors.callback_query.register(picked, DeputyCb.filter(F.action == DeputyAction.PICK))
    directors.message.register(period_given, DeputyInput.period, *TYPED)
    directors.message.register(period_not_text, DeputyInput.period, ~F.text)
    directors.message.register(confirm_not_pressed, DeputyInput.confirm, ~F.text)
    directors.message.register(confirm_not_pressed, DeputyInput.confirm, *TYPED)
    directors.callback_query.register(
        confirmed, DeputyCb.filter(F.action == DeputyAction.CONFIRM), DeputyInput.confirm
    )
    directors.callback_query.register(back, DeputyCb.filter(F.action == DeputyAction.BACK))
    directors.callback_query.register(revoke, DeputyCb.filter(F.action == DeputyAction.REVOKE))
    # Confirmation pressed after its prompt was left, and any action this screen does not know.
    directors.callback_query.register(outdated, AnyValueOf(DeputyCb))
    router.include_routers(directors, deputy_others.build_router())
    return router
