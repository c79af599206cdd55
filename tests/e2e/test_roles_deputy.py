"""A deputy acting for the director, and the role switch, end to end (PRODUCT.md §2, §4.2, §4.6).

The samples' school 12: Смирнова (P-1001, director and listener), Иванова (P-1003), Кузнецов
(P-1002). Dates are the bot's own "today" in Asia/Yekaterinburg.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram
from models import Application, Deputy, HistoryEntry, Person, Status
from services.importer import import_file
from tests.e2e.conftest import BotProcess
from tests.e2e.scenario import DIRECTOR, IVANOVA, buttons, cards_of, link, load_samples

TZ = ZoneInfo("Asia/Yekaterinburg")
SCHOOL = "МАОУ «СОШ № 12 г. Челябинска»"
HEADER = (
    "Номер заявки;Код заявителя;Заявитель;Организация;Вид заявки;Программа;Группа;"
    "Трудоёмкость;Даты обучения;Форма обучения;Статус\n"
)


def row(number: int) -> str:
    return (
        f"{number};P-1002;Кузнецов Андрей Петрович;{SCHOOL};"
        "Оценка профессиональных компетенций;Оценка компетенций педагогов;Группа весна;"
        "8;01.04.2026 - 15.04.2026;заочная;Не обработана\n"
    )


async def import_applications(
    db: async_sessionmaker[AsyncSession], tmp_path: Path, *numbers: int
) -> None:
    """New applications arrive while the bot runs (as `dpo-bot import` would bring them)."""
    path = tmp_path / f"new-{numbers[0]}.csv"
    path.write_text(HEADER + "".join(row(n) for n in numbers), encoding="utf-8")
    async with db.begin() as session:
        await import_file(session, path)


async def person_id(db: async_sessionmaker[AsyncSession], code: str) -> int:
    async with db() as session:
        found = await session.scalar(select(Person.id).where(Person.code == code))
        assert found is not None
        return found


async def status_of(db: async_sessionmaker[AsyncSession], number: int) -> Status:
    async with db() as session:
        found = await session.scalar(select(Application.status).where(Application.number == number))
        assert found is not None
        return found


def today() -> date:
    return datetime.now(TZ).date()


async def name_deputy(fake: FakeTelegram, days: int) -> None:
    """Смирнова names Иванова her deputy from today for `days` days, through the buttons."""
    mark = fake.mark()
    fake.send_command(DIRECTOR, "/deputy")
    screen = await fake.wait_for_message(DIRECTOR.id, "Заместитель не назначен", since=mark)
    mark = fake.mark()
    fake.press_button(DIRECTOR, screen, "Назначить заместителя")
    listed = await fake.wait_for_message(DIRECTOR.id, "Кого назначить", since=mark)
    assert buttons(listed) == ["Иванова Мария Сергеевна", "Назад"]
    mark = fake.mark()
    fake.press_button(DIRECTOR, screen, "Иванова Мария Сергеевна")
    await fake.wait_for_message(DIRECTOR.id, "ДД.ММ.ГГГГ", since=mark)
    start, end = today(), today() + timedelta(days=days - 1)
    mark = fake.mark()
    fake.send_text(DIRECTOR, f"{start:%d.%m.%Y}-{end:%d.%m.%Y}")
    confirm = await fake.wait_for_message(DIRECTOR.id, "Назначить Иванова", since=mark)
    mark = fake.mark()
    fake.press_button(DIRECTOR, confirm, "Подтвердить")
    await fake.wait_for_message(DIRECTOR.id, "ваш заместитель", since=mark)


async def test_deputy_acts_within_the_period_and_is_refused_after_it(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    await link(fake, IVANOVA, codes[IVANOVA.id])
    await cards_of(fake, DIRECTOR.id, 3)

    mark = fake.mark()
    await name_deputy(fake, days=7)
    told = await fake.wait_for_message(IVANOVA.id, "заместителем", since=mark, timeout=20)
    assert "Смирнова Ольга Викторовна" in told["text"] and SCHOOL in told["text"]
    # Named from today: what waits for the director already reaches the deputy too.
    await cards_of(fake, IVANOVA.id, 3, since=mark)

    mark = fake.mark()
    await import_applications(db, tmp_path, 50001, 50002)
    cards = await cards_of(fake, IVANOVA.id, 2, since=mark)
    assert set(cards) == {50001, 50002}
    await cards_of(fake, DIRECTOR.id, 2, since=mark)  # the director still gets them

    mark = fake.mark()
    fake.press_button(IVANOVA, cards[50001], "Одобрить")
    prompt = await fake.wait_for_message(IVANOVA.id, "одобряете", since=mark)
    mark = fake.mark()
    fake.press_button(IVANOVA, prompt, "Без комментария")
    await fake.wait_for_message(IVANOVA.id, "одобрена", since=mark)
    assert await status_of(db, 50001) is Status.APPROVED
    deputy_id, director_id = await person_id(db, "P-1003"), await person_id(db, "P-1001")
    async with db() as session:
        history = (
            await session.scalars(select(HistoryEntry).where(HistoryEntry.action == "status"))
        ).all()
    assert [(h.actor_id, h.on_behalf_of_id, h.actor_role, h.to_value) for h in history] == [
        (deputy_id, director_id, "deputy", "approved")
    ]

    # The period is over (set in the past directly): the same kind of press is refused.
    async with db.begin() as session:
        await session.execute(
            update(Deputy).values(
                starts_on=today() - timedelta(days=10), ends_on=today() - timedelta(days=1)
            )
        )
    mark = fake.mark()
    query_id = fake.press_button(IVANOVA, cards[50002], "Одобрить")
    await fake.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id,
        since=mark,
    )
    alert = fake.callback_answers(query_id)[0]
    assert alert.get("show_alert") is True and "нет прав" in alert["text"]
    assert await status_of(db, 50002) is Status.NEW

    # And what arrives now goes to the director only.
    mark = fake.mark()
    await import_applications(db, tmp_path, 50003)
    await cards_of(fake, DIRECTOR.id, 1, since=mark)
    await asyncio.sleep(2.5)
    assert not [
        c
        for c in fake.calls_of("sendMessage")
        if c.params.get("chat_id") == IVANOVA.id and "№50003" in c.params.get("text", "")
    ]


async def test_role_switch_changes_menu_and_commands_but_not_notifications(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    await cards_of(fake, DIRECTOR.id, 3)
    chat_scope = {"type": "chat", "chat_id": DIRECTOR.id}

    mark = fake.mark()
    fake.send_command(DIRECTOR, "/role")
    choice = await fake.wait_for_message(DIRECTOR.id, "Выберите роль", since=mark)
    assert buttons(choice) == ["Слушатель", "• Руководитель ОО"]
    mark = fake.mark()
    fake.press_button(DIRECTOR, choice, "Слушатель")
    help_text = await fake.wait_for_message(DIRECTOR.id, "/my", since=mark)
    assert "/applications" not in help_text["text"]
    await fake.wait_for(lambda c: c.method == "setMyCommands", since=mark)
    assert [c["command"] for c in fake.commands(chat_scope)] == [
        "my",
        "settings",
        "role",
        "cancel",
        "help",
    ]
    keyboard = fake.reply_keyboard(DIRECTOR.id)
    assert keyboard is not None
    assert keyboard["keyboard"][0][0]["text"] == "📋 Мои заявки"

    # A listener now, still the director: a new application's card reaches her all the same.
    mark = fake.mark()
    await import_applications(db, tmp_path, 50011)
    await cards_of(fake, DIRECTOR.id, 1, since=mark)

    mark = fake.mark()
    fake.send_text(DIRECTOR, "🔄 Сменить роль")
    choice = await fake.wait_for_message(DIRECTOR.id, "Выберите роль", since=mark)
    mark = fake.mark()
    fake.press_button(DIRECTOR, choice, "Руководитель ОО")
    await fake.wait_for_message(DIRECTOR.id, "/applications", since=mark)
    await fake.wait_for(lambda c: c.method == "setMyCommands", since=mark)
    assert [c["command"] for c in fake.commands(chat_scope)][:2] == ["applications", "deputy"]
    async with db() as session:
        person = await session.scalar(select(Person).where(Person.code == "P-1001"))
        assert person is not None and person.active_role == "director"


async def test_listener_role_shows_the_directors_own_applications(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    mark = fake.mark()
    fake.send_command(DIRECTOR, "/role")
    choice = await fake.wait_for_message(DIRECTOR.id, "Выберите роль", since=mark)
    mark = fake.mark()
    fake.press_button(DIRECTOR, choice, "Слушатель")
    await fake.wait_for_message(DIRECTOR.id, "/my", since=mark)
    mark = fake.mark()
    fake.send_text(DIRECTOR, "📋 Мои заявки")
    shown = await fake.wait_for_message(DIRECTOR.id, "39746", since=mark)
    # Only her own: not her teachers' applications.
    assert "43112" not in shown["text"] and "43113" not in shown["text"]
