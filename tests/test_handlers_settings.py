"""/settings (PRODUCT.md §4.5): the screen, each change, bad input asked again; the service."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.fakeapi import User
from models import Person, Role
from services.person_settings import (
    InvalidSetting,
    normalize_digest_time,
    normalize_quiet_hours,
    settings_of,
)
from tests.dispatcher import Harness
from tests.test_handlers_roles import inline_buttons, linked, press, say

USER = User(id=6101, first_name="Мария", last_name="Иванова")


async def stored(h: Harness, person_id: int) -> tuple[str | None, bool, str | None]:
    async with h.db() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        return person.digest_time, person.instant_cards, person.quiet_hours


async def state_of(h: Harness) -> str | None:
    key = StorageKey(bot_id=h.bot.id, chat_id=USER.id, user_id=USER.id)
    return await h.dispatcher.fsm.storage.get_state(key)


def current(h: Harness, message: dict[str, Any]) -> dict[str, Any]:
    """The message as the user sees it now (after edits)."""
    return next(m for m in h.fake.messages(USER.id) if m["message_id"] == message["message_id"])


async def open_screen(h: Harness) -> dict[str, Any]:
    screen = await say(h, USER, "/settings")
    assert "Настройки уведомлений" in screen["text"]
    return screen


async def test_screen_shows_the_defaults_and_opens_from_the_menu(harness: Harness) -> None:
    h = harness
    await linked(h, USER, Role.DIRECTOR)
    for text in ("/settings", "⚙️ Настройки"):
        screen = await say(h, USER, text)
        assert "Ежедневная сводка: 09:00 (по умолчанию)" in screen["text"]
        assert "Новые заявки: сразу, карточкой" in screen["text"]
        assert "Тихие часы: 21:00–08:00 (по умолчанию)" in screen["text"]
        assert inline_buttons(screen) == ["🕘 Время сводки", "🔕 Только сводка", "🌙 Тихие часы"]


async def test_digest_time_is_asked_again_until_valid_and_the_screen_is_edited(
    harness: Harness,
) -> None:
    h = harness
    person_id = await linked(h, USER, Role.DIRECTOR)
    screen = await open_screen(h)
    await press(h, USER, screen, "Время сводки")
    prompt = current(h, screen)
    assert "ЧЧ:ММ" in prompt["text"] and inline_buttons(prompt) == ["Назад"]
    assert await state_of(h) == "SettingsInput:digest_time"

    for wrong in ("25:00", "утром", "9.30"):
        answer = await say(h, USER, wrong)
        assert f"«{wrong}» — не время" in answer["text"]
        assert await state_of(h) == "SettingsInput:digest_time"
    assert await stored(h, person_id) == (None, True, None)

    answer = await say(h, USER, " 7:05 ")
    assert await stored(h, person_id) == ("07:05", True, None)
    assert await state_of(h) is None
    assert "Сохранено" in answer["text"]
    shown = current(h, screen)
    assert "Ежедневная сводка: 07:05\n" in shown["text"]
    assert inline_buttons(shown) == ["🕘 Время сводки", "🔕 Только сводка", "🌙 Тихие часы"]


async def test_instant_cards_toggle_in_place(harness: Harness) -> None:
    h = harness
    person_id = await linked(h, USER, Role.DIRECTOR)
    screen = await open_screen(h)
    await press(h, USER, screen, "Только сводка")
    assert await stored(h, person_id) == (None, False, None)
    shown = current(h, screen)
    assert "Новые заявки: только в сводке" in shown["text"]
    assert "🔔 Присылать сразу" in inline_buttons(shown)
    await press(h, USER, screen, "Присылать сразу")
    assert await stored(h, person_id) == (None, True, None)
    assert "Новые заявки: сразу, карточкой" in current(h, screen)["text"]


async def test_quiet_hours_typed_then_switched_off(harness: Harness) -> None:
    h = harness
    person_id = await linked(h, USER, Role.TEACHER)
    screen = await open_screen(h)
    await press(h, USER, screen, "Тихие часы")
    assert await state_of(h) == "SettingsInput:quiet_hours"
    for wrong in ("22-07", "22:00-22:00", "<b>ночью</b>"):
        answer = await say(h, USER, wrong)
        assert "не подходит" in answer["text"]
    # The user's words come back escaped: Telegram shows them as typed.
    assert "«<b>ночью</b>» не подходит" in answer["text"]
    assert await stored(h, person_id) == (None, True, None)

    await say(h, USER, "22:30 – 7:00")
    assert await stored(h, person_id) == (None, True, "22:30-07:00")
    assert "Тихие часы: 22:30–07:00\n" in current(h, screen)["text"]

    await press(h, USER, screen, "Тихие часы")
    await say(h, USER, "Выкл")
    assert await stored(h, person_id) == (None, True, "off")
    assert "Тихие часы: выключены\n" in current(h, screen)["text"]


async def test_cancel_and_back_leave_the_prompt_unchanged(harness: Harness) -> None:
    h = harness
    person_id = await linked(h, USER, Role.DIRECTOR)
    screen = await open_screen(h)
    await press(h, USER, screen, "Время сводки")
    answer = await say(h, USER, "/cancel")
    assert "Ввод отменён" in answer["text"]
    assert await state_of(h) is None
    await say(h, USER, "08:00")  # no prompt any more: not a setting
    assert await stored(h, person_id) == (None, True, None)

    await press(h, USER, screen, "Назад")
    assert inline_buttons(current(h, screen))[0] == "🕘 Время сводки"
    await press(h, USER, screen, "Тихие часы")
    await press(h, USER, screen, "Назад")
    assert await state_of(h) is None
    assert "Тихие часы: 21:00–08:00 (по умолчанию)" in current(h, screen)["text"]


async def test_non_text_and_menu_words_are_not_taken_as_the_value(harness: Harness) -> None:
    h = harness
    person_id = await linked(h, USER, Role.DIRECTOR)
    screen = await open_screen(h)
    await press(h, USER, screen, "Время сводки")
    update = h.fake.inject_update(
        "message",
        {
            "message_id": 999,
            "date": 1_700_000_000,
            "chat": USER.chat_dict(),
            "from": USER.to_dict(),
            "location": {"latitude": 55.16, "longitude": 61.4},
        },
    )
    await h.feed(update)
    answer = h.fake.last_message(USER.id)
    assert answer is not None and "сообщением" in answer["text"]
    assert await state_of(h) == "SettingsInput:digest_time"

    # A menu word is not a value: it opens its own screen (here one of a later router).
    answer = await say(h, USER, "👥 Заместитель")
    assert "Заместитель не назначен" in answer["text"]
    assert await stored(h, person_id) == (None, True, None)
    await press(h, USER, screen, "Назад")
    await press(h, USER, screen, "Время сводки")
    answer = await say(h, USER, "❓ Помощь")
    assert "/settings" in answer["text"]
    assert await state_of(h) == "SettingsInput:digest_time"
    answer = await say(h, USER, "⚙️ Настройки")
    assert "Настройки уведомлений" in answer["text"]
    assert await state_of(h) is None
    assert await stored(h, person_id) == (None, True, None)


def test_values_are_normalized_or_refused() -> None:
    assert normalize_digest_time("8:30") == "08:30"
    assert normalize_quiet_hours("21:00 — 8:00") == "21:00-08:00"
    assert normalize_quiet_hours("off") == "off"
    for wrong in ("24:00", "", "8"):
        with pytest.raises(InvalidSetting):
            normalize_digest_time(wrong)
    for wrong in ("21:00", "21:00-21:00", "21-08"):
        with pytest.raises(InvalidSetting):
            normalize_quiet_hours(wrong)


def test_settings_of_falls_back_to_defaults_for_broken_values() -> None:
    person = Person(digest_time="9:7", quiet_hours="ночью", instant_cards=False)
    now = settings_of(person, "09:00", "21:00-08:00")
    assert (now.digest_time, now.digest_is_default) == ("09:00", True)
    assert (now.quiet_hours, now.quiet_is_default) == ("21:00-08:00", True)
    assert now.instant_cards is False
    person = Person(digest_time="07:45", quiet_hours="off", instant_cards=True)
    now = settings_of(person, "09:00", "21:00-08:00")
    assert (now.digest_time, now.digest_is_default) == ("07:45", False)
    assert (now.quiet_hours, now.quiet_is_default) == (None, False)


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        ("sett:ic", "Новые заявки: только в сводке"),
        ("sett:dt", "ЧЧ:ММ"),
        ("dep:new:0:0", "нет коллег, подключённых к боту"),
    ],
)
async def test_a_press_under_a_message_that_is_gone_shows_the_screen_anew(
    harness: Harness, data: str, shown: str
) -> None:
    """The user deleted the screen (or it is too old to edit): the press still gets its screen,
    sent anew, and no «Что-то пошло не так»."""
    h = harness
    await linked(h, USER, Role.DIRECTOR)
    screen = await open_screen(h)
    before = len(h.fake.messages(USER.id))
    h.fake.fail_next(
        1,
        status=400,
        methods=["editMessageText"],
        description="Bad Request: message to edit not found",
    )
    h.fake.press(USER, screen, data, strict=False)
    await h.feed(h.fake.pending_updates[-1])
    new = h.fake.messages(USER.id)[before:]
    assert any(shown in message.get("text", "") for message in new), [m.get("text") for m in new]
    assert not any("Что-то пошло не так" in message.get("text", "") for message in new)


async def test_a_teacher_is_offered_only_the_quiet_hours(harness: Harness) -> None:
    """The digest and instant cards are a decider's: a teacher's screen has the quiet hours."""
    h = harness
    await linked(h, USER, Role.TEACHER)
    screen = await open_screen(h)
    assert "Ежедневная сводка:" not in screen["text"] and "Новые заявки:" not in screen["text"]
    assert "Тихие часы: 21:00–08:00 (по умолчанию)" in screen["text"]
    assert inline_buttons(screen) == ["🌙 Тихие часы"]


async def test_a_teacher_named_deputy_gets_the_deciders_options(harness: Harness) -> None:
    from datetime import timedelta

    from models import Deputy, utcnow

    h = harness
    person_id = await linked(h, USER, Role.TEACHER)
    async with h.db.begin() as session:
        person = await session.get(Person, person_id)
        assert person is not None and person.organization_id is not None
        today = utcnow().date()
        session.add(
            Deputy(
                organization_id=person.organization_id,
                director_id=person_id,
                deputy_id=person_id,
                starts_on=today + timedelta(days=3),
                ends_on=today + timedelta(days=10),
            )
        )
    screen = await open_screen(h)
    assert inline_buttons(screen) == ["🕘 Время сводки", "🔕 Только сводка", "🌙 Тихие часы"]
