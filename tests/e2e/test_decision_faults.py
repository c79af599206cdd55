"""A decision the director was shown as done stays done: lost answers and kill -9 (PRODUCT.md §8).

`dpo-bot run` as a process against the fake Bot API server; the fake loses the answer to the
confirmation edit (the edit itself takes effect), and the process is killed right after it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram
from models import Application, Comment, HistoryEntry, Status
from tests.e2e.conftest import BotProcess
from tests.e2e.scenario import DIRECTOR, IVANOVA, cards_of, link, load_samples


async def decision_rows(db: async_sessionmaker[AsyncSession], number: int) -> tuple[Status, int]:
    async with db() as session:
        app = await session.scalar(select(Application).where(Application.number == number))
        assert app is not None
        changes = await session.scalar(
            select(func.count())
            .select_from(HistoryEntry)
            .where(HistoryEntry.application_id == app.id, HistoryEntry.action == "status")
        )
        return app.status, int(changes or 0)


async def comment_count(db: async_sessionmaker[AsyncSession]) -> int:
    async with db() as session:
        return int(await session.scalar(select(func.count()).select_from(Comment)) or 0)


def told(fake: FakeTelegram) -> list[str]:
    return [
        c.params["text"]
        for c in fake.calls_of("sendMessage", ok=True)
        if c.params.get("chat_id") == IVANOVA.id and "№43113" in c.params.get("text", "")
    ]


async def prompt_for(
    bot: BotProcess,
    fake: FakeTelegram,
    db: async_sessionmaker[AsyncSession],
    button: str,
    prompt_word: str,
) -> dict[str, Any]:
    """The sample region, the bot started, teacher and director linked, `button` pressed on
    the card of 43113: the comment prompt it opened."""
    codes = await load_samples(db)
    await bot.start()
    await link(fake, IVANOVA, codes[IVANOVA.id])
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    card = (await cards_of(fake, DIRECTOR.id, 3))[43113]
    mark = fake.mark()
    fake.press_button(DIRECTOR, card, button)
    return await fake.wait_for_message(DIRECTOR.id, prompt_word, since=mark)


async def test_lost_confirmation_answer_then_kill_keeps_the_decision_once(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    prompt = await prompt_for(bot, fake, db, "Одобрить", "одобряете")

    fake.drop_answer_next("editMessageText")
    mark = fake.mark()
    fake.press_button(DIRECTOR, prompt, "Без комментария")
    confirmation = await fake.wait_for(
        lambda c: (
            c.method == "editMessageText" and c.params.get("message_id") == prompt["message_id"]
        ),
        since=mark,
    )
    assert "одобрена" in confirmation.params["text"]
    await bot.kill()

    # What the director was shown is what the database holds: approved, once.
    assert await decision_rows(db, 43113) == (Status.APPROVED, 1)

    await bot.start()
    # The teacher is told exactly once, whether the notification left before the kill or after.
    for _ in range(100):
        if told(fake):
            break
        await asyncio.sleep(0.1)
    assert len(told(fake)) == 1

    # The director's next text is a surname search, not a comment on the decision.
    mark = fake.mark()
    fake.send_text(DIRECTOR, "Иванова")
    await fake.wait_for_message(DIRECTOR.id, "", since=mark)
    await asyncio.sleep(1.5)
    assert await comment_count(db) == 0
    assert await decision_rows(db, 43113) == (Status.APPROVED, 1)
    assert len(told(fake)) == 1


async def test_lost_answer_to_a_comment_confirmation_keeps_decision_and_comment(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    prompt = await prompt_for(bot, fake, db, "Отменить", "отменяете")
    fake.drop_answer_next("editMessageText")
    mark = fake.mark()
    fake.send_text(DIRECTOR, "Курс уже пройден в другой организации")
    await fake.wait_for(
        lambda c: (
            c.method == "editMessageText" and c.params.get("message_id") == prompt["message_id"]
        ),
        since=mark,
    )
    told_text = await fake.wait_for_message(IVANOVA.id, "№43113", since=mark)
    assert "Курс уже пройден в другой организации" in told_text["text"]
    assert await decision_rows(db, 43113) == (Status.CANCELLED, 1)
    assert await comment_count(db) == 1
    # No «Что-то пошло не так» for a decision that was made.
    await asyncio.sleep(0.5)
    assert not any("пошло не так" in m.get("text", "") for m in fake.messages(DIRECTOR.id))
