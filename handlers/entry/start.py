"""/start, the personal-data consent, and linking by invitation code (PRODUCT.md §4.1)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.edits import edit_markup
from handlers.entry.keyboards import ConsentCb, consent_keyboard, share_phone_keyboard
from handlers.menu import apply_role_menu, main_menu
from models import Person
from services.consent import record_consent
from services.invitations import AccountLinkedElsewhere, InvalidInvitation
from services.linking import TooManyAttempts, link_by_code
from services.roles import effective_role, held_roles


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    consented: bool,
    person: Person | None,
    settings: HandlerSettings,
) -> None:
    code = (command.args or "").strip()
    if not consented:
        if code:
            # The deep-link code waits in the conversation until the consent is given.
            await state.update_data(invite_code=code)
        await message.answer(texts.CONSENT, reply_markup=consent_keyboard())
        return
    assert message.bot is not None
    await welcome(message.bot, message.chat.id, session, person, settings, code or None)


async def accept_consent(
    query: CallbackQuery,
    bot: Bot,
    session: AsyncSession,
    state: FSMContext,
    person: Person | None,
    consent_version: str,
    settings: HandlerSettings,
) -> None:
    created = await record_consent(session, query.from_user.id, consent_version)
    await query.answer(texts.CONSENT_THANKS if created else texts.CONSENT_ALREADY)
    if not created:
        return
    if isinstance(query.message, Message):
        # The button has done its job: keep the text, drop the keyboard.
        await edit_markup(query.message, None)
    data = await state.get_data()
    code = data.pop("invite_code", None)
    await state.set_data(data)
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await welcome(bot, chat_id, session, person, settings, code)


async def welcome(
    bot: Bot,
    chat_id: int,
    session: AsyncSession,
    person: Person | None,
    settings: HandlerSettings,
    code: str | None,
) -> None:
    """Link by code when one was given, then greet the person or say how to get access."""
    if code:
        try:
            linked = await link_by_code(session, chat_id, code, tz=settings.tz)
        except TooManyAttempts:
            await bot.send_message(chat_id, texts.LINK_TOO_MANY)
            return
        except InvalidInvitation as refused:
            refusal = texts.LINK_BAD_CODE[refused.reason]
            if person is None:
                # One message: the refusal and how to go on.
                await bot.send_message(
                    chat_id,
                    refusal + "\n\n" + texts.LINK_PROMPT,
                    reply_markup=share_phone_keyboard(),
                )
            else:
                await bot.send_message(chat_id, refusal)
            return
        except AccountLinkedElsewhere:
            await bot.send_message(chat_id, texts.LINK_ACCOUNT_TAKEN)
            return
        await greet(bot, chat_id, linked.person, linked.waiting)
        return
    if person is None:
        await bot.send_message(
            chat_id, texts.HOW_TO_GET_ACCESS, reply_markup=share_phone_keyboard()
        )
    else:
        await greet(bot, chat_id, person, 0)


async def greet(bot: Bot, chat_id: int, person: Person, waiting: int) -> None:
    """The greeting by name and role, with the menu and the command list of the active role."""
    active = effective_role(person)
    roles = [active, *(role for role in held_roles(person) if role is not active)]
    text = texts.greeting(person.full_name, roles)
    if waiting:
        text += "\n\n" + texts.waiting_applications(waiting)
    await bot.send_message(chat_id, text, reply_markup=main_menu(person))
    await apply_role_menu(bot, chat_id, person)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.callback_query.register(accept_consent, ConsentCb.filter())
    return router
