"""Delivery survives a crash, Telegram's 429 and 5xx, and a user who blocked the bot (§6)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram
from models import Application, OutboxMessage, Person, Status
from tests.e2e.conftest import BotProcess
from tests.e2e.scenario import DIRECTOR, IVANOVA, cards_of, link, load_samples


def told(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [
        c.params["text"]
        for c in fake.calls_of("sendMessage", ok=True)
        if c.params.get("chat_id") == chat_id and "новый статус" in c.params.get("text", "")
    ]


def attempts(fake: FakeTelegram, chat_id: int) -> int:
    return sum(
        1
        for c in fake.calls_of("sendMessage")
        if c.params.get("chat_id") == chat_id and "новый статус" in c.params.get("text", "")
    )


async def approve(
    fake: FakeTelegram,
    card: dict[str, Any],
    comment: str,
    *,
    faults: Callable[[], None] = lambda: None,
) -> None:
    """Approve with a comment; `faults` are set up after the prompt, so they hit only what the
    decision causes (the director's own screens are edits, the teacher's news a sendMessage)."""
    mark = fake.mark()
    fake.press_button(DIRECTOR, card, "Одобрить")
    await fake.wait_for_message(DIRECTOR.id, "одобряете", since=mark)
    faults()
    mark = fake.mark()
    fake.send_text(DIRECTOR, comment)
    await fake.wait_for_message(DIRECTOR.id, "одобрена", since=mark)


async def ready(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> dict[str, Any]:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, IVANOVA, codes[IVANOVA.id])
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    return (await cards_of(fake, DIRECTOR.id, 3))[43113]


async def test_kill_after_commit_before_delivery_delivers_once(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    card = await ready(bot, fake, db)
    # Telegram is down for the teacher's notification: the decision commits, delivery can't.
    await approve(
        fake, card, "До встречи", faults=lambda: fake.fail_next(1000, 502, methods={"sendMessage"})
    )
    while attempts(fake, IVANOVA.id) == 0:
        await asyncio.sleep(0.05)
    await bot.kill()
    assert await _status(db, 43113) is Status.APPROVED
    assert told(fake, IVANOVA.id) == []

    fake.clear_faults()
    await bot.start()
    await fake.wait_for_message(IVANOVA.id, "новый статус", timeout=60)
    await asyncio.sleep(2)
    assert len(told(fake, IVANOVA.id)) == 1


async def test_429_and_5xx_are_retried_and_delivered_once(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    card = await ready(bot, fake, db)

    def faults() -> None:
        fake.fail_next(2, status=429, retry_after=2, methods={"sendMessage"})
        fake.fail_next(2, status=502, methods={"sendMessage"})

    mark = fake.mark()
    await approve(fake, card, "С ретраями", faults=faults)
    message = await fake.wait_for_message(IVANOVA.id, "новый статус", since=mark, timeout=60)
    assert "С ретраями" in message["text"]
    first_429 = next(c for c in fake.calls[mark:] if c.method == "sendMessage" and c.status == 429)
    delivered = next(
        c
        for c in fake.calls[mark:]
        if c.method == "sendMessage" and c.ok and c.params.get("chat_id") == IVANOVA.id
    )
    assert delivered.time - first_429.time >= 2.0  # retry_after honoured
    await asyncio.sleep(2)
    assert len(told(fake, IVANOVA.id)) == 1


async def test_blocked_chat_is_marked_unreachable_and_resumed_when_they_write(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    card = await ready(bot, fake, db)
    fake.block_chat(IVANOVA.id)
    await approve(fake, card, "Заблокирован")
    while attempts(fake, IVANOVA.id) == 0:
        await asyncio.sleep(0.05)
    await asyncio.sleep(3)
    assert attempts(fake, IVANOVA.id) == 1  # no retry loop on 403
    async with db() as session:
        person = await session.scalar(select(Person).where(Person.code == "P-1003"))
        assert person is not None and person.reachable is False
        held = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.state == "held"))
        ).all()
        assert len(held) == 1

    fake.unblock_chat(IVANOVA.id)
    mark = fake.mark()
    fake.send_text(IVANOVA, "Я снова здесь")
    message = await fake.wait_for_message(IVANOVA.id, "новый статус", since=mark, timeout=30)
    assert "Заблокирован" in message["text"]
    async with db() as session:
        person = await session.scalar(select(Person).where(Person.code == "P-1003"))
        assert person is not None and person.reachable is True
    assert len(told(fake, IVANOVA.id)) == 1


async def _status(db: async_sessionmaker[AsyncSession], number: int) -> Status:
    async with db() as session:
        app = await session.scalar(select(Application).where(Application.number == number))
        assert app is not None
        return app.status
