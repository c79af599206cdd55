"""Dispatcher-level tests of «Сменить роль», the menu and /help of each role, and the chat's
command menu (PRODUCT.md §2, §4.6)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import User
from handlers.menu import apply_role_menu
from models import ConsentRecord, Person, Role
from services.roles import effective_role
from tests import factories as f
from tests.dispatcher import Harness

USER = User(id=6001, first_name="Ольга", last_name="Смирнова")

DIRECTOR_MENU = [["📋 Заявки", "👥 Заместитель"], ["⚙️ Настройки"], ["❓ Помощь"]]
TEACHER_MENU = [["📋 Мои заявки"], ["⚙️ Настройки"], ["❓ Помощь"]]
STAFF_MENU = [["📥 Очередь", "📊 Обзор"], ["📤 Выгрузка"], ["⚙️ Настройки"], ["❓ Помощь"]]
HELP_ORDER = [
    "/applications",
    "/my",
    "/deputy",
    "/queue",
    "/overview",
    "/export",
    "/assess",
    "/settings",
    "/role",
    "/cancel",
    "/help",
]


async def linked(h: Harness, user: User, *roles: Role, name: str | None = None) -> int:
    """A consented person linked to `user`, with a school; returns the person's id."""
    async with h.db.begin() as session:
        school = await f.organization(session)
        person = await f.person(session, school, *roles, name=name, telegram_id=user.id)
        session.add(ConsentRecord(telegram_id=user.id, version="2024-1"))
    h.fake.register_user(user)
    return person.id


def inline_buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def reply_menu(h: Harness, user: User) -> list[list[str]]:
    keyboard = h.fake.reply_keyboard(user.id)
    assert keyboard is not None, "no reply keyboard shown"
    return [[b["text"] for b in row] for row in keyboard["keyboard"]]


def chat_commands(h: Harness, user: User) -> list[str]:
    return [c["command"] for c in h.fake.commands({"type": "chat", "chat_id": user.id})]


async def say(h: Harness, user: User, text: str) -> dict[str, Any]:
    """The user writes; the bot's last message in the chat afterwards."""
    await h.feed(h.fake.send_text(user, text))
    shown = h.fake.last_message(user.id)
    assert shown is not None
    return shown


async def press(h: Harness, user: User, message: dict[str, Any] | int, text: str) -> str:
    query_id = h.fake.press_button(user, message, text)
    await h.feed(h.fake.pending_updates[-1])
    return query_id


async def active_role(h: Harness, person_id: int) -> Role | None:
    async with h.db() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        return person.active_role


async def test_switching_role_changes_menu_help_and_chat_commands(harness: Harness) -> None:
    h = harness
    person_id = await linked(h, USER, Role.DIRECTOR, Role.TEACHER)

    await say(h, USER, "/help")
    assert reply_menu(h, USER) == [
        ["📋 Заявки", "👥 Заместитель"],
        ["⚙️ Настройки", "🔄 Сменить роль"],
        ["❓ Помощь"],
    ]

    choice = await say(h, USER, "/role")
    assert "Руководитель ОО" in choice["text"]
    assert inline_buttons(choice) == ["Слушатель", "• Руководитель ОО"]

    mark = h.fake.mark()
    await press(h, USER, choice, "Слушатель")
    assert await active_role(h, person_id) is Role.TEACHER
    shown = next(m for m in h.fake.messages(USER.id) if m["message_id"] == choice["message_id"])
    assert "Слушатель" in shown["text"] and inline_buttons(shown) == []
    help_after = await h.fake.wait_for_message(USER.id, "/my", since=mark)
    assert "/applications" not in help_after["text"]
    assert reply_menu(h, USER) == [
        ["📋 Мои заявки"],
        ["⚙️ Настройки", "🔄 Сменить роль"],
        ["❓ Помощь"],
    ]
    assert chat_commands(h, USER) == ["my", "settings", "role", "cancel", "help"]
    call = h.fake.calls_of("setMyCommands", ok=True)[-1]
    assert call.params["scope"] == {"type": "chat", "chat_id": USER.id}
    # The default list (for everyone else) is untouched.
    assert h.fake.commands() == []

    # The menu word works like the command; back to director.
    choice = await say(h, USER, "🔄 Сменить роль")
    assert inline_buttons(choice) == ["• Слушатель", "Руководитель ОО"]
    await press(h, USER, choice, "Руководитель ОО")
    assert await active_role(h, person_id) is Role.DIRECTOR
    assert chat_commands(h, USER) == [
        "applications",
        "deputy",
        "settings",
        "role",
        "cancel",
        "help",
    ]
    assert reply_menu(h, USER)[0] == ["📋 Заявки", "👥 Заместитель"]


async def test_one_role_is_told_there_is_nothing_to_switch(harness: Harness) -> None:
    h = harness
    person_id = await linked(h, USER, Role.TEACHER)
    for text in ("/role", "🔄 Сменить роль"):
        shown = await say(h, USER, text)
        assert "одна роль" in shown["text"] and "Слушатель" in shown["text"]
        assert inline_buttons(shown) == []
    assert await active_role(h, person_id) is None
    assert h.fake.calls_of("setMyCommands") == []


@pytest.mark.parametrize(
    ("role", "menu", "present", "absent"),
    [
        (
            Role.DIRECTOR,
            DIRECTOR_MENU,
            ["/applications", "/deputy", "/settings", "/cancel", "/help"],
            ["/my", "/role"],
        ),
        (
            Role.TEACHER,
            TEACHER_MENU,
            ["/my", "/settings", "/cancel", "/help"],
            ["/applications", "/deputy", "/role"],
        ),
        (
            Role.STAFF,
            STAFF_MENU,
            ["/queue", "/overview", "/export", "/assess", "/settings", "/cancel", "/help"],
            ["/my", "/applications"],
        ),
    ],
)
async def test_help_and_menu_follow_the_only_role(
    harness: Harness, role: Role, menu: list[list[str]], present: list[str], absent: list[str]
) -> None:
    h = harness
    await linked(h, USER, role)
    for text in ("/help", "❓ Помощь"):
        shown = await say(h, USER, text)
        assert all(command in shown["text"] for command in present), shown["text"]
        assert not any(command in shown["text"] for command in absent), shown["text"]
        assert reply_menu(h, USER) == menu
        # /help also sets the chat's command menu of the role.
        assert ["/" + c for c in chat_commands(h, USER)] == [c for c in HELP_ORDER if c in present]


async def test_help_of_a_person_with_several_roles_names_role(harness: Harness) -> None:
    h = harness
    await linked(h, USER, Role.TEACHER, Role.STAFF)
    shown = await say(h, USER, "/help")
    # Staff wins over listener until the person chooses.
    assert "Работник ЧИРО" in shown["text"] and "/role" in shown["text"]
    assert reply_menu(h, USER) == [
        ["📥 Очередь", "📊 Обзор"],
        ["📤 Выгрузка"],
        ["⚙️ Настройки", "🔄 Сменить роль"],
        ["❓ Помощь"],
    ]


async def test_apply_role_menu_sets_the_commands_of_that_chat_only(harness: Harness) -> None:
    h = harness
    person_id = await linked(h, USER, Role.DIRECTOR)
    async with h.db() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        await apply_role_menu(h.bot, USER.id, person)
    assert chat_commands(h, USER) == ["applications", "deputy", "settings", "cancel", "help"]
    assert h.fake.commands({"type": "chat", "chat_id": 1}) == []
    described = h.fake.commands({"type": "chat", "chat_id": USER.id})
    assert {c["command"]: c["description"] for c in described}["deputy"]


async def test_forged_role_button_is_refused(harness: Harness) -> None:
    h = harness
    person_id = await linked(h, USER, Role.TEACHER)
    anchor = await say(h, USER, "/help")
    before = len(h.fake.calls_of("setMyCommands"))
    for data in ("role:director", "role:nonsense"):
        query_id = h.fake.press(USER, anchor, data, strict=False)
        await h.feed(h.fake.pending_updates[-1])
        answer = h.fake.callback_answers(query_id)[0]
        assert answer.get("show_alert") is True and "нет этой роли" in answer["text"]
    assert await active_role(h, person_id) is None
    assert len(h.fake.calls_of("setMyCommands")) == before


async def test_effective_role_prefers_the_choice_while_it_is_held(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sqlite_sessionmaker.begin() as session:
        school = await f.organization(session)
        both = await f.person(session, school, Role.TEACHER, Role.DIRECTOR)
        staff = await f.person(session, school, Role.TEACHER, Role.STAFF)
        teacher = await f.person(session, school, Role.TEACHER)
        assert effective_role(both) is Role.DIRECTOR
        assert effective_role(staff) is Role.STAFF
        assert effective_role(teacher) is Role.TEACHER
        both.active_role = Role.TEACHER
        assert effective_role(both) is Role.TEACHER
        # A choice the person no longer holds (an import took the role away) is ignored.
        teacher.active_role = Role.DIRECTOR
        assert effective_role(teacher) is Role.TEACHER


@pytest.mark.parametrize("role", [Role.TEACHER, Role.DIRECTOR])
async def test_a_staff_command_from_another_role_says_whose_it_is(
    harness: Harness, role: Role
) -> None:
    h = harness
    await linked(h, USER, role)
    for command in ("/queue", "/export", "/overview"):
        answer = await say(h, USER, command)
        assert f"Команда {command} доступна работникам ЧИРО" in answer["text"], answer["text"]
