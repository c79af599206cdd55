"""«Одобрить все» under the list: a confirmation, then every new application shown is approved
in one go (services.bulk), each on its own terms.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.confirm import confirm_keyboard
from handlers.director.callbacks import BulkAction, BulkCb
from handlers.director.filters import Decider
from handlers.edits import edit_text
from handlers.errors import refusal
from handlers.render.cards import MAX_TEXT
from models import Person, Status
from services import bulk, listing


async def bulk_ask(
    query: CallbackQuery,
    callback_data: BulkCb,
    session: AsyncSession,
    state: FSMContext,
    org_ids: list[int],
) -> None:
    term = (await state.get_data()).get("search") if callback_data.searching else None
    found = await listing.entry_ids(session, org_ids, status=Status.NEW, surname=term)
    if not found:
        await query.answer(texts.BULK_NOTHING, show_alert=True)
        return
    # The confirmation is for exactly what was shown: later arrivals wait for their own look.
    await state.update_data(bulk=found)
    markup = confirm_keyboard(BulkCb(action=BulkAction.YES), BulkCb(action=BulkAction.NO))
    assert query.bot is not None
    await query.bot.send_message(
        query.from_user.id, texts.BULK_CONFIRM.format(count=len(found)), reply_markup=markup
    )
    await query.answer()


async def bulk_yes(
    query: CallbackQuery,
    session: AsyncSession,
    state: FSMContext,
    person: Person,
    settings: HandlerSettings,
) -> None:
    data = await state.get_data()
    ids = data.get("bulk") or []
    await state.update_data(bulk=None)
    if not ids:
        await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
        return
    report = await bulk.approve_all(session, person.id, ids, tz=settings.tz)
    text = texts.bulk_report(
        len(report.done),
        [(number, refusal(error, number)) for number, error in report.skipped],
    )
    if isinstance(query.message, Message):
        await edit_text(query.message, text[:MAX_TEXT], None)
    await query.answer()


async def bulk_no(query: CallbackQuery, state: FSMContext) -> None:
    await state.update_data(bulk=None)
    if isinstance(query.message, Message):
        await edit_text(query.message, texts.BULK_CANCELLED, None)
    await query.answer()


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(bulk_ask, BulkCb.filter(F.action == BulkAction.ASK), Decider())
    router.callback_query.register(bulk_yes, BulkCb.filter(F.action == BulkAction.YES), Decider())
    router.callback_query.register(bulk_no, BulkCb.filter(F.action == BulkAction.NO))
    return router
