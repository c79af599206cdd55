"""A director's day beyond single cards: «Заявки», search, history, group change, bulk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram
from models import Application, Status
from services.importer import import_file
from tests.e2e.conftest import BotProcess
from tests.e2e.scenario import DIRECTOR, IVANOVA, cards_of, link, load_samples

SCHOOL = "МАОУ «СОШ № 12 г. Челябинска»"
ASSESSMENT = "Оценка профессиональных компетенций педагогических работников общеобразовательных организаций с низкими образовательными результатами"  # noqa: E501
HEAD = (
    "Номер заявки;Код заявителя;Заявитель;Организация;Вид заявки;Программа;Группа;"
    "Трудоёмкость;Даты обучения;Форма обучения;Статус\n"
)


async def import_rows(db: async_sessionmaker[AsyncSession], path: Path, rows: list[str]) -> None:
    path.write_text(HEAD + "\n".join(rows) + "\n", encoding="utf-8")
    async with db.begin() as session:
        await import_file(session, path)


def row(number: int, code: str, name: str, program: str = ASSESSMENT, group: str = "ШНОР-2") -> str:
    return (
        f"{number};{code};{name};{SCHOOL};Оценка профессиональных компетенций;{program};"
        f"{group};8;02.12.2024 - 13.12.2024;заочная;Не обработана"
    )


def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"] for r in message["reply_markup"]["inline_keyboard"] for b in r]


def current(fake: FakeTelegram, message_id: int) -> dict[str, Any]:
    return next(m for m in fake.messages(DIRECTOR.id) if m["message_id"] == message_id)


async def press(fake: FakeTelegram, message: dict[str, Any] | int, text: str) -> None:
    mark = fake.mark()
    query_id = fake.press_button(DIRECTOR, message, text)
    await fake.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id,
        since=mark,
    )


async def test_paging_through_25_and_search_with_yo(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    codes = await load_samples(db)
    names = [f"Учитель{i:02d} Анна" for i in range(21)] + ["Семёнова Ольга Ивановна"]
    await import_rows(
        db, tmp_path / "more.csv", [row(70000 + i, f"T-{i}", n) for i, n in enumerate(names)]
    )
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    mark = fake.mark()
    fake.send_command(DIRECTOR, "/applications")
    page = await fake.wait_for_message(DIRECTOR.id, "Заявки", since=mark)
    assert "Не обработана — 25" in page["text"] and "Страница 1 из 3" in page["text"]
    seen = set()
    for expected in (1, 2, 3):
        text = current(fake, page["message_id"])["text"]
        assert f"Страница {expected} из 3" in text
        seen |= {b for b in labels(current(fake, page["message_id"])) if b.startswith("№")}
        if expected < 3:
            await press(fake, page["message_id"], "›")
    assert len(seen) == 25

    for typed in ("семенова", "Семёнова"):
        mark = fake.mark()
        fake.send_text(DIRECTOR, typed)
        found = await fake.wait_for_message(DIRECTOR.id, "Поиск по фамилии", since=mark)
        assert "Семёнова Ольга Ивановна" in found["text"]
        assert [b for b in labels(found) if b.startswith("№")] == [
            "№70021 · Семёнова Ольга Ивановна"
        ]


async def test_history_tab_and_group_change_with_the_applicant_told(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    codes = await load_samples(db)
    # Another group of the assessment program, for «Смена группы».
    await import_rows(
        db, tmp_path / "g.csv", [row(70100, "T-100", "Учитель Новый", group="ШНОР-2")]
    )
    await bot.start()
    await link(fake, IVANOVA, codes[IVANOVA.id])
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    cards = await cards_of(fake, DIRECTOR.id, 4)
    card = cards[43113]

    await press(fake, card, "Подробнее")
    await press(fake, card["message_id"], "Смена группы")
    await press(fake, card["message_id"], "ШНОР-2")
    told = await fake.wait_for_message(IVANOVA.id, "новая группа")
    assert "ШНОР-2" in told["text"] and "Оценка компетенций ШНОР 2024" in told["text"]

    decision = cards[43112]
    mark = fake.mark()
    fake.press_button(DIRECTOR, decision, "Отменить")
    await fake.wait_for_message(DIRECTOR.id, "отменяете", since=mark)
    mark = fake.mark()
    fake.send_text(DIRECTOR, "Нет мест")
    await fake.wait_for_message(DIRECTOR.id, "отменена", since=mark)

    # The decided card has no buttons left; the list opens it again to read its history.
    mark = fake.mark()
    fake.send_command(DIRECTOR, "/applications")
    page = await fake.wait_for_message(DIRECTOR.id, "Заявки", since=mark)
    await press(fake, page, "Отменена")
    mark = fake.mark()
    await press(fake, page["message_id"], "№43112")
    opened = await fake.wait_for_message(DIRECTOR.id, "Заявка №43112", since=mark)
    await press(fake, opened, "Подробнее")
    await press(fake, opened["message_id"], "История действий")
    history = current(fake, opened["message_id"])["text"]
    assert "· История действий" in history
    assert "«Не обработана» → «Отменена»" in history
    assert "Смирнова Ольга Викторовна" in history and "Нет мест" in history
    assert "(бот)" in history and "(импорт)" in history


async def test_bulk_approval_reports_the_skipped_course(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, IVANOVA, codes[IVANOVA.id])
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    mark = fake.mark()
    fake.send_command(DIRECTOR, "/applications")
    page = await fake.wait_for_message(DIRECTOR.id, "Заявки", since=mark)
    mark = fake.mark()
    await press(fake, page, "Одобрить все")
    confirm = await fake.wait_for_message(DIRECTOR.id, "Одобрить все заявки", since=mark)
    await press(fake, confirm, "Подтвердить")
    report = current(fake, confirm["message_id"])["text"]
    # 43113 (assessment) is approved; 43112 and 39746 are courses whose applicants have not
    # passed every section (2 of 3, and none loaded).
    assert "Одобрено: 1, пропущено: 2" in report
    assert "№43112: Нельзя одобрить заявку на курс" in report and "пройдено 2 из 3" in report
    told = await fake.wait_for_message(IVANOVA.id, "новый статус")
    assert "№43113" in told["text"]
    async with db() as session:
        rows = await session.execute(select(Application.number, Application.status))
        statuses = {number: status for number, status in rows}
    assert statuses[43113] is Status.APPROVED and statuses[43112] is Status.NEW


async def test_a_5000_character_list_arrives_as_valid_messages(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    codes = await load_samples(db)
    long_title = ("Программа с очень длинным названием для проверки " * 10).strip()
    await import_rows(
        db,
        tmp_path / "long.csv",
        [row(71000 + i, f"L-{i}", f"Учитель{i} Длинный", program=long_title) for i in range(10)],
    )
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    mark = fake.mark()
    fake.send_command(DIRECTOR, "/applications")
    page = await fake.wait_for_message(DIRECTOR.id, "Заявки", since=mark)
    texts = [page["text"]]
    while "›" in labels(current(fake, page["message_id"])):
        await press(fake, page["message_id"], "›")
        texts.append(current(fake, page["message_id"])["text"])
    assert sum(len(t) for t in texts) > 5000
    assert all(len(t) <= 4096 for t in texts)
    assert all(f"№{71000 + i}" in "".join(texts) for i in range(10))
