"""Dispatcher-level tests of the staff screens: queue, inclusion, cancellation, group change,
assessment, overview and files in chat."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.fakeapi import User
from handlers.paging import split_messages
from handlers.staff import files as staff_files
from models import (
    Application,
    AssessmentResult,
    ConsentRecord,
    Group,
    HistoryEntry,
    Organization,
    OutboxMessage,
    Person,
    Role,
    Status,
)
from services import exporter
from services.importer import import_bytes
from tests import factories as f
from tests.dispatcher import Harness

STAFF = User(id=7001, first_name="Татьяна")
TEACHER = User(id=7002, first_name="Анна")


async def seed(h: Harness, approved: int = 3) -> dict[str, Any]:
    async with h.db.begin() as session:
        north = await f.organization(session, "Школа Север")
        south = await f.organization(session, "Школа Юг")
        south.municipality = "Южный округ"
        institute = await f.organization(session, "ЧИРО")
        await f.person(session, institute, Role.STAFF, telegram_id=STAFF.id)
        session.add(ConsentRecord(telegram_id=STAFF.id, version="2024-1"))
        teacher = await f.person(session, north, Role.TEACHER, telegram_id=TEACHER.id)
        session.add(ConsentRecord(telegram_id=TEACHER.id, version="2024-1"))
        await f.person(session, north, Role.DIRECTOR, name="Директор Север", telegram_id=7100)
        grp = await f.group(session, "Программа А")
        other = Group(program_id=grp.program_id, name="Группа Б")
        session.add(other)
        await session.flush()
        for i in range(approved):
            school = north if i % 2 == 0 else south
            who = teacher if i == 0 else await f.person(session, school, name=f"Учитель{i} <b>")
            await f.application(session, who, status=Status.APPROVED, grp=grp, number=70000 + i)
        await f.application(session, teacher, status=Status.NEW, number=70100)
        ids = {"north": north.id, "south": south.id, "group": grp.id, "other": other.id}
    h.fake.register_user(STAFF)
    h.fake.register_user(TEACHER)
    return ids


def labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def say(h: Harness, text: str, user: User = STAFF) -> dict[str, Any]:
    mark = h.fake.mark()
    await h.feed(h.fake.send_text(user, text))
    return await h.fake.wait_for_message(user.id, since=mark)


async def press(h: Harness, message: dict[str, Any] | int, text: str) -> str:
    query_id = h.fake.press_button(STAFF, message, text)
    await h.feed(h.fake.pending_updates[-1])
    assert h.fake.callback_answers(query_id), "every callback is answered"
    return query_id


def shown(h: Harness, message_id: int) -> dict[str, Any]:
    return next(m for m in h.fake.messages(STAFF.id) if m["message_id"] == message_id)


async def status_of(h: Harness, number: int) -> Status:
    async with h.db() as session:
        value = await session.scalar(select(Application.status).where(Application.number == number))
        assert value is not None
        return Status(value)


async def test_queue_lists_approved_with_filters(harness: Harness) -> None:
    h = harness
    await seed(h, approved=3)
    page = await say(h, "/queue")
    assert "Очередь: одобренные заявки — 3" in page["text"]
    assert "70100" not in page["text"]  # new ones wait for their director
    assert "Учитель1 &lt;b&gt;" in h.fake.calls_of("sendMessage")[-1].params["text"]
    assert "✅ Включить всех (3)" in labels(page)
    await press(h, page, "Муниципалитет")
    choose = shown(h, page["message_id"])
    assert "Выберите: Муниципалитет" in choose["text"]
    assert "Южный округ (1)" in labels(choose) and "Еткульский район (2)" in labels(choose)
    await press(h, page["message_id"], "Южный округ (1)")
    filtered = shown(h, page["message_id"])
    assert "— 1" in filtered["text"] and "Муниципалитет: Южный округ" in filtered["text"]
    assert "• Муниципалитет" in labels(filtered)
    await press(h, page["message_id"], "Школа")
    await press(h, page["message_id"], "Школа Юг (1)")
    assert "Школа: Школа Юг" in shown(h, page["message_id"])["text"]
    await press(h, page["message_id"], "Сбросить фильтры")
    assert "— 3" in shown(h, page["message_id"])["text"]
    await press(h, page["message_id"], "Программа")
    await press(h, page["message_id"], "Программа А (3)")
    await press(h, page["message_id"], "Группа")
    assert any(b.endswith("(3)") for b in labels(shown(h, page["message_id"])))


async def test_queue_pages_within_limit(harness: Harness) -> None:
    h = harness
    await seed(h, approved=23)
    page = await say(h, "/queue")
    assert "Страница 1 из 3" in page["text"] and len(page["text"]) <= 4096
    assert sum(1 for b in labels(page) if b.startswith("№")) == 10
    await press(h, page, "›")
    await press(h, page["message_id"], "›")
    assert "Страница 3 из 3" in shown(h, page["message_id"])["text"]


async def test_include_one_after_confirmation(harness: Harness) -> None:
    h = harness
    await seed(h, approved=1)
    page = await say(h, "/queue")
    mark = h.fake.mark()
    await press(h, page, "№70000 · " + page["reply_markup"]["inline_keyboard"][2][0]["text"][9:])
    card = await h.fake.wait_for_message(STAFF.id, "Заявка №70000", since=mark)
    assert labels(card) == ["✅ Включить в группу", "🔁 Смена группы", "❌ Отменить"]
    await press(h, card, "✅ Включить в группу")
    assert "Включить заявку №70000" in shown(h, card["message_id"])["text"]
    await press(h, card["message_id"], "Назад")
    assert "✅ Включить в группу" in labels(shown(h, card["message_id"]))
    await press(h, card["message_id"], "✅ Включить в группу")
    await press(h, card["message_id"], "Подтвердить")
    assert "включена в группу" in shown(h, card["message_id"])["text"]
    assert await status_of(h, 70000) is Status.INCLUDED
    async with h.db() as session:
        entry = await session.scalar(select(HistoryEntry).order_by(HistoryEntry.id.desc()))
        assert entry is not None and entry.actor_role == "staff" and entry.to_value == "included"
        teacher = await session.scalar(select(Person).where(Person.telegram_id == TEACHER.id))
        assert teacher is not None
        told = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.person_id == teacher.id)
        )
        assert told  # the applicant is told through the outbox


async def test_include_all_confirm_and_back(harness: Harness) -> None:
    h = harness
    await seed(h, approved=3)
    page = await say(h, "/queue")
    mark = h.fake.mark()
    await press(h, page, "✅ Включить всех (3)")
    ask = await h.fake.wait_for_message(STAFF.id, "Включить в группу все", since=mark)
    await press(h, ask, "Назад")
    assert "Включение отменено" in shown(h, ask["message_id"])["text"]
    assert await status_of(h, 70001) is Status.APPROVED
    mark = h.fake.mark()
    await press(h, page, "✅ Включить всех (3)")
    ask = await h.fake.wait_for_message(STAFF.id, "Включить в группу все", since=mark)
    await press(h, ask, "Подтвердить")
    assert "Включено в группу: 3" in shown(h, ask["message_id"])["text"].replace("<b>", "")
    for n in (70000, 70001, 70002):
        assert await status_of(h, n) is Status.INCLUDED


async def test_include_all_reports_refusals(harness: Harness) -> None:
    h = harness
    await seed(h, approved=2)
    page = await say(h, "/queue")
    mark = h.fake.mark()
    await press(h, page, "✅ Включить всех (2)")
    ask = await h.fake.wait_for_message(STAFF.id, "Включить в группу все", since=mark)
    async with h.db.begin() as session:
        app = await session.scalar(select(Application).where(Application.number == 70001))
        assert app is not None
        app.status = Status.CANCELLED
    await press(h, ask, "Подтвердить")
    text = shown(h, ask["message_id"])["text"]
    assert "Включено в группу: 1" in text and "Не включены (1)" in text and "№70001" in text


async def test_cancel_with_reason_and_group_change(harness: Harness) -> None:
    h = harness
    await seed(h, approved=1)
    page = await say(h, "/queue")
    mark = h.fake.mark()
    h.fake.press(STAFF, page, "sc:open:70000:0")
    await h.feed(h.fake.pending_updates[-1])
    card = await h.fake.wait_for_message(STAFF.id, "Заявка №70000", since=mark)
    await press(h, card, "🔁 Смена группы")
    assert "Группа Б" in labels(shown(h, card["message_id"]))
    await press(h, card["message_id"], "Группа Б")
    assert "Группа Б" in shown(h, card["message_id"])["text"]
    mark = h.fake.mark()
    await press(h, card["message_id"], "❌ Отменить")
    prompt = await h.fake.wait_for_message(STAFF.id, "причину отмены", since=mark)
    assert labels(prompt) == ["Назад"]  # a reason is required
    await say(h, "Группа уже набрана")
    assert await status_of(h, 70000) is Status.CANCELLED
    async with h.db() as session:
        entry = await session.scalar(select(HistoryEntry).order_by(HistoryEntry.id.desc()))
        assert entry is not None and entry.comment == "Группа уже набрана"
    # A cancelled application has no group change any more, and the answer says why.
    query = await press(h, card["message_id"], "🔁 Смена группы")
    (answer,) = h.fake.callback_answers(query)
    assert answer["text"] == (
        "Группу заявки №70000 сейчас изменить нельзя: заявка в статусе «Отменена». "
        "Группу меняют, пока заявка в статусе «Не обработана» или «Подтверждена руководителем ОО»."
    )


async def test_not_staff_gets_no_staff_screens(harness: Harness) -> None:
    h = harness
    await seed(h)
    answer = await say(h, "/queue", TEACHER)
    assert "Очередь" not in answer["text"]
    mark = h.fake.mark()
    await h.feed(h.fake.send_document(TEACHER, "a.csv", b"x"))
    refusal = await h.fake.wait_for_message(TEACHER.id, since=mark)
    assert "только работники ЧИРО" in refusal["text"]


async def test_assessment_toggles(harness: Harness) -> None:
    h = harness
    await seed(h)
    async with h.db.begin() as session:
        teacher = await session.scalar(select(Person).where(Person.telegram_id == TEACHER.id))
        assert teacher is not None
        await f.assessment(session, teacher, {"Методическая": True, "Предметная": False})
        code = teacher.code
    assert "Укажите код" in (await say(h, "/assess"))["text"]
    assert "не найден" in (await say(h, "/assess NOPE"))["text"]
    screen = await say(h, f"/assess {code}")
    assert "Пройдено разделов: 1 из 2" in screen["text"]
    assert labels(screen) == ["✅ Методическая", "⬜ Предметная"]
    await press(h, screen, "⬜ Предметная")
    assert "2 из 2" in shown(h, screen["message_id"])["text"]
    await press(h, screen["message_id"], "✅ Методическая")
    assert "1 из 2" in shown(h, screen["message_id"])["text"]
    async with h.db() as session:
        passed = await session.scalars(
            select(AssessmentResult.passed).where(AssessmentResult.person_id == teacher.id)
        )
        assert sorted(passed.all()) == [False, True]


async def test_overview_text_and_chart(harness: Harness) -> None:
    h = harness
    await seed(h, approved=3)
    mark = h.fake.mark()
    await h.feed(h.fake.send_text(STAFF, "/overview"))
    text = await h.fake.wait_for_message(STAFF.id, "Обзор региона", since=mark)
    assert "Всего заявок: 4" in text["text"]
    assert "Южный округ — 1" in text["text"] and "Школа Север — 3" in text["text"]
    assert "Подтверждена руководителем ОО 3" in text["text"]  # the seed's label in full
    photo = await h.fake.wait_for(lambda c: c.method == "sendPhoto" and c.ok, since=mark)
    assert photo.files["photo"].content.startswith(b"\x89PNG")


def test_split_messages_keeps_every_line_within_limit() -> None:
    lines = [f"строка {i} " + "x" * 300 for i in range(60)] + ["y" * 5000]
    parts = split_messages(lines)
    assert all(len(part) <= 4096 for part in parts) and len(parts) > 4
    assert "строка 59" in "".join(parts)


GOOD_CSV = (
    "Код;ФИО;Роль;Организация;Муниципалитет;Телефон\n"
    "P-5001;Новикова Анна Ивановна;Слушатель;Школа Север;Еткульский район;\n"
).encode()
BAD_CSV = (
    "Код;ФИО;Роль;Организация;Муниципалитет;Телефон\n"
    "P-5002;Петров Пётр;Слушатель;Школа Север;Еткульский район;\n"
    "P-5003;;Марсианин;Школа Север;Еткульский район;\n"
).encode()


async def people_count(h: Harness) -> int:
    async with h.db() as session:
        return int(await session.scalar(select(func.count()).select_from(Person)) or 0)


async def test_csv_in_chat_imports(harness: Harness) -> None:
    h = harness
    await seed(h)
    before = await people_count(h)
    mark = h.fake.mark()
    await h.feed(h.fake.send_document(STAFF, "люди.csv", GOOD_CSV))
    done = await h.fake.wait_for_message(STAFF.id, "Файл загружен", since=mark)
    assert "люди: создано 1" in done["text"]
    assert await people_count(h) == before + 1


async def test_bad_csv_refused_with_lines_nothing_written(harness: Harness) -> None:
    h = harness
    await seed(h)
    before = await people_count(h)
    mark = h.fake.mark()
    await h.feed(h.fake.send_document(STAFF, "bad.csv", BAD_CSV))
    await h.fake.wait_for_message(STAFF.id, "Файл не загружен", since=mark)
    errors = await h.fake.wait_for_message(STAFF.id, "Ошибки", since=mark)
    assert "bad.csv:3" in errors["text"]
    assert await people_count(h) == before


async def test_wrong_kind_and_too_big_files(harness: Harness) -> None:
    h = harness
    await seed(h)
    mark = h.fake.mark()
    await h.feed(h.fake.send_document(STAFF, "photo.jpg", b"x"))
    assert "CSV или XLSX" in (await h.fake.wait_for_message(STAFF.id, since=mark))["text"]
    update = h.fake.send_document(STAFF, "big.csv", b"x")
    update["message"]["document"]["file_size"] = 21 * 1024 * 1024
    mark = h.fake.mark()
    await h.feed(update)
    assert "больше 20 МБ" in (await h.fake.wait_for_message(STAFF.id, since=mark))["text"]


async def test_export_document_and_too_big(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    await seed(h)
    mark = h.fake.mark()
    await h.feed(h.fake.send_text(STAFF, "/export"))
    sent = await h.fake.wait_for(lambda c: c.method == "sendDocument" and c.ok, since=mark)
    document = sent.files["document"]
    assert document.filename == "Заявки.xlsx"
    assert document.content[:2] == b"PK"
    async with h.db() as session:
        # The file imports back to no change (checked without writing).
        report = await import_bytes(session, document.content, document.filename, dry_run=True)
    assert report.applications.created == report.applications.updated == 0
    assert report.applications.unchanged == 4 and not report.transitions
    # The caption counts the applications in the file (not its size).
    assert sent.params["caption"] == "Выгрузка: 4 заявки"
    monkeypatch.setattr(staff_files, "MAX_UPLOAD", 10)
    reply = await say(h, "/export")
    assert "больше 50 МБ" in reply["text"]


async def test_export_refused_above_the_row_limit_before_building(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    await seed(h)  # four applications

    async def never(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the file was built")

    monkeypatch.setattr(exporter, "CHAT_EXPORT_MAX_ROWS", 3)
    monkeypatch.setattr(staff_files, "export_applications_counted", never)
    reply = await say(h, "/export")
    assert "больше 3 заявок" in reply["text"] and "dpo-bot export" in reply["text"]
    # At the limit exactly, the file is built and sent.
    monkeypatch.undo()
    monkeypatch.setattr(exporter, "CHAT_EXPORT_MAX_ROWS", 4)
    mark = h.fake.mark()
    await h.feed(h.fake.send_text(STAFF, "/export"))
    await h.fake.wait_for(lambda c: c.method == "sendDocument" and c.ok, since=mark)


async def test_import_failure_keeps_update_writes(harness: Harness) -> None:
    """The savepoint: a refused file rolls back only itself."""
    h = harness
    await seed(h)
    async with h.db() as session:
        orgs = await session.scalar(select(func.count()).select_from(Organization))
    mark = h.fake.mark()
    await h.feed(h.fake.send_document(STAFF, "bad.csv", BAD_CSV))
    await h.fake.wait_for_message(STAFF.id, "Файл не загружен", since=mark)
    async with h.db() as session:
        assert await session.scalar(select(func.count()).select_from(Organization)) == orgs
        # The update's own writes (e.g. the person's last activity) were committed.
        assert await session.scalar(select(Person).where(Person.telegram_id == STAFF.id))
