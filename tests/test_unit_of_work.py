"""The rule of the core: no database transaction is open across a Bot API call (PRODUCT.md §8).

Dispatcher-level: the real dispatcher and routers feed updates through the real middlewares; the
fake Bot API server notes, for every call it receives, how many database transactions are open
in the bot's engine at that moment.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiogram.types import Update
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from models import Comment, Status
from tests.dispatcher import Harness
from tests.test_handlers_decide import DIRECTOR, press, setup, state_of, status


class OpenTransactions:
    """Counts the engine's open transactions; the fake server samples it on every call."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine.sync_engine
        self.open: set[int] = set()
        self.seen: list[tuple[str, int]] = []

    def _begin(self, connection: Connection) -> None:
        self.open.add(id(connection))

    def _end(self, connection: Connection) -> None:
        self.open.discard(id(connection))

    def sample(self, method: str) -> None:
        self.seen.append((method, len(self.open)))

    @contextmanager
    def watching(self, h: Harness) -> Iterator[OpenTransactions]:
        hooks = (("begin", self._begin), ("commit", self._end), ("rollback", self._end))
        for name, hook in hooks:
            event.listen(self.engine, name, hook)
        h.fake.on_call.append(self.sample)
        try:
            yield self
        finally:
            h.fake.on_call.remove(self.sample)
            for name, hook in hooks:
                event.remove(self.engine, name, hook)


def engine_of(h: Harness) -> AsyncEngine:
    bind = h.db.kw["bind"]
    assert isinstance(bind, AsyncEngine)
    return bind


async def comments(h: Harness) -> int:
    async with h.db() as session:
        return int(await session.scalar(select(func.count()).select_from(Comment)) or 0)


async def test_no_bot_api_call_is_made_inside_a_transaction(harness: Harness) -> None:
    h = harness
    card = await setup(h)
    with OpenTransactions(engine_of(h)).watching(h) as watch:
        await press(h, card, "Подробнее")
        await press(h, card, "Отменить")
        prompt = h.fake.last_message(DIRECTOR.id)
        assert prompt is not None
        await press(h, prompt, "Назад")
        await press(h, card, "Одобрить")
        await h.feed(h.fake.send_text(DIRECTOR, "Проверено, всё верно"))
        await h.feed(h.fake.send_command(DIRECTOR, "/applications"))
        await h.feed(h.fake.send_command(DIRECTOR, "/help"))
    assert await status(h) is Status.APPROVED
    methods = {method for method, _ in watch.seen}
    assert {"answerCallbackQuery", "editMessageText", "sendMessage"} <= methods
    assert [sample for sample in watch.seen if sample[1]] == []


async def test_a_lost_answer_to_the_confirmation_keeps_the_decision_and_ends_the_prompt(
    harness: Harness,
) -> None:
    h = harness
    card = await setup(h)
    await press(h, card, "Одобрить")
    prompt = h.fake.last_message(DIRECTOR.id)
    assert prompt is not None
    # The confirmation edit reaches Telegram, but its answer is lost on the way back.
    h.fake.drop_answer_next("editMessageText")
    await press(h, prompt, "Без комментария")
    assert h.fake.calls_of("editMessageText")[-1].ok
    assert await status(h) is Status.APPROVED
    assert await state_of(h) is None
    # The director's next text is a search, not a comment on the decision.
    await h.feed(h.fake.send_text(DIRECTOR, "Иванова"))
    assert await comments(h) == 0
    assert await status(h) is Status.APPROVED


async def test_a_lost_answer_to_the_confirmation_of_a_comment_keeps_both(
    harness: Harness,
) -> None:
    h = harness
    card = await setup(h)
    await press(h, card, "Отменить")
    h.fake.drop_answer_next("editMessageText")
    await h.feed(h.fake.send_text(DIRECTOR, "Курс уже пройден"))
    assert await status(h) is Status.CANCELLED
    assert await comments(h) == 1
    assert await state_of(h) is None
    # Nothing claims the committed decision failed.
    assert not any("Что-то пошло не так" in m.get("text", "") for m in h.fake.messages(DIRECTOR.id))


async def test_a_read_only_update_takes_no_write_lock(harness: Harness) -> None:
    h = harness
    await setup(h)
    path = engine_of(h).url.database
    assert path
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        # Another writer holds the database's write lock for as long as this test wants.
        holder.execute("BEGIN IMMEDIATE")
        mark = h.fake.mark()
        await asyncio.wait_for(h.feed(h.fake.send_command(DIRECTOR, "/help")), 10)
        await h.fake.wait_for_message(DIRECTOR.id, "", since=mark)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


class Statements:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine.sync_engine
        self.count = 0

    def _count(self, *_: Any) -> None:
        self.count += 1

    @contextmanager
    def counting(self) -> Iterator[Statements]:
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._count)
        try:
            yield self
        finally:
            event.remove(self.engine, "before_cursor_execute", self._count)


# The statements each of the hottest updates costs. A change here is a change of the hot path's
# cost: make it on purpose, and say why in the commit.
HOT_PATH_STATEMENTS = {
    "press «✅ Одобрить»": 7,
    "press «Без комментария»": 11,
    "type a comment": 12,
}


@pytest.mark.parametrize("path", list(HOT_PATH_STATEMENTS))
async def test_statements_per_hot_update(harness: Harness, path: str) -> None:
    h = harness
    card = await setup(h)
    statements = Statements(engine_of(h))
    # A warm chat: the director has talked to the bot before (her state row exists).
    await press(h, card, "Отменить")
    prompt = h.fake.last_message(DIRECTOR.id)
    assert prompt is not None
    await press(h, prompt, "Назад")
    if path == "press «✅ Одобрить»":
        with statements.counting():
            await press(h, card, "Одобрить")
    else:
        await press(h, card, "Одобрить")
        prompt = h.fake.last_message(DIRECTOR.id)
        assert prompt is not None
        with statements.counting():
            if path == "press «Без комментария»":
                await press(h, prompt, "Без комментария")
            else:
                await h.feed(h.fake.send_text(DIRECTOR, "Проверено"))
        assert await status(h) is Status.APPROVED
    assert statements.count == HOT_PATH_STATEMENTS[path]


async def test_update_handling_is_bounded(harness: Harness) -> None:
    """At most UPDATE_CONCURRENCY updates run at once; the rest wait their turn."""
    from bot.app import build_dispatcher
    from bot.fakeapi import User
    from tests.dispatcher import make_settings

    h = harness
    settings = make_settings(h.fake.base_url, update_concurrency=2)
    dispatcher, _ = build_dispatcher(settings, h.db)
    h.fake.delay("sendMessage", 0.3)
    peak = 0

    def note(method: str) -> None:
        nonlocal peak
        if method == "sendMessage":
            started = h.fake.started.count("sendMessage")
            peak = max(peak, started - len(h.fake.calls_of("sendMessage")))

    h.fake.on_call.append(note)
    users = [User(id=7100 + n, first_name="Гость") for n in range(6)]
    updates = [h.fake.send_command(user, "/start") for user in users]
    await asyncio.gather(
        *(
            dispatcher.feed_update(h.bot, Update.model_validate(u, context={"bot": h.bot}))
            for u in updates
        )
    )
    assert len(h.fake.calls_of("sendMessage", ok=True)) == 6
    assert peak == 2


async def test_the_sender_makes_no_bot_api_call_inside_a_transaction(harness: Harness) -> None:
    from bot.fakeapi import User
    from bot.sender import OutboxSender
    from handlers.render.outbox import OutboxRenderer
    from tests.dispatcher import make_settings
    from tests.test_handlers_decide import TEACHER

    h = harness
    card = await setup(h)
    h.fake.register_user(User(id=TEACHER.id, first_name=TEACHER.first_name))
    await press(h, card, "Одобрить")
    prompt = h.fake.last_message(DIRECTOR.id)
    assert prompt is not None
    await press(h, prompt, "Без комментария")
    sender = OutboxSender(h.bot, h.db, OutboxRenderer(make_settings(h.fake.base_url)))
    with OpenTransactions(engine_of(h)).watching(h) as watch:
        sent = await sender.drain_once()
    assert sent >= 1
    assert [method for method, _ in watch.seen]
    assert [sample for sample in watch.seen if sample[1]] == []
