"""Dispatcher-level tests of «Заявки»: filters, pages, search, opening, bulk, group change."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.fakeapi import User
from handlers import texts
from models import (
    Application,
    ConsentRecord,
    Deputy,
    Group,
    HistoryEntry,
    Kind,
    OutboxMessage,
    Person,
    Role,
    Status,
)
from tests import factories as f
from tests.dispatcher import Harness

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
    # The seed's labels in full: «Подтверждена руководителем ОО» has a row of its own.
    assert [[b["text"] for b in row] for row in page["reply_markup"]["inline_keyboard"][:3]] == [
        ["• Не обработана (25)", "Отменена (0)"],
        ["Подтверждена руководителем ОО (0)"],
        ["Включен в группу (0)", "Все (25)"],
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
    await press(h, page["message_id"], "Подтверждена руководителем ОО (0)")
    assert "Заявок нет" in shown(h, page["message_id"])["text"]


async def test_search_ignores_case_and_yo(harness: Harness) -> None:
    h = harness
    await seed(h)
    for query in ("семенова", "СЕМЁНОВА"):
        found = await command(h, query)
        assert "Семёнова Анна Петровна" in found["text"]
        assert sum(1 for b in labels(found) if b.startswith("№")) == 1
    nothing = await command(h, "Сидоров")
    assert nothing["text"].endswith(
        "Заявителей с такой фамилией нет. Проверьте написание или откройте /applications."
    )
    short = await command(h, "С")
    assert "от 2 букв" in short["text"]


@pytest.mark.parametrize("text", ["спасибо", "Ок!", "Спасибо большое.", "👍", "+", "12", "хорошо"])
async def test_a_reply_that_is_no_surname_gets_the_hint(harness: Harness, text: str) -> None:
    h = harness
    await seed(h)
    answer = await command(h, text)
    assert answer["text"] == (
        "Чтобы найти заявку, напишите фамилию заявителя (от 2 букв) или откройте /applications."
    )


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
    assert report.endswith(
        "Одобрено: 3, пропущено: 1:\n• №60002: Нельзя одобрить заявку на курс: "
        "результаты оценки компетенций не загружены."
    )
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


async def test_a_group_change_refused_says_why(harness: Harness) -> None:
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
    async with h.db.begin() as session:  # decided meanwhile, from another screen
        await session.execute(
            update(Application).where(Application.number == 60000).values(status=Status.APPROVED)
        )
    query = await press(h, card["message_id"], "59/23-ГЗ")
    assert [a["text"] for a in h.fake.callback_answers(query)] == [
        "Группу заявки №60000 сейчас изменить нельзя: заявка в статусе «Подтверждена "
        "руководителем ОО». Группу меняют, пока заявка в статусе «Не обработана»."
    ]
    async with h.db() as session:
        app = await session.scalar(select(Application).where(Application.number == 60000))
        assert app is not None and app.group.name != "59/23-ГЗ"


async def test_long_entries_are_paged_within_telegram_limits(harness: Harness) -> None:
    h = harness
    await seed(h, 10, title="Очень длинное название программы " * 14)
    page = await command(h, "/applications")
    assert len(page["text"]) <= 4096
    assert "Страница 1 из 2" in page["text"]
    await press(h, page, "›")
    second = shown(h, page["message_id"])
    assert len(second["text"]) <= 4096 and "№60009" in second["text"]


# --- /applications and «📋 Заявки» follow the active role ----------------------------------

STAFF = User(id=6003, first_name="Татьяна")
MULTI = User(id=6004, first_name="Вера")
DEPUTY = User(id=6005, first_name="Нина")


async def seed_roles(h: Harness) -> dict[str, int]:
    """A school: a director, a teacher with a new application (61001), a colleague with an
    approved one (61002), a named deputy; a staff member; a person holding all three roles."""
    async with h.db.begin() as session:
        school = await f.organization(session)
        institute = await f.organization(session, "ЧИРО")
        director = await f.person(session, school, Role.DIRECTOR, telegram_id=DIRECTOR.id)
        teacher = await f.person(session, school, Role.TEACHER, telegram_id=TEACHER.id)
        colleague = await f.person(session, school, Role.TEACHER, name="Коллегова Анна")
        deputy = await f.person(session, school, Role.TEACHER, telegram_id=DEPUTY.id)
        await f.person(session, institute, Role.STAFF, telegram_id=STAFF.id)
        multi = await f.person(
            session, school, Role.TEACHER, Role.DIRECTOR, Role.STAFF, telegram_id=MULTI.id
        )
        await f.application(session, teacher, number=61001)
        await f.application(session, colleague, status=Status.APPROVED, number=61002)
        await f.application(session, multi, status=Status.CANCELLED, number=61003)
        today = date.today()
        session.add(
            Deputy(
                organization_id=school.id,
                director_id=director.id,
                deputy_id=deputy.id,
                starts_on=today - timedelta(days=1),
                ends_on=today + timedelta(days=1),
            )
        )
        for user in (DIRECTOR, TEACHER, STAFF, MULTI, DEPUTY):
            session.add(ConsentRecord(telegram_id=user.id, version="2024-1"))
            h.fake.register_user(user)
    return {"multi": multi.id}


async def applications_of(h: Harness, user: User, text: str) -> dict[str, Any]:
    """The one message the bot sends for `text` (/applications or the menu word)."""
    mark = h.fake.mark()
    await h.feed(h.fake.send_text(user, text))
    sent = [c for c in h.fake.calls[mark:] if c.method == "sendMessage"]
    assert len(sent) == 1, [c.summary() for c in sent]
    message = await h.fake.wait_for_message(user.id, since=mark)
    assert texts.LIST_NOT_DECIDER not in message["text"]
    return message


def school_list(message: dict[str, Any]) -> bool:
    return message["text"].startswith("📋 Заявки · Не обработана — ")


def own_list(message: dict[str, Any]) -> bool:
    return message["text"].startswith("📋 Мои заявки — ")


def queue(message: dict[str, Any]) -> bool:
    return message["text"].startswith("📥 Очередь: одобренные заявки — ")


@pytest.mark.parametrize("text", ["/applications", texts.BTN_MENU_APPLICATIONS])
async def test_applications_shows_the_list_of_each_role(harness: Harness, text: str) -> None:
    h = harness
    await seed_roles(h)

    director = await applications_of(h, DIRECTOR, text)
    assert school_list(director) and "Не обработана — 1" in director["text"]
    assert any(b.startswith("№61001 · ") for b in labels(director))

    teacher = await applications_of(h, TEACHER, text)
    assert own_list(teacher) and teacher["text"].startswith("📋 Мои заявки — 1")
    assert "№61001" in teacher["text"] and "61002" not in teacher["text"]

    staff = await applications_of(h, STAFF, text)
    assert queue(staff) and staff["text"].startswith("📥 Очередь: одобренные заявки — 1")
    assert "№61002" in staff["text"]
    assert [b for b in labels(staff) if b.startswith("№")] == ["№61002 · Коллегова Анна"]


async def test_applications_of_several_roles_follow_the_active_one(harness: Harness) -> None:
    h = harness
    ids = await seed_roles(h)
    # Director until she chooses: the school's list.
    assert school_list(await applications_of(h, MULTI, "/applications"))
    for role, expected in ((Role.TEACHER, own_list), (Role.STAFF, queue)):
        async with h.db.begin() as session:
            person = await session.get(Person, ids["multi"])
            assert person is not None
            person.active_role = role
        shown = await applications_of(h, MULTI, "/applications")
        assert expected(shown), shown["text"]
    mine = await applications_of(h, MULTI, "/applications")
    assert "№61002" in mine["text"]
    async with h.db.begin() as session:
        person = await session.get(Person, ids["multi"])
        assert person is not None
        person.active_role = Role.TEACHER
    mine = await applications_of(h, MULTI, "/applications")
    assert "№61003" in mine["text"] and "61001" not in mine["text"]


async def test_a_listener_acting_as_deputy_gets_the_school_list(harness: Harness) -> None:
    h = harness
    await seed_roles(h)
    shown = await applications_of(h, DEPUTY, "/applications")
    assert school_list(shown) and any(b.startswith("№61001 · ") for b in labels(shown))
