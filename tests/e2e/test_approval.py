"""The director's approval loop and the teacher's notifications, end to end (issue: approval)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram, User
from models import Application, Comment, ConsentRecord, HistoryEntry, Person, Status
from services.importer import import_file
from tests.e2e.conftest import BotProcess
from tests.e2e.scenario import (
    DIRECTOR,
    IVANOVA,
    KUZNETSOV,
    OTHER_DIRECTOR,
    PHONES,
    buttons,
    cards_of,
    link,
    load_samples,
)


async def status_of(db: async_sessionmaker[AsyncSession], number: int) -> Status:
    async with db() as session:
        app = await session.scalar(select(Application).where(Application.number == number))
        assert app is not None
        return app.status


async def teacher_notifications(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [
        c.params["text"]
        for c in fake.calls_of("sendMessage", ok=True)
        if c.params.get("chat_id") == chat_id and "новый статус" in c.params.get("text", "")
    ]


async def test_linking_by_code_and_by_contact(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    await bot.start()

    greeting = await link(fake, DIRECTOR, codes[DIRECTOR.id])
    assert "Здравствуйте, Ольга Викторовна!" in greeting["text"]
    assert "Руководитель ОО" in greeting["text"]
    assert "Заявок ждут вашего решения: 3" in greeting["text"]
    cards = await cards_of(fake, DIRECTOR.id, 3)
    assert set(cards) == {43112, 43113, 39746}
    assert buttons(cards[43113]) == ["✅ Одобрить", "❌ Отменить", "Подробнее"]
    assert "Оценка профессиональных компетенций педагогических работников" in cards[43113]["text"]
    assert "Процедура оценки профессиональных компетенций в 2024 году." in cards[43113]["text"]

    # Kuznetsov shares someone else's contact first: refused, nothing linked.
    fake.send_command(KUZNETSOV, "/start")
    consent = await fake.wait_for_message(KUZNETSOV.id, "152-ФЗ")
    mark = fake.mark()
    fake.press_button(KUZNETSOV, consent, "Ознакомился")
    await fake.wait_for_message(KUZNETSOV.id, "Поделиться номером", since=mark)
    keyboard = fake.reply_keyboard(KUZNETSOV.id)
    assert keyboard is not None and keyboard["keyboard"][0][0]["request_contact"] is True
    mark = fake.mark()
    fake.send_contact(KUZNETSOV, phone=PHONES[IVANOVA.id], user_id=IVANOVA.id)
    await fake.wait_for_message(KUZNETSOV.id, "только свой номер", since=mark)
    mark = fake.mark()
    fake.send_contact(KUZNETSOV, phone=PHONES[KUZNETSOV.id], user_id=KUZNETSOV.id)
    greeting = await fake.wait_for_message(KUZNETSOV.id, "Здравствуйте", since=mark)
    assert "Здравствуйте, Андрей Петрович!" in greeting["text"] and "Слушатель" in greeting["text"]

    # A wrong code typed by an unlinked user: refused and counted.
    stranger = User(id=9999, first_name="Гость")
    fake.send_command(stranger, "/start")
    consent = await fake.wait_for_message(stranger.id, "152-ФЗ")
    fake.press_button(stranger, consent, "Ознакомился")
    await fake.wait_for_message(stranger.id, "Поделиться номером")
    for _ in range(5):
        mark = fake.mark()
        fake.send_text(stranger, "A" * 32)
        await fake.wait_for_message(stranger.id, "не найден", since=mark)
    mark = fake.mark()
    fake.send_text(stranger, codes[IVANOVA.id])  # even a right code: too many wrong ones first
    await fake.wait_for_message(stranger.id, "Слишком много", since=mark)

    async with db() as session:
        linked = {
            p.code: p.telegram_id
            for p in (await session.scalars(select(Person).where(Person.telegram_id.isnot(None))))
        }
        consents = (await session.scalars(select(ConsentRecord))).all()
    assert linked == {"P-1001": DIRECTOR.id, "P-1002": KUZNETSOV.id}
    assert {c.telegram_id for c in consents} == {DIRECTOR.id, KUZNETSOV.id, stranger.id}


async def test_approve_with_comment_notifies_and_edits_the_card(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, IVANOVA, codes[IVANOVA.id])
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    card = (await cards_of(fake, DIRECTOR.id, 3))[43113]

    mark = fake.mark()
    fake.press_button(DIRECTOR, card, "Одобрить")
    prompt = await fake.wait_for_message(DIRECTOR.id, "одобряете", since=mark)
    assert buttons(prompt) == ["Без комментария", "Назад"]
    mark = fake.mark()
    fake.send_text(DIRECTOR, "Ждём вас 02.12 <в 10:00> & не опаздывайте")
    await fake.wait_for_message(DIRECTOR.id, "одобрена", since=mark)

    told = await fake.wait_for_message(IVANOVA.id, "новый статус", since=mark)
    assert "№43113" in told["text"]
    assert "Подтверждена руководителем ОО" in told["text"]
    assert "Ждём вас 02.12 <в 10:00> & не опаздывайте" in told["text"]
    assert "Смирнова Ольга Викторовна" in told["text"]
    assert "Оценка профессиональных компетенций педагогических работников" in told["text"]

    edited = await fake.wait_for(
        lambda c: (
            c.method == "editMessageText"
            and c.ok
            and c.params.get("message_id") == card["message_id"]
        ),
        since=mark,
    )
    assert "Подтверждена руководителем ОО" in edited.params["text"]
    assert "Смирнова Ольга Викторовна" in edited.params["text"]
    assert "reply_markup" not in edited.params or not edited.params["reply_markup"]

    assert await status_of(db, 43113) is Status.APPROVED
    async with db() as session:
        history = (
            await session.scalars(select(HistoryEntry).where(HistoryEntry.action == "status"))
        ).all()
        comments = (await session.scalars(select(Comment))).all()
    assert [(h.from_value, h.to_value, h.channel.value) for h in history] == [
        ("new", "approved", "bot")
    ]
    assert [c.text for c in comments] == ["Ждём вас 02.12 <в 10:00> & не опаздывайте"]

    # The same button again: an alert naming the status, nothing changes, nothing is sent.
    await asyncio.sleep(1.2)
    before = len(await teacher_notifications(fake, IVANOVA.id))
    async with db() as session:
        rows_before = len((await session.scalars(select(HistoryEntry))).all())
    mark = fake.mark()
    query_id = fake.press(DIRECTOR, card, "c:ok:43113:n:", strict=False)
    await fake.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id,
        since=mark,
    )
    alert = fake.callback_answers(query_id)[0]
    assert alert.get("show_alert") is True and "Подтверждена руководителем ОО" in alert["text"]
    await asyncio.sleep(1.5)
    assert len(await teacher_notifications(fake, IVANOVA.id)) == before == 1
    async with db() as session:
        assert len((await session.scalars(select(HistoryEntry))).all()) == rows_before


async def test_cancel_requires_a_reason_when_configured(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    bot.env["REQUIRE_CANCEL_REASON"] = "true"
    codes = await load_samples(db)
    await bot.start()
    await link(fake, KUZNETSOV, codes[KUZNETSOV.id])
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    card = (await cards_of(fake, DIRECTOR.id, 3))[43112]

    mark = fake.mark()
    fake.press_button(DIRECTOR, card, "Отменить")
    prompt = await fake.wait_for_message(DIRECTOR.id, "причину отмены", since=mark)
    assert buttons(prompt) == ["Назад"]
    mark = fake.mark()
    fake.send_text(DIRECTOR, "x" * 1001)
    await fake.wait_for_message(DIRECTOR.id, "длиннее 1000", since=mark)
    assert await status_of(db, 43112) is Status.NEW
    mark = fake.mark()
    fake.send_text(DIRECTOR, "Группа уже набрана")
    await fake.wait_for_message(DIRECTOR.id, "отменена", since=mark)
    told = await fake.wait_for_message(KUZNETSOV.id, "новый статус", since=mark)
    assert "Отменена" in told["text"] and "Группа уже набрана" in told["text"]
    assert await status_of(db, 43112) is Status.CANCELLED


async def test_a_mistaken_cancellation_is_taken_back(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, KUZNETSOV, codes[KUZNETSOV.id])
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    card = (await cards_of(fake, DIRECTOR.id, 3))[43112]
    mark = fake.mark()
    fake.press_button(DIRECTOR, card, "Отменить")
    prompt = await fake.wait_for_message(DIRECTOR.id, "Напишите", since=mark)
    mark = fake.mark()
    fake.press_button(DIRECTOR, prompt, "Без комментария")
    result = await fake.wait_for_message(DIRECTOR.id, "«Вернуть» — в течение 10 мин.", since=mark)
    assert buttons(result) == ["↩️ Вернуть"]
    await fake.wait_for_message(KUZNETSOV.id, "Отменена", since=mark)
    assert await status_of(db, 43112) is Status.CANCELLED

    mark = fake.mark()
    fake.press_button(DIRECTOR, result, "Вернуть")
    await fake.wait_for_message(DIRECTOR.id, "Отмена заявки №43112 возвращена", since=mark)
    told = await fake.wait_for_message(KUZNETSOV.id, "новый статус", since=mark)
    assert "Не обработана" in told["text"]
    assert await status_of(db, 43112) is Status.NEW
    async with db() as session:
        app = await session.scalar(select(Application).where(Application.number == 43112))
        assert app is not None
        changes = (
            await session.scalars(
                select(HistoryEntry.to_value)
                .where(HistoryEntry.application_id == app.id, HistoryEntry.action == "status")
                .order_by(HistoryEntry.id)
            )
        ).all()
    assert changes == ["cancelled", "new"]
    # The card itself offers the decision again.
    refreshed = await fake.wait_for(
        lambda c: (
            c.method == "editMessageText"
            and c.params.get("message_id") == card["message_id"]
            and "Одобрить" in str(c.params.get("reply_markup"))
        ),
        since=mark,
    )
    assert refreshed.ok


async def test_forged_press_from_another_school_changes_nothing(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    await bot.start()
    greeting = await link(fake, OTHER_DIRECTOR, codes[OTHER_DIRECTOR.id])
    assert "Руководитель ОО" in greeting["text"]
    for data in ("c:ok:43113:n:", "c:no:43113:n:", "c:tab:43113:n:h"):
        mark = fake.mark()
        query_id = fake.press(OTHER_DIRECTOR, greeting, data, strict=False)
        await fake.wait_for(lambda c: c.method == "answerCallbackQuery", since=mark)
        alert = fake.callback_answers(query_id)[0]
        assert alert.get("show_alert") is True and "нет прав" in alert["text"]
    assert not [c for c in fake.calls_of("sendMessage") if "одобряете" in c.params.get("text", "")]
    assert await status_of(db, 43113) is Status.NEW
    async with db() as session:
        assert (
            await session.scalars(select(HistoryEntry).where(HistoryEntry.action == "status"))
        ).all() == []


async def test_course_needs_every_assessment_section(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    card = (await cards_of(fake, DIRECTOR.id, 3))[43112]
    assert "пройдено 2 из 3 разделов" in card["text"]
    mark = fake.mark()
    query_id = fake.press_button(DIRECTOR, card, "Одобрить")
    await fake.wait_for(lambda c: c.method == "answerCallbackQuery", since=mark)
    alert = fake.callback_answers(query_id)[0]
    assert alert.get("show_alert") is True
    assert "пройдено 2 из 3 разделов" in alert["text"]
    assert await status_of(db, 43112) is Status.NEW


async def test_comment_prompt_survives_a_restart(
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

    assert await bot.stop() == 0, bot.log()
    await bot.start()
    mark = fake.mark()
    fake.send_text(DIRECTOR, "После перезапуска")
    await fake.wait_for_message(DIRECTOR.id, "одобрена", since=mark)
    told = await fake.wait_for_message(IVANOVA.id, "новый статус", since=mark)
    assert "После перезапуска" in told["text"]
    assert await status_of(db, 43113) is Status.APPROVED


async def test_card_escapes_html_in_names_and_titles(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    codes = await load_samples(db)
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "Номер заявки;Код заявителя;Заявитель;Организация;Вид заявки;Программа;Группа;"
        "Трудоёмкость;Даты обучения;Форма обучения;Статус\n"
        "50001;P-5001;O'Brien <Анна> & Co;МАОУ «СОШ № 12 г. Челябинска»;"
        "Оценка профессиональных компетенций;Курс <b>не жирный</b> & «Ко»;A&B <1>;"
        "16;01.03.2025 - 15.03.2025;очная;Не обработана\n",
        encoding="utf-8",
    )
    async with db.begin() as session:
        await import_file(session, extra)
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    card = (await cards_of(fake, DIRECTOR.id, 4))[50001]
    assert "O'Brien <Анна> & Co" in card["text"]
    assert "Курс <b>не жирный</b> & «Ко»" in card["text"]
    assert "A&B <1>" in card["text"]
    assert buttons(card) == ["✅ Одобрить", "❌ Отменить", "Подробнее"]


async def test_news_for_a_teacher_not_yet_linked_waits_until_they_link(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    card = (await cards_of(fake, DIRECTOR.id, 3))[43113]
    mark = fake.mark()
    fake.press_button(DIRECTOR, card, "Одобрить")
    prompt = await fake.wait_for_message(DIRECTOR.id, "одобряете", since=mark)
    mark = fake.mark()
    fake.press_button(DIRECTOR, prompt, "Без комментария")
    await fake.wait_for_message(DIRECTOR.id, "одобрена", since=mark)
    assert await status_of(db, 43113) is Status.APPROVED
    assert await teacher_notifications(fake, IVANOVA.id) == []

    mark = fake.mark()
    await link(fake, IVANOVA, codes[IVANOVA.id])
    told = await fake.wait_for_message(IVANOVA.id, "новый статус", since=mark)
    assert "№43113" in told["text"] and "Подтверждена руководителем ОО" in told["text"]
