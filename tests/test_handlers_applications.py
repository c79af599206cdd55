"""Dispatcher-level tests of «Заявки»: filters, pages, search, opening, bulk, group change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import (
    Application,
    ConsentRecord,
    Group,
    HistoryEntry,
    Kind,
    OutboxMessage,
    Role,
    Status,
)
from tests import factories as f
from tests.dispatcher import Harness
from tests.fakeapi import User

DIRECTOR = User(id=6001, first_name="Ольга")
TEACHER = User(id=6002, first_name="Анна")


async def seed(h: Harness, count: int = 25, *, title: str | None = None) -> None:
    async with h.db.begin() as session:
        school = await f.organization(session)
        await f.person(session, school, Role.DIRECTOR, telegram_id=DIRECTOR.id)
        session.add(ConsentRecord(telegram_id=DIRECTOR.id, version="2024-1"))
        grp = await f.group(session, title)
        for i in range(count):
            name = "Семёнова Анна Петровна" if i == 3 else f"Петров{i:02d} Иван"
            teacher = await f.person(session, school, Role.TEACHER, name=name)
            await f.application(session, teacher, number=60000 + i, grp=grp)
    h.fake.register_user(DIRECTOR)


def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


async def command(h: Harness, text: str) -> dict[str, Any]:
    mark = h.fake.mark()
    await h.feed(h.fake.send_text(DIRECTOR, text))
    return await h.fake.wait_for_message(DIRECTOR.id, since=mark)


async def press(h: Harness, message: dict[str, Any] | int, text: str) -> str:
    query_id = h.fake.press_button(DIRECTOR, message, text)
    await h.feed(h.fake.pending_updates[-1])
    return query_id


def shown(h: Harness, message_id: int) -> dict[str, Any]:
    return next(m for m in h.fake.messages(DIRECTOR.id) if m["message_id"] == message_id)


async def test_list_pages_of_ten_with_counts(harness: Harness) -> None:
    h = harness
    await seed(h)
    page = await command(h, "/applications")
    assert "Не обработана — 25" in page["text"] and "Страница 1 из 3" in page["text"]
    buttons = labels(page)
    assert buttons[:5] == [
        "• Не обработана (25)",
        "Подтверждена (0)",
        "Отменена (0)",
        "Включен в группу (0)",
        "Все (25)",
    ]
    assert sum(1 for b in buttons if b.startswith("№")) == 10
    assert "›" in buttons and "‹" not in buttons and "Одобрить все" in buttons
    await press(h, page, "›")
    await press(h, page["message_id"], "›")
    last = shown(h, page["message_id"])
    assert "Страница 3 из 3" in last["text"] and "№60024" in last["text"]
    assert sum(1 for b in labels(last) if b.startswith("№")) == 5
    await press(h, page["message_id"], "‹")
    assert "Страница 2 из 3" in shown(h, page["message_id"])["text"]
    await press(h, page["message_id"], "Подтверждена")
    assert "Заявок нет" in shown(h, page["message_id"])["text"]


async def test_search_ignores_case_and_yo(harness: Harness) -> None:
    h = harness
    await seed(h)
    for query in ("семенова", "СЕМЁНОВА"):
        found = await command(h, query)
        assert "Семёнова Анна Петровна" in found["text"]
        assert sum(1 for b in labels(found) if b.startswith("№")) == 1
    nothing = await command(h, "Сидоров")
    assert "Заявок нет" in nothing["text"]
    short = await command(h, "С")
    assert "от 2 букв" in short["text"]


async def test_entry_opens_the_card(harness: Harness) -> None:
    h = harness
    await seed(h, 3)
    page = await command(h, "/applications")
    mark = h.fake.mark()
    await press(h, page, "№60001")
    card = await h.fake.wait_for_message(DIRECTOR.id, "Заявка №60001", since=mark)
    assert labels(card) == ["✅ Одобрить", "❌ Отменить", "Подробнее"]


async def test_bulk_approval_skips_the_course_without_assessment(harness: Harness) -> None:
    h = harness
    await seed(h, 4)
    async with h.db.begin() as session:
        course = await session.scalar(select(Application).where(Application.number == 60002))
        assert course is not None
        course.kind = Kind.COURSE
    page = await command(h, "/applications")
    mark = h.fake.mark()
    await press(h, page, "Одобрить все")
    confirm = await h.fake.wait_for_message(DIRECTOR.id, "Одобрить все", since=mark)
    assert "4" in confirm["text"] and labels(confirm) == ["Подтвердить", "Назад"]
    await press(h, confirm, "Подтвердить")
    report = shown(h, confirm["message_id"])["text"]
    assert "Одобрено: 3, пропущено: 1" in report and "№60002" in report
    async with h.db() as session:
        rows = await session.execute(select(Application.number, Application.status))
        statuses = {number: status for number, status in rows}
        told = (await session.scalars(select(OutboxMessage))).all()
    assert statuses[60002] is Status.NEW
    assert [n for n, s in statuses.items() if s is Status.APPROVED] == [60000, 60001, 60003]
    assert sorted(m.payload["type"] for m in told) == ["status"] * 3


async def test_bulk_back_changes_nothing(harness: Harness) -> None:
    h = harness
    await seed(h, 2)
    page = await command(h, "/applications")
    mark = h.fake.mark()
    await press(h, page, "Одобрить все")
    confirm = await h.fake.wait_for_message(DIRECTOR.id, "Одобрить все", since=mark)
    await press(h, confirm, "Назад")
    assert "отменено" in shown(h, confirm["message_id"])["text"]
    async with h.db() as session:
        assert (await session.scalars(select(HistoryEntry))).all() == []


async def test_group_change_tab_moves_within_the_program(harness: Harness) -> None:
    h = harness
    await seed(h, 1)
    async with h.db.begin() as session:
        app = await session.scalar(select(Application).where(Application.number == 60000))
        assert app is not None
        session.add(Group(program_id=app.group.program_id, name="59/23-ГЗ"))
    page = await command(h, "/applications")
    mark = h.fake.mark()
    await press(h, page, "№60000")
    card = await h.fake.wait_for_message(DIRECTOR.id, "Заявка №60000", since=mark)
    await press(h, card, "Подробнее")
    await press(h, card["message_id"], "Смена группы")
    tab = shown(h, card["message_id"])
    assert "Выберите новую группу" in tab["text"] and "59/23-ГЗ" in labels(tab)
    await press(h, card["message_id"], "59/23-ГЗ")
    assert "59/23-ГЗ" in shown(h, card["message_id"])["text"]
    async with h.db() as session:
        app = await session.scalar(select(Application).where(Application.number == 60000))
        assert app is not None and app.group.name == "59/23-ГЗ"
        queued = (await session.scalars(select(OutboxMessage))).all()
    assert [m.payload["type"] for m in queued if m.person_id] == ["group"]


async def test_long_entries_are_paged_within_telegram_limits(harness: Harness) -> None:
    h = harness
    await seed(h, 10, title="Очень длинное название программы " * 14)
    page = await command(h, "/applications")
    assert len(page["text"]) <= 4096
    assert "Страница 1 из 2" in page["text"]
    await press(h, page, "›")
    second = shown(h, page["message_id"])
    assert len(second["text"]) <= 4096 and "№60009" in second["text"]


async def test_teacher_is_not_given_the_school_list(harness: Harness) -> None:
    h = harness
    await seed(h, 1)
    async with h.db.begin() as session:
        school = await f.organization(session)
        await f.person(session, school, Role.TEACHER, telegram_id=TEACHER.id)
        session.add(ConsentRecord(telegram_id=TEACHER.id, version="2024-1"))
    mark = h.fake.mark()
    await h.feed(h.fake.send_command(TEACHER, "/applications"))
    answer = await h.fake.wait_for_message(TEACHER.id, since=mark)
    assert "руководителю ОО" in answer["text"]
