"""Answers that say why and what next, as a director and a former deputy meet them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram, User
from models import Application, Deputy, Person, Status
from tests.e2e.conftest import BotProcess
from tests.e2e.scenario import DIRECTOR, IVANOVA, cards_of, link, load_samples


def rows(message: dict[str, Any]) -> list[list[str]]:
    return [[b["text"] for b in row] for row in message["reply_markup"]["inline_keyboard"]]


async def say(fake: FakeTelegram, user: User, text: str) -> dict[str, Any]:
    mark = fake.mark()
    fake.send_text(user, text)
    return await fake.wait_for_message(user.id, since=mark)


async def test_small_talk_labels_and_a_former_deputys_button(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    await cards_of(fake, DIRECTOR.id, 3)

    # «спасибо» is no surname: the hint, not «Заявок нет».
    thanks = await say(fake, DIRECTOR, "Спасибо!")
    assert thanks["text"] == (
        "Чтобы найти заявку, напишите фамилию заявителя (от 2 букв) или откройте /applications."
    )
    # The list's filters carry the seed's labels in full.
    listing = await say(fake, DIRECTOR, "/applications")
    assert rows(listing)[:3] == [
        ["• Не обработана (3)", "Отменена (0)"],
        ["Подтверждена руководителем ОО (0)"],
        ["Включен в группу (0)", "Все (3)"],
    ]

    # A deputy whose rights were revoked presses «Одобрить все» on an old list.
    async with db.begin() as session:
        director = await session.scalar(select(Person).where(Person.code == "P-1001"))
        deputy = await session.scalar(select(Person).where(Person.code == "P-1003"))
        assert director is not None and deputy is not None and director.organization_id
        today = datetime.now(UTC).date()
        row = Deputy(
            organization_id=director.organization_id,
            director_id=director.id,
            deputy_id=deputy.id,
            starts_on=today - timedelta(1),
            ends_on=today + timedelta(5),
        )
        session.add(row)
    await link(fake, IVANOVA, codes[IVANOVA.id])
    old = await say(fake, IVANOVA, "/applications")
    assert "Одобрить все" in str(old["reply_markup"])
    async with db.begin() as session:
        await session.execute(
            update(Deputy).where(Deputy.id == row.id).values(revoked_at=datetime.now(UTC))
        )
    mark = fake.mark()
    query_id = fake.press_button(IVANOVA, old, "Одобрить все")
    await fake.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id,
        since=mark,
    )
    (answer,) = fake.callback_answers(query_id)
    assert answer["text"].startswith("Ваши полномочия заместителя отозваны руководителем ОО")
    async with db() as session:
        new = await session.scalars(select(Application).where(Application.status == Status.NEW))
        assert len(new.all()) == 3
