"""«Отозвать заявку»: the reason prompt, then the withdrawal, compare-and-set on the status the
card showed (PRODUCT.md §3.2).
"""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.director.callbacks import STATUS_BY_CODE
from handlers.errors import refusal
from handlers.filters import NOT_MENU
from handlers.prompts import comment_text
from handlers.teacher.card import (
    actor,
    draw_card,
    leave_withdrawal,
    own_application,
    show,
    where_of,
)
from handlers.teacher.keyboards import (
    MyAction,
    MyCb,
    reason_keyboard,
    reason_prompt,
)
from handlers.teacher.states import Withdraw
from models import Application, Person, Status
from services import workflow
from services.workflow import StaleStatus, WorkflowError


async def check_withdrawal(
    session: AsyncSession, person: Person, callback_data: MyCb, settings: HandlerSettings
) -> Application:
    """What `change_status` will check, asked at each press so that a refusal comes at once."""
    app = await own_application(session, person, callback_data.number, settings)
    seen = STATUS_BY_CODE.get(callback_data.seen)
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
    settings: HandlerSettings,
) -> None:
    """«Отозвать заявку» opens the prompt for the optional reason, which is the confirmation.

    «Без комментария» withdraws, «Назад» goes back to the card: three taps from the list at most.
    An old «Подтвердить» (wy) does the same as «Отозвать заявку».
    """
    await leave_withdrawal(state)
    number, page = callback_data.number, callback_data.page
    where = where_of(query)
    try:
        app = await check_withdrawal(session, person, callback_data, settings)
    except WorkflowError as error:
        await query.answer(refusal(error, number), show_alert=True)
        if isinstance(error, StaleStatus):
            await draw_card(bot, session, person, settings, where, number, page=page)
        return
    chat_id, message_id = where
    required = settings.require_cancel_reason
    prompt, keyboard = reason_prompt(app, required), reason_keyboard(app, page, required)
    shown = await show(bot, chat_id, message_id, prompt, keyboard)
    await state.set_state(Withdraw.reason)
    await state.set_data({"n": number, "seen": app.status.value, "msg": shown, "p": page})
    await query.answer()


async def reason_given(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: HandlerSettings,
) -> None:
    reason = await comment_text(message)
    if reason is None:
        return
    text, _ = await withdraw(bot, message.chat.id, session, person, state, settings, reason)
    await message.answer(text)


async def reason_not_text(message: Message, settings: HandlerSettings) -> None:
    required = settings.require_cancel_reason
    await message.answer(
        texts.WITHDRAW_TEXT_ONLY_REQUIRED if required else texts.WITHDRAW_TEXT_ONLY
    )


async def without_reason(
    query: CallbackQuery,
    callback_data: MyCb,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: HandlerSettings,
) -> None:
    if (await state.get_data()).get("n") != callback_data.number:
        await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
        return
    if settings.require_cancel_reason:  # a prompt shown before the setting was turned on
        await query.answer(texts.REASON_REQUIRED, show_alert=True)
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
    settings: HandlerSettings,
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
            reason_required=settings.require_cancel_reason,
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


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(
        press_withdraw, MyCb.filter(F.action.in_({MyAction.WITHDRAW, MyAction.CONFIRM}))
    )
    router.message.register(
        reason_given, Withdraw.reason, F.text, ~F.text.startswith("/"), NOT_MENU
    )
    router.message.register(reason_not_text, Withdraw.reason, NOT_MENU)
    router.callback_query.register(
        without_reason, MyCb.filter(F.action == MyAction.WITHOUT_REASON), Withdraw.reason
    )
    return router
