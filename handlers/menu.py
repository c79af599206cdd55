"""The active role (PRODUCT.md §2, §4.6): «Сменить роль», the main menu, /help and the command
menu of each role.

The active role only decides what a person is shown: the reply-keyboard menu, the /help text and
the chat's command menu (setMyCommands scoped to the chat). Rights and notifications never depend
on it.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder, ReplyKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.edits import edit_text
from handlers.filters import AnyValueOf
from models import Person, Role
from services.labels import ROLE_LABELS
from services.roles import RoleNotHeld, effective_role, has_several_roles, held_roles, switch_role

# After the linking router nobody unlinked gets here; the filter says so where it matters.

# The commands of each role, in menu order; «role» only for people with several roles.
ROLE_COMMANDS: dict[Role, tuple[str, ...]] = {
    Role.DIRECTOR: ("applications", "deputy", "settings", "role", "cancel", "help"),
    Role.TEACHER: ("my", "settings", "role", "cancel", "help"),
    Role.STAFF: ("queue", "overview", "export", "assess", "settings", "role", "cancel", "help"),
}

# The reply-keyboard rows of each role.
MENU_ROWS: dict[Role, tuple[tuple[str, ...], ...]] = {
    Role.DIRECTOR: (
        (texts.BTN_MENU_APPLICATIONS, texts.BTN_MENU_DEPUTY),
        (texts.BTN_MENU_SETTINGS, texts.BTN_MENU_ROLE),
        (texts.BTN_MENU_HELP,),
    ),
    Role.TEACHER: (
        (texts.BTN_MENU_MY,),
        (texts.BTN_MENU_SETTINGS, texts.BTN_MENU_ROLE),
        (texts.BTN_MENU_HELP,),
    ),
    Role.STAFF: (
        (texts.BTN_MENU_STAFF_QUEUE, texts.BTN_MENU_STAFF_OVERVIEW),
        (texts.BTN_MENU_STAFF_EXPORT,),
        (texts.BTN_MENU_SETTINGS, texts.BTN_MENU_ROLE),
        (texts.BTN_MENU_HELP,),
    ),
}


class RoleCb(CallbackData, prefix="role"):
    """A role button of «Сменить роль»."""

    role: Role  # packed as the role's code: teacher, director, staff


def commands_of(person: Person) -> list[str]:
    several = has_several_roles(person)
    return [c for c in ROLE_COMMANDS[effective_role(person)] if c != "role" or several]


def main_menu(person: Person) -> ReplyKeyboardMarkup:
    """The reply keyboard of the person's active role."""
    several = has_several_roles(person)
    builder = ReplyKeyboardBuilder()
    for row in MENU_ROWS[effective_role(person)]:
        words = [word for word in row if word != texts.BTN_MENU_ROLE or several]
        if words:  # a row that held only the role button is dropped with it
            builder.row(*(KeyboardButton(text=word) for word in words))
    return builder.as_markup(resize_keyboard=True, is_persistent=True)


def help_text(person: Person) -> str:
    lines = [f"/{command} — {texts.MENU_COMMANDS[command]}" for command in commands_of(person)]
    return "\n\n".join(
        (
            texts.MENU_HELP_INTRO[effective_role(person)],
            texts.MENU_HELP_COMMANDS + "\n" + "\n".join(lines),
            texts.MENU_HELP_FOOTER,
        )
    )


def role_keyboard(person: Person) -> InlineKeyboardMarkup:
    active = effective_role(person)
    builder = InlineKeyboardBuilder()
    for role in held_roles(person):
        builder.button(
            text=(texts.ROLE_CURRENT_MARK if role is active else "") + ROLE_LABELS[role],
            callback_data=RoleCb(role=role),
        )
    builder.adjust(1)
    return builder.as_markup()


async def apply_role_menu(bot: Bot, chat_id: int, person: Person) -> None:
    """The command menu of the person's active role, for their chat only."""
    await bot.set_my_commands(
        [
            BotCommand(command=command, description=texts.MENU_COMMANDS[command])
            for command in commands_of(person)
        ],
        scope=BotCommandScopeChat(chat_id=chat_id),
    )


async def show_main_menu(bot: Bot, chat_id: int, person: Person) -> None:
    """The reply-keyboard menu and the command menu of the active role (e.g. after linking)."""
    await bot.send_message(chat_id, texts.MENU_SHOWN, reply_markup=main_menu(person))
    await apply_role_menu(bot, chat_id, person)


async def choose_role(message: Message, person: Person, state: FSMContext) -> None:
    # A menu press leaves whatever prompt was open, as /cancel would.
    await state.clear()
    if not has_several_roles(person):
        role = ROLE_LABELS[effective_role(person)]
        await message.answer(texts.ROLE_ONLY_ONE.format(role=role), reply_markup=main_menu(person))
        return
    await message.answer(
        texts.ROLE_CHOOSE.format(role=ROLE_LABELS[effective_role(person)]),
        reply_markup=role_keyboard(person),
    )


async def switch(
    query: CallbackQuery, callback_data: RoleCb, bot: Bot, session: AsyncSession, person: Person
) -> None:
    try:
        role = await switch_role(session, person, callback_data.role)
    except RoleNotHeld:
        await not_held(query)
        return
    await query.answer()
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    if isinstance(query.message, Message):
        await edit_text(query.message, texts.ROLE_SWITCHED.format(role=ROLE_LABELS[role]), None)
    # A reply keyboard can only come with a new message: the help of the new role brings it.
    await bot.send_message(chat_id, help_text(person), reply_markup=main_menu(person))
    await apply_role_menu(bot, chat_id, person)


async def not_held(query: CallbackQuery) -> None:
    # A role the person does not hold, or no role at all (an old or forged button).
    await query.answer(texts.ROLE_NOT_HELD, show_alert=True)


async def help_(message: Message, bot: Bot, person: Person) -> None:
    # The menus come along: whoever lost the keyboard, or whose roles an import changed (or
    # who linked before menus per role existed), gets the right ones back.
    await message.answer(help_text(person), reply_markup=main_menu(person))
    await apply_role_menu(bot, message.chat.id, person)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(choose_role, F.text == texts.BTN_MENU_ROLE)
    router.message.register(choose_role, Command("role"))
    router.callback_query.register(switch, RoleCb.filter())
    router.callback_query.register(not_held, AnyValueOf(RoleCb))
    router.message.register(help_, F.text == texts.BTN_MENU_HELP)
    router.message.register(help_, Command("help"))
    return router
