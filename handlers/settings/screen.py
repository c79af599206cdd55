"""/settings (PRODUCT.md §4.5, §5): digest time, instant cards on or off, quiet hours.

One message is the screen: a press on «Время сводки» or «Тихие часы» turns it into the prompt,
and the value typed turns it back into the screen with the new value.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.edits import edit_or_send, edit_text
from handlers.filters import TYPED, AnyValueOf
from handlers.settings.states import SettingsInput
from models import Person, utcnow
from services import person_settings
from services.locality import person_today
from services.person_settings import QUIET_OFF, InvalidSetting

# What a prompt takes as its input: text that is neither a command nor a menu button.
# Longest piece of a wrong answer quoted back.
ECHO_LIMIT = 40


class SettingsAction(StrEnum):
    DIGEST_TIME = "dt"  # ask the digest time
    INSTANT_CARDS = "ic"  # toggle instant cards
    QUIET_HOURS = "qh"  # ask quiet hours
    BACK = "back"


class SettingsCb(CallbackData, prefix="sett"):
    """A button of /settings."""

    action: SettingsAction


def screen_text(person: Person, settings: HandlerSettings, *, digests: bool = True) -> str:
    now = person_settings.settings_of(person, settings.digest_time, settings.quiet_hours)
    digest = now.digest_time + (texts.SETTINGS_DEFAULT if now.digest_is_default else "")
    quiet = now.quiet_hours.replace("-", "–") if now.quiet_hours else texts.SETTINGS_QUIET_OFF
    quiet += texts.SETTINGS_DEFAULT if now.quiet_is_default else ""
    if not digests:
        return texts.SETTINGS_SCREEN_TEACHER.format(quiet=quiet)
    return texts.SETTINGS_SCREEN.format(
        digest=digest, instant=texts.SETTINGS_INSTANT[now.instant_cards], quiet=quiet
    )


def screen_keyboard(person: Person, *, digests: bool = True) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if digests:
        builder.button(
            text=texts.SETTINGS_BTN_DIGEST,
            callback_data=SettingsCb(action=SettingsAction.DIGEST_TIME),
        )
        builder.button(
            text=texts.SETTINGS_BTN_INSTANT[person.instant_cards],
            callback_data=SettingsCb(action=SettingsAction.INSTANT_CARDS),
        )
    builder.button(
        text=texts.SETTINGS_BTN_QUIET, callback_data=SettingsCb(action=SettingsAction.QUIET_HOURS)
    )
    builder.adjust(1)
    return builder.as_markup()


async def screen(
    session: AsyncSession, person: Person, settings: HandlerSettings
) -> tuple[str, InlineKeyboardMarkup]:
    """The screen as this person should see it: a teacher's has the quiet hours alone."""
    digests = await person_settings.gets_digests(
        session, person, person_today(person, utcnow(), settings.tz)
    )
    return screen_text(person, settings, digests=digests), screen_keyboard(person, digests=digests)


def prompt_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.BTN_BACK, callback_data=SettingsCb(action=SettingsAction.BACK))
    return builder.as_markup()


async def open_settings(
    message: Message,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
    state: FSMContext,
) -> None:
    await state.clear()
    text, markup = await screen(session, person, settings)
    await message.answer(text, reply_markup=markup)


async def toggle_instant(
    query: CallbackQuery, session: AsyncSession, person: Person, settings: HandlerSettings
) -> None:
    await person_settings.toggle_instant_cards(session, person)
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, *await screen(session, person, settings))


PROMPTS = {
    SettingsAction.DIGEST_TIME: (SettingsInput.digest_time, texts.SETTINGS_ASK_DIGEST),
    SettingsAction.QUIET_HOURS: (SettingsInput.quiet_hours, texts.SETTINGS_ASK_QUIET),
}


async def ask(query: CallbackQuery, callback_data: SettingsCb, state: FSMContext) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    wanted, prompt = PROMPTS[callback_data.action]
    await state.set_state(wanted)
    await state.set_data({"screen": query.message.message_id})
    await edit_text(query.message, prompt, prompt_keyboard())


async def back(
    query: CallbackQuery,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
    state: FSMContext,
) -> None:
    if await state.get_state() in SettingsInput.__state_names__:
        await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, *await screen(session, person, settings))


async def unknown_press(query: CallbackQuery) -> None:
    await query.answer(texts.BUTTON_OUTDATED, show_alert=True)


async def digest_given(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
    state: FSMContext,
) -> None:
    assert message.text is not None
    try:
        await person_settings.set_digest_time(session, person, message.text)
    except InvalidSetting:
        await message.answer(texts.SETTINGS_BAD_DIGEST.format(value=_echo(message.text)))
        return
    await _saved(message, bot, session, person, settings, state)


async def quiet_given(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
    state: FSMContext,
) -> None:
    assert message.text is not None
    value = message.text
    if value.strip().lower() in texts.SETTINGS_OFF_WORDS:
        value = QUIET_OFF
    try:
        await person_settings.set_quiet_hours(session, person, value)
    except InvalidSetting:
        await message.answer(texts.SETTINGS_BAD_QUIET.format(value=_echo(message.text)))
        return
    await _saved(message, bot, session, person, settings, state)


async def not_text(message: Message) -> None:
    await message.answer(texts.SETTINGS_TEXT_ONLY)


def _echo(text: str) -> str:
    text = text.strip()
    return escape(text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 1] + "…")


async def _saved(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
    state: FSMContext,
) -> None:
    """The prompt becomes the screen again, showing the new value."""
    shown = (await state.get_data()).get("screen")
    await state.clear()
    await message.answer(texts.SETTINGS_SAVED)
    text, markup = await screen(session, person, settings)
    await edit_or_send(
        bot, message.chat.id, int(shown) if shown is not None else None, text, markup
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(open_settings, F.text == texts.BTN_MENU_SETTINGS)
    router.message.register(open_settings, Command("settings"))
    router.callback_query.register(
        toggle_instant, SettingsCb.filter(F.action == SettingsAction.INSTANT_CARDS)
    )
    router.callback_query.register(ask, SettingsCb.filter(F.action.in_(PROMPTS)))
    router.callback_query.register(back, SettingsCb.filter(F.action == SettingsAction.BACK))
    router.callback_query.register(unknown_press, AnyValueOf(SettingsCb))
    router.message.register(digest_given, SettingsInput.digest_time, *TYPED)
    router.message.register(quiet_given, SettingsInput.quiet_hours, *TYPED)
    router.message.register(not_text, StateFilter(SettingsInput), ~F.text)
    return router
