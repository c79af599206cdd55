"""/start and the personal-data consent (PRODUCT.md §4.1)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.edits import edit_markup
from handlers.keyboards import ConsentCb, consent_keyboard
from services.consent import record_consent
from services.people import person_by_telegram

router = Router(name=__name__)


@router.message(CommandStart())
async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    consented: bool,
) -> None:
    if command.args:
        # A deep-link invitation code waits in the conversation until the consent is given.
        await state.update_data(invite_code=command.args.strip())
    if not consented:
        await message.answer(texts.CONSENT, reply_markup=consent_keyboard())
        return
    await greet(message, session)


@router.callback_query(ConsentCb.filter())
async def accept_consent(query: CallbackQuery, session: AsyncSession, consent_version: str) -> None:
    created = await record_consent(session, query.from_user.id, consent_version)
    await query.answer(texts.CONSENT_THANKS if created else texts.CONSENT_ALREADY)
    if isinstance(query.message, Message):
        # The button has done its job: keep the text, drop the keyboard.
        await edit_markup(query.message, None)
        if created:
            await greet(query.message, session, telegram_id=query.from_user.id)


async def greet(message: Message, session: AsyncSession, telegram_id: int | None = None) -> None:
    user_id = telegram_id or (message.from_user.id if message.from_user else message.chat.id)
    person = await person_by_telegram(session, user_id)
    if person is None:
        await message.answer(texts.HOW_TO_GET_ACCESS)
    else:
        await message.answer(texts.greeting(person.full_name, person.roles))
