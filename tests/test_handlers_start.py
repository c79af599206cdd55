"""Dispatcher-level tests of /start, the consent gate, /help, /cancel, hints and errors."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select, text

from bot.fakeapi import User
from handlers import texts
from models import ConsentRecord, Person, Role
from services.invitations import create_invitations
from tests import factories as f
from tests.dispatcher import Harness

USER = User(id=3001, first_name="Елена", last_name="Сидорова")


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def test_start_with_code_keeps_the_code_for_after_consent(harness: Harness) -> None:
    h = harness
    await h.feed(h.fake.send_command(USER, "/start", args="AbC_123-x"))
    shown = h.fake.last_message(USER.id)
    assert shown is not None and buttons(shown) == ["Ознакомился"]
    data = await h.dispatcher.fsm.storage.get_data(_key(h, USER))
    assert data == {"invite_code": "AbC_123-x"}


def _key(h: Harness, user: User) -> StorageKey:
    return StorageKey(bot_id=h.bot.id, chat_id=user.id, user_id=user.id)


async def test_everything_before_consent_gets_the_consent(harness: Harness) -> None:
    h = harness
    for update in (h.fake.send_text(USER, "Кузнецов"), h.fake.send_command(USER, "/help")):
        mark = h.fake.mark()
        await h.feed(update)
        answer = await h.fake.wait_for_message(USER.id, since=mark)
        assert buttons(answer) == ["Ознакомился"]
    await h.feed(h.fake.send_command(USER, "/start"))
    consent_message = h.fake.last_message(USER.id)
    assert consent_message is not None
    # Another button pressed before consent (e.g. forwarded from someone): an alert, no data.
    h.fake.press(USER, consent_message, "app:1:a:43112", strict=False)
    mark = h.fake.mark()
    await h.feed(h.fake.pending_updates[-1])
    call = await h.fake.wait_for(lambda c: c.method == "answerCallbackQuery", since=mark)
    assert call.params.get("show_alert") is True
    async with h.db() as session:
        assert (await session.scalars(select(ConsentRecord))).all() == []


async def test_the_whole_consent_once_then_a_short_reminder(harness: Harness) -> None:
    h = harness
    said = []
    for words in ("Кузнецов", "ок", "спасибо"):
        mark = h.fake.mark()
        await h.feed(h.fake.send_text(USER, words))
        said.append(await h.fake.wait_for_message(USER.id, since=mark))
    whole = said[0]["text"]
    assert whole.startswith("Согласие на обработку персональных данных")
    assert len(whole) > 2 * len(texts.CONSENT_REMINDER)
    for answer in said[1:]:
        assert answer["text"] == texts.CONSENT_REMINDER and len(answer["text"]) < 200
        assert buttons(answer) == ["Ознакомился"]  # it can be accepted from the reminder too
    # /start shows the whole text again, on request.
    mark = h.fake.mark()
    await h.feed(h.fake.send_command(USER, "/start"))
    assert (await h.fake.wait_for_message(USER.id, since=mark))["text"] == whole


async def test_consent_is_stored_once_with_its_version(harness: Harness) -> None:
    h = harness
    await h.feed(h.fake.send_command(USER, "/start"))
    shown = h.fake.last_message(USER.id)
    assert shown is not None
    data = shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    # The second press comes from a stale copy of the button (two taps, two devices).
    for _ in range(2):
        h.fake.press(USER, shown, data, strict=False)
        await h.feed(h.fake.pending_updates[-1])
    async with h.db() as session:
        records = (await session.scalars(select(ConsentRecord))).all()
    assert [(r.telegram_id, r.version) for r in records] == [(USER.id, "2024-1")]
    answers = h.fake.calls_of("answerCallbackQuery")
    assert [a.params.get("text") for a in answers] == [
        "Спасибо, согласие сохранено.",
        "Согласие уже сохранено.",
    ]


async def test_linked_person_greeted_unlinked_told_how_to_get_access(harness: Harness) -> None:
    h = harness
    other = User(id=3002, first_name="Игорь")
    async with h.db.begin() as session:
        school = await f.organization(session)
        await f.person(session, school, Role.DIRECTOR, name="Петров Игорь", telegram_id=other.id)
    for user, expected in ((USER, "приглашени"), (other, "Здравствуйте, Игорь!")):
        await h.feed(h.fake.send_command(user, "/start"))
        shown = h.fake.last_message(user.id)
        assert shown is not None
        mark = h.fake.mark()
        h.fake.press_button(user, shown, "Ознакомился")
        await h.feed(h.fake.pending_updates[-1])
        await h.fake.wait_for_message(user.id, expected, since=mark)


async def test_help_cancel_and_unknown_text_after_consent(harness: Harness) -> None:
    h = harness
    async with h.db.begin() as session:
        school = await f.organization(session)
        await f.person(session, school, Role.TEACHER, telegram_id=USER.id)
    await h.feed(h.fake.send_command(USER, "/start"))
    shown = h.fake.last_message(USER.id)
    assert shown is not None
    h.fake.press_button(USER, shown, "Ознакомился")
    await h.feed(h.fake.pending_updates[-1])
    for command, expected in (("/help", "/cancel"), ("/cancel", "Нечего отменять")):
        mark = h.fake.mark()
        await h.feed(h.fake.send_command(USER, command))
        await h.fake.wait_for_message(USER.id, expected, since=mark)
    mark = h.fake.mark()
    await h.feed(h.fake.send_text(USER, "привет"))
    await h.fake.wait_for_message(USER.id, "/help", since=mark)


async def test_unlinked_user_gets_only_the_way_to_access(harness: Harness) -> None:
    h = harness
    await h.feed(h.fake.send_command(USER, "/start"))
    shown = h.fake.last_message(USER.id)
    assert shown is not None
    h.fake.press_button(USER, shown, "Ознакомился")
    await h.feed(h.fake.pending_updates[-1])
    for update in (h.fake.send_command(USER, "/help"), h.fake.send_text(USER, "Кузнецов")):
        mark = h.fake.mark()
        await h.feed(update)
        await h.fake.wait_for_message(USER.id, "Поделиться номером", since=mark)
        keyboard = h.fake.reply_keyboard(USER.id)
        assert keyboard is not None and keyboard["keyboard"][0][0]["request_contact"] is True


async def test_failure_answers_politely_and_logs_only_the_update_id(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    async with h.db.begin() as session:
        await session.execute(text("DROP TABLE consents"))
    caplog.set_level(logging.ERROR)
    update = h.fake.send_text(User(id=3003, first_name="Смирнова"), "Смирнова")
    await h.feed(update)
    answer = h.fake.last_message(3003)
    assert answer is not None and "Что-то пошло не так" in answer["text"]
    assert "Traceback" not in answer["text"]
    failure = [r for r in caplog.records if r.name == "handlers.errors"]
    assert failure and failure[0].getMessage() == (
        f"update {update['update_id']} failed: OperationalError"
    )
    assert "Смирнова" not in caplog.text


# --- one message for an unlinked account; the greeting by name and patronymic -------------


async def consented(h: Harness, user: User) -> None:
    async with h.db.begin() as session:
        session.add(ConsentRecord(telegram_id=user.id, version="2024-1"))
    h.fake.register_user(user)


async def sent_after(h: Harness, update: dict[str, Any]) -> list[str]:
    """The texts of every sendMessage one update caused (as the fake received them)."""
    mark = h.fake.mark()
    await h.feed(update)
    return [c.params["text"] for c in h.fake.calls[mark:] if c.method == "sendMessage"]


async def test_unlinked_user_gets_one_message_naming_the_system_one_way(
    harness: Harness,
) -> None:
    h = harness
    await consented(h, USER)
    for update in (
        h.fake.send_command(USER, "/start"),
        h.fake.send_text(USER, "Кузнецов"),
        h.fake.send_command(USER, "/help"),
    ):
        sent = await sent_after(h, update)
        assert sent == [texts.HOW_TO_GET_ACCESS], sent
        keyboard = h.fake.reply_keyboard(USER.id)
        assert keyboard is not None and keyboard["keyboard"][0][0]["request_contact"] is True
    # A wrong code: the refusal and the way on, still in one message.
    sent = await sent_after(h, h.fake.send_text(USER, "A" * 32))
    assert len(sent) == 1 and "не найден" in sent[0] and "Поделиться номером" in sent[0]
    for wording in (texts.HOW_TO_GET_ACCESS, texts.LINK_PROMPT, texts.LINK_PHONE_NOT_FOUND):
        # Every mention of the regional system is the one name; the old one is gone.
        assert texts.REGIONAL_SYSTEM in wording
        assert wording.count("ГИС") == wording.count(texts.REGIONAL_SYSTEM)
        assert "Сетевой Город" not in wording


async def test_consent_of_an_unlinked_user_is_followed_by_one_message(harness: Harness) -> None:
    h = harness
    await h.feed(h.fake.send_command(USER, "/start"))
    shown = h.fake.last_message(USER.id)
    assert shown is not None
    h.fake.press_button(USER, shown, "Ознакомился")
    sent = await sent_after(h, h.fake.pending_updates[-1])
    assert sent == [texts.HOW_TO_GET_ACCESS]


@pytest.mark.parametrize(
    ("full_name", "addressed"),
    [
        ("Смирнова Ольга Викторовна", "Ольга Викторовна"),
        ("  Смирнова   Ольга  Викторовна ", "Ольга Викторовна"),
        ("Алиев Рашид Мамед оглы", "Рашид Мамед оглы"),
        ("Смирнова Ольга", "Ольга"),
        ("Ольга", "Ольга"),
    ],
)
def test_address_is_first_name_and_patronymic(full_name: str, addressed: str) -> None:
    assert texts.address(full_name) == addressed


async def test_start_of_a_linked_person_greets_by_first_name_and_patronymic(
    harness: Harness,
) -> None:
    h = harness
    async with h.db.begin() as session:
        school = await f.organization(session)
        await f.person(
            session, school, Role.DIRECTOR, name="Смирнова Ольга Викторовна", telegram_id=USER.id
        )
    await consented(h, USER)
    sent = await sent_after(h, h.fake.send_command(USER, "/start"))
    assert sent == ["Здравствуйте, Ольга Викторовна!\nВаша роль: <b>Руководитель ОО</b>."]
    # /help names the role the same way.
    help_text = await sent_after(h, h.fake.send_command(USER, "/help"))
    assert "Ваша роль: <b>Руководитель ОО</b>." in help_text[0]


async def test_greeting_after_linking_lists_roles_active_first(harness: Harness) -> None:
    h = harness
    async with h.db.begin() as session:
        school = await f.organization(session)
        person = await f.person(
            session, school, Role.TEACHER, Role.DIRECTOR, name="Смирнова Ольга Викторовна"
        )
        [issued] = await create_invitations(session, codes=[person.code], ttl_days=14)
    await consented(h, USER)
    sent = await sent_after(h, h.fake.send_command(USER, "/start", args=issued.code))
    # Director is the active role until she chooses: named first, as /help names it.
    assert sent[0] == (
        "Здравствуйте, Ольга Викторовна!\nВаши роли: <b>Руководитель ОО</b>, Слушатель."
    )
    help_text = await sent_after(h, h.fake.send_command(USER, "/help"))
    assert "Ваша роль: <b>Руководитель ОО</b>." in help_text[0]

    async with h.db.begin() as session:
        linked = await session.get(Person, person.id)
        assert linked is not None
        linked.active_role = Role.TEACHER
    sent = await sent_after(h, h.fake.send_command(USER, "/start"))
    assert sent == [
        "Здравствуйте, Ольга Викторовна!\nВаши роли: <b>Слушатель</b>, Руководитель ОО."
    ]
    help_text = await sent_after(h, h.fake.send_command(USER, "/help"))
    assert "Ваша роль: <b>Слушатель</b>." in help_text[0]
