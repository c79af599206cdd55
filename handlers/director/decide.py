"""A director's decision on a card (PRODUCT.md §4.2): the press, checked, opens the comment
prompt of `handlers.decision`, which applies the decision once.

Authority is never read from the button: the callback carries only the application number and
the status the card showed; who may decide is checked in the database, at the press and again
when the decision is applied (compare-and-set on the status seen).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.config import HandlerSettings
from handlers.decision import open_prompt
from handlers.director.callbacks import STATUS_BY_CODE, CardAction, CardCb
from handlers.director.card import show_card
from handlers.errors import refusal
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
    settings: HandlerSettings,
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
    await open_prompt(bot, chat_id, state, number, target, seen, reason_required=reason_required)
    await query.answer()


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(
        press_decision, CardCb.filter(F.action.in_(TARGETS)), flags={"read_only": True}
    )
    return router
