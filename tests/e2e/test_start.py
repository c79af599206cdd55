"""`dpo-bot run` answers /start with the consent, stores it, and stops cleanly."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram, User
from models import ConsentRecord, Role
from tests import factories as f
from tests.conftest import DPO_BOT
from tests.e2e.conftest import BotProcess, bot_env

TEACHER = User(id=5001, first_name="Мария", last_name="Иванова")


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def test_start_shows_consent_and_nothing_else_works_before_it(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    await bot.start()
    commands = [c["command"] for c in fake.commands()]
    assert {"start", "help", "cancel"} <= set(commands)

    mark = fake.mark()
    fake.send_command(TEACHER, "/start")
    consent = await fake.wait_for_message(TEACHER.id, "152-ФЗ", since=mark)
    assert buttons(consent) == ["Ознакомился"]

    mark = fake.mark()
    fake.send_text(TEACHER, "/help")
    again = await fake.wait_for_message(TEACHER.id, since=mark)
    assert buttons(again) == ["Ознакомился"]
    async with db() as session:
        assert (await session.scalars(select(ConsentRecord))).all() == []

    mark = fake.mark()
    query_id = fake.press_button(TEACHER, consent, "Ознакомился")
    await fake.wait_for_message(TEACHER.id, "приглашени", since=mark)
    assert fake.callback_answers(query_id), "the press was not answered"
    # The consent message keeps its text and loses its button.
    shown = next(m for m in fake.messages(TEACHER.id) if m["message_id"] == consent["message_id"])
    assert buttons(shown) == []
    async with db() as session:
        records = (await session.scalars(select(ConsentRecord))).all()
        assert [(r.telegram_id, r.version) for r in records] == [(TEACHER.id, "2024-1")]

    mark = fake.mark()
    fake.send_text(TEACHER, "/help")
    # Not linked yet: only how to get access.
    await fake.wait_for_message(TEACHER.id, "Поделиться номером", since=mark)


async def test_linked_person_is_greeted_by_name_and_role(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    async with db.begin() as session:
        school = await f.organization(session)
        await f.person(
            session,
            school,
            Role.DIRECTOR,
            Role.TEACHER,
            name="Смирнова <Ольга> & Co",
            telegram_id=TEACHER.id,
        )
    await bot.start()
    fake.send_command(TEACHER, "/start")
    consent = await fake.wait_for_message(TEACHER.id, "152-ФЗ")
    mark = fake.mark()
    fake.press_button(TEACHER, consent, "Ознакомился")
    greeting = await fake.wait_for_message(TEACHER.id, "Здравствуйте", since=mark)
    # Addressed by name and patronymic, escaped on the way and shown as written.
    assert "Здравствуйте, <Ольга> & Co!" in greeting["text"]
    assert "Руководитель ОО" in greeting["text"] and "Слушатель" in greeting["text"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_stop_waits_for_the_update_in_flight(
    bot: BotProcess, fake: FakeTelegram, sig: signal.Signals
) -> None:
    await bot.start()
    fake.delay("sendMessage", 1.5)
    fake.send_command(TEACHER, "/start")
    while "sendMessage" not in fake.started:
        await asyncio.sleep(0.02)
    assert bot.process is not None
    code = await bot.stop(sig)
    assert code == 0, bot.log()
    sent = fake.calls_of("sendMessage", ok=True)
    assert len(sent) == 1 and "152-ФЗ" in sent[0].params["text"]
    assert "stopped; in-flight updates finished" in bot.log()


def test_run_without_token_says_what_is_missing(tmp_path, database_url: str) -> None:
    env = bot_env(tmp_path, database_url, "http://127.0.0.1:9")
    env.pop("BOT_TOKEN")
    result = subprocess.run(
        [DPO_BOT, "run"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "BOT_TOKEN is required for run" in result.stderr
