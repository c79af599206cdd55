"""The teacher's screens end to end: «Мои заявки», withdrawal, a reply (issue: teacher)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram, User
from models import Application, Channel, Comment, HistoryAction, HistoryEntry, Person, Status
from services import workflow
from tests.e2e.conftest import BotProcess
from tests.e2e.scenario import DIRECTOR, IVANOVA, KUZNETSOV, buttons, cards_of, link, load_samples


async def person_id(db: async_sessionmaker[AsyncSession], code: str) -> int:
    async with db() as session:
        found = await session.scalar(select(Person.id).where(Person.code == code))
        assert found is not None
        return found


async def status_of(db: async_sessionmaker[AsyncSession], number: int) -> Status:
    async with db() as session:
        app = await session.scalar(select(Application).where(Application.number == number))
        assert app is not None
        return app.status


async def my(fake: FakeTelegram, user: User) -> dict[str, Any]:
    mark = fake.mark()
    fake.send_command(user, "/my")
    return await fake.wait_for_message(user.id, "Мои заявки", since=mark)


async def press(
    fake: FakeTelegram, user: User, message: dict[str, Any], text: str, shows: str
) -> Any:
    """Press a button; the message as it is shown after the bot's answer."""
    mark = fake.mark()
    fake.press_button(user, message, text)
    return await fake.wait_for_message(user.id, shows, since=mark)


async def test_my_lists_statuses_and_the_card_shows_the_history(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, IVANOVA, codes[IVANOVA.id])
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    card = (await cards_of(fake, DIRECTOR.id, 3))[43113]
    mark = fake.mark()
    fake.press_button(DIRECTOR, card, "Одобрить")
    await fake.wait_for_message(DIRECTOR.id, "одобряете", since=mark)
    mark = fake.mark()
    fake.send_text(DIRECTOR, "Ждём вас 02.12")
    await fake.wait_for_message(IVANOVA.id, "новый статус", since=mark)

    listing = await my(fake, IVANOVA)
    assert "№43113" in listing["text"] and "Подтверждена руководителем ОО" in listing["text"]
    assert buttons(listing)[0].startswith("✅ №43113")
    shown = await press(fake, IVANOVA, listing, "№43113", "Заявка №43113")
    assert "Оценка профессиональных компетенций педагогических работников" in shown["text"]
    assert buttons(shown) == [
        "• Сведения о заявке",
        "Комментарии",
        "История действий",
        "Отозвать заявку",
        "Назад",
    ]
    history = await press(fake, IVANOVA, listing, "История действий", "· История действий")
    assert "«Не обработана» → «Подтверждена руководителем ОО»" in history["text"]
    assert "Смирнова Ольга Викторовна (руководитель ОО) (бот)" in history["text"]
    assert "«Ждём вас 02.12»" in history["text"]
    back = await press(fake, IVANOVA, listing, "Назад", "Мои заявки")
    assert back["message_id"] == listing["message_id"]


async def test_withdrawal_with_a_reason_reaches_the_director(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    await link(fake, KUZNETSOV, codes[KUZNETSOV.id])

    listing = await my(fake, KUZNETSOV)
    assert "№43112" in listing["text"] and "Не обработана" in listing["text"]
    await press(fake, KUZNETSOV, listing, "№43112", "Заявка №43112")
    prompt = await press(fake, KUZNETSOV, listing, "Отозвать заявку", "Напишите причину")
    assert "Отозвать заявку №43112?" in prompt["text"]
    assert buttons(prompt) == ["Без комментария", "Назад"]
    mark = fake.mark()
    fake.send_text(KUZNETSOV, "Переезжаю в другой город")
    await fake.wait_for_message(KUZNETSOV.id, "Заявка №43112 отозвана", since=mark)

    told = await fake.wait_for_message(DIRECTOR.id, "Переезжаю в другой город", since=mark)
    assert "№43112" in told["text"] and "Отменена" in told["text"]
    assert "Кузнецов Андрей Петрович (заявитель)" in told["text"]
    assert await status_of(db, 43112) is Status.CANCELLED
    async with db() as session:
        changes = (
            await session.scalars(
                select(HistoryEntry).where(HistoryEntry.action == HistoryAction.STATUS)
            )
        ).all()
    assert [(e.actor_id, e.actor_role, e.from_value, e.to_value, e.comment) for e in changes] == [
        (await person_id(db, "P-1002"), "teacher", "new", "cancelled", "Переезжаю в другой город")
    ]


async def test_withdrawal_needs_a_reason_when_cancelling_does(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    """REQUIRE_CANCEL_REASON is one rule: it binds a teacher's withdrawal as it binds a director."""
    bot.env["REQUIRE_CANCEL_REASON"] = "true"
    codes = await load_samples(db)
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    await link(fake, KUZNETSOV, codes[KUZNETSOV.id])

    listing = await my(fake, KUZNETSOV)
    await press(fake, KUZNETSOV, listing, "№43112", "Заявка №43112")
    prompt = await press(fake, KUZNETSOV, listing, "Отозвать заявку", "Напишите причину")
    assert "без причины заявку не отозвать" in prompt["text"]
    assert buttons(prompt) == ["Назад"]
    # «Без комментария» from a prompt shown before the setting: refused, the prompt stays.
    mark = fake.mark()
    query_id = fake.press(KUZNETSOV, prompt, "my:ws:43112:0::", strict=False)
    await fake.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id,
        since=mark,
    )
    assert "Укажите причину отмены" in fake.callback_answers(query_id)[0]["text"]
    assert await status_of(db, 43112) is Status.NEW
    mark = fake.mark()
    fake.send_text(KUZNETSOV, "Переезжаю")
    await fake.wait_for_message(KUZNETSOV.id, "Заявка №43112 отозвана", since=mark)
    assert await status_of(db, 43112) is Status.CANCELLED


async def test_a_reply_to_the_directors_comment_reaches_the_director(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    director_id = await person_id(db, "P-1001")
    async with db.begin() as session:
        # Decided before the teacher links: the news waits for her, «Ответить» under it.
        change = await workflow.change_status(
            session,
            43113,
            Status.APPROVED,
            workflow.Actor(director_id, Channel.BOT),
            seen=Status.NEW,
            comment="Возьмите паспорт",
        )
        assert change.comment is not None
        asked = change.comment.id
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    await link(fake, IVANOVA, codes[IVANOVA.id])
    told = await fake.wait_for_message(IVANOVA.id, "Возьмите паспорт")
    assert buttons(told) == ["Ответить"]

    prompt = await press(fake, IVANOVA, told, "Ответить", "Напишите ответ")
    assert "Смирнова Ольга Викторовна: «Возьмите паспорт»" in prompt["text"]
    mark = fake.mark()
    fake.send_text(IVANOVA, "Возьму, спасибо")
    await fake.wait_for_message(IVANOVA.id, "отправлен", since=mark)

    reply = await fake.wait_for_message(DIRECTOR.id, "Возьму, спасибо", since=mark, timeout=20)
    assert "Комментарий к заявке №43113" in reply["text"]
    assert "Иванова Мария Сергеевна (заявитель)" in reply["text"]
    async with db() as session:
        replies = (
            await session.scalars(select(Comment).where(Comment.reply_to_id.isnot(None)))
        ).all()
    assert [(c.text, c.reply_to_id, c.author_id) for c in replies] == [
        ("Возьму, спасибо", asked, await person_id(db, "P-1003"))
    ]
