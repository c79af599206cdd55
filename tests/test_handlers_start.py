"""Dispatcher-level tests of /start, the consent gate, /help, /cancel, hints and errors."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select, text

from models import ConsentRecord, Role
from tests import factories as f
from tests.dispatcher import Harness
from tests.fakeapi import User

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
    for user, expected in ((USER, "приглашени"), (other, "Петров Игорь")):
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
