"""Telegram's limits as one budget: the sender and the handlers' replies, and replicas on Redis."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator, Sequence

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import (
    AnswerCallbackQuery,
    CopyMessage,
    DeleteMessage,
    EditMessageText,
    SendDocument,
    SendMessage,
)
from aiogram.types import BufferedInputFile
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import Call, FakeTelegram, User
from bot.sender import OutboxSender
from bot.sender.budget import PacedReplies, RedisBudget, SendBudget, counted
from handlers.render.outgoing import Outgoing
from models import OutboxMessage, OutboxState, Person
from services import outbox
from services.outbox import OutboxItem
from tests import factories as f
from tests.conftest import REDIS_TEST_URL
from tests.test_sender import _QuickCloseSession

TOKEN = "123456:TEST"


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as server:
        yield server


def make_bot(fake: FakeTelegram, budget: SendBudget) -> Bot:
    bot = Bot(TOKEN, session=_QuickCloseSession(api=TelegramAPIServer.from_base(fake.base_url)))
    bot.session.middleware(PacedReplies(budget))
    return bot


async def render(session: AsyncSession, message: OutboxMessage) -> Outgoing | None:
    person = await session.get(Person, message.person_id) if message.person_id else None
    if person is None or person.telegram_id is None:
        return None
    chat_id = person.telegram_id
    return Outgoing(SendMessage(chat_id=chat_id, text=message.payload["text"]), chat_id)


class People:
    def __init__(self, db: async_sessionmaker[AsyncSession], fake: FakeTelegram) -> None:
        self.db = db
        self.fake = fake
        self._chats = itertools.count(9000)
        self._keys = itertools.count()

    async def person(self) -> tuple[int, int]:
        chat_id = next(self._chats)
        self.fake.register_user(User(id=chat_id, first_name="Мария"))
        async with self.db.begin() as session:
            person = await f.person(session, None, telegram_id=chat_id)
            return person.id, chat_id

    async def enqueue(self, person_id: int, text: str) -> None:
        async with self.db.begin() as session:
            await outbox.enqueue(
                session,
                OutboxItem(f"t:{next(self._keys)}", person_id, {"type": "text", "text": text}),
            )


def sent(fake: FakeTelegram, chat_id: int | None = None) -> list[Call]:
    return [
        call
        for call in fake.calls_of("sendMessage", ok=True)
        if chat_id is None or call.params["chat_id"] == chat_id
    ]


def busiest_second(times: Sequence[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


def test_what_counts() -> None:
    assert counted(SendMessage(chat_id=1, text="a")) == (True, True)
    assert counted(SendDocument(chat_id=1, document=BufferedInputFile(b"x", "x.csv"))) == (
        True,
        True,
    )
    assert counted(CopyMessage(chat_id=1, from_chat_id=2, message_id=3)) == (True, True)
    assert counted(EditMessageText(chat_id=1, message_id=2, text="a")) == (True, False)
    assert counted(AnswerCallbackQuery(callback_query_id="1")) == (False, False)
    assert counted(DeleteMessage(chat_id=1, message_id=2)) == (False, False)


async def test_a_reply_holds_its_chat_for_the_sender(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession], fake: FakeTelegram
) -> None:
    budget = SendBudget(30, 1.0)
    bot = make_bot(fake, budget)
    people = People(sqlite_sessionmaker, fake)
    person_id, chat_id = await people.person()
    other_id, other_chat = await people.person()
    try:
        await bot.send_message(chat_id, "the prompt")  # a handler's reply
        await people.enqueue(person_id, "the digest")
        await people.enqueue(other_id, "another digest")
        sender = OutboxSender(bot, sqlite_sessionmaker, render, budget=budget)
        assert await sender.drain_once() == 2
    finally:
        await bot.session.close()
    reply, digest = sent(fake, chat_id)
    assert digest.params["text"] == "the digest"
    assert digest.time - reply.time >= 0.95
    # Another chat did not wait for this one.
    [other] = sent(fake, other_chat)
    assert other.time < digest.time


async def test_a_reply_waits_for_the_chat_after_the_sender(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession], fake: FakeTelegram
) -> None:
    budget = SendBudget(30, 1.0)
    bot = make_bot(fake, budget)
    people = People(sqlite_sessionmaker, fake)
    person_id, chat_id = await people.person()
    try:
        await people.enqueue(person_id, "the digest")
        assert await OutboxSender(bot, sqlite_sessionmaker, render, budget=budget).drain_once()
        await bot.send_message(chat_id, "the prompt")
    finally:
        await bot.session.close()
    digest, reply = sent(fake, chat_id)
    assert reply.params["text"] == "the prompt"
    assert reply.time - digest.time >= 0.95


async def test_an_edit_does_not_wait_for_the_chat(fake: FakeTelegram) -> None:
    budget = SendBudget(30, 1.0)
    bot = make_bot(fake, budget)
    user = User(id=9500, first_name="Мария")
    fake.register_user(user)
    try:
        message = await bot.send_message(user.id, "a card")
        await bot.edit_message_text(
            "the card, decided", chat_id=user.id, message_id=message.message_id
        )
    finally:
        await bot.session.close()
    [send] = sent(fake, user.id)
    [edit] = fake.calls_of("editMessageText", ok=True)
    assert edit.time - send.time < 0.9
    assert budget.chat_free_at(user.id) > 0  # the send counted for the chat


async def test_replies_and_the_sender_share_the_rate(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession], fake: FakeTelegram
) -> None:
    budget = SendBudget(5, 1.0)
    bot = make_bot(fake, budget)
    people = People(sqlite_sessionmaker, fake)
    queued = [await people.person() for _ in range(8)]
    replied = [await people.person() for _ in range(8)]
    for person_id, _ in queued:
        await people.enqueue(person_id, "digest")
    sender = OutboxSender(bot, sqlite_sessionmaker, render, budget=budget)
    try:
        results = await asyncio.gather(
            sender.drain_once(), *(bot.send_message(chat, "reply") for _, chat in replied)
        )
    finally:
        await bot.session.close()
    assert results[0] == 8
    times = sorted(call.time for call in sent(fake))
    assert len(times) == 16
    assert busiest_second(times) <= 5
    assert times[-1] - times[0] >= 2.0  # 16 calls at 5 a second


# -- one budget for all replicas (Redis) ----------------------------------------------------------


def redis_budget(prefix: str, rate: float = 5, interval: float = 1.0) -> RedisBudget:
    return RedisBudget.from_url(
        REDIS_TEST_URL, rate=rate, per_chat_interval=interval, prefix=prefix
    )


async def test_two_replicas_share_the_rate(redis_prefix: str) -> None:
    replicas = [SendBudget(5, 1.0, shared=redis_budget(redis_prefix)) for _ in range(2)]
    times: list[float] = []

    async def call(budget: SendBudget) -> None:
        await budget.acquire(None, new_message=False)
        times.append(time.monotonic())

    try:
        await asyncio.gather(*(call(budget) for budget in replicas for _ in range(8)))
    finally:
        for budget in replicas:
            await budget.shared.close()
    times.sort()
    assert len(times) == 16
    # Each replica alone would allow 5 a second: together they do not exceed that.
    assert busiest_second(times) <= 5
    assert times[-1] - times[0] >= 2.0


async def test_a_chat_is_held_for_every_replica(redis_prefix: str) -> None:
    one, two = redis_budget(redis_prefix), redis_budget(redis_prefix)
    try:
        assert await one.reserve(42, new_message=True) is None
        refusal = await two.reserve(42, new_message=True)
        assert refusal is not None and refusal.chat
        assert 0 < refusal.seconds <= 1.1
        # Another chat, and an edit in this one, are not held.
        assert await two.reserve(43, new_message=True) is None
        assert await two.reserve(42, new_message=False) is None
    finally:
        await one.close()
        await two.close()


async def test_when_redis_is_away_a_replica_keeps_its_own_limits(
    caplog: pytest.LogCaptureFixture,
) -> None:
    shared = RedisBudget.from_url("redis://127.0.0.1:1/0", rate=5, per_chat_interval=1.0)
    budget = SendBudget(5, 1.0, shared=shared)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.sender.budget"):
            await budget.acquire(1, new_message=True)
            await budget.acquire(2, new_message=True)
    finally:
        await shared.close()
    warnings = [r for r in caplog.records if "shared send budget unavailable" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a call
    assert budget.chat_free_at(1) > 0 and budget.chat_free_at(2) > 0


async def test_two_senders_on_one_redis_keep_telegrams_limits(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
    fake: FakeTelegram,
    redis_prefix: str,
) -> None:
    budgets = [SendBudget(5, 1.0, shared=redis_budget(redis_prefix)) for _ in range(2)]
    bots = [make_bot(fake, budget) for budget in budgets]
    people = People(sqlite_sessionmaker, fake)
    everyone = [await people.person() for _ in range(12)]
    for person_id, _ in everyone:
        await people.enqueue(person_id, "digest")
    senders = [
        OutboxSender(bot, sqlite_sessionmaker, render, budget=budget, batch=4, poll_interval=0.2)
        for bot, budget in zip(bots, budgets, strict=True)
    ]
    runs = [asyncio.create_task(sender.run()) for sender in senders]
    try:
        async with asyncio.timeout(30):
            while len(sent(fake)) < 12:
                await asyncio.sleep(0.1)
    finally:
        await asyncio.gather(*(sender.stop() for sender in senders))
        await asyncio.gather(*runs)
        for bot, budget in zip(bots, budgets, strict=True):
            await bot.session.close()
            await budget.shared.close()
    times = sorted(call.time for call in sent(fake))
    assert len(times) == 12
    assert busiest_second(times) <= 5
    assert {call.params["chat_id"] for call in sent(fake)} == {chat for _, chat in everyone}
    async with sqlite_sessionmaker() as session:
        states = set(await session.scalars(select(OutboxMessage.state)))
    assert states == {OutboxState.SENT}
