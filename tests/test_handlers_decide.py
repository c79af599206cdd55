"""Dispatcher-level tests of the card buttons and the comment prompt."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select, update

from bot.app import build_dispatcher
from bot.fakeapi import User
from handlers.director.callbacks import CardAction, CardCb
from models import (
    Application,
    Channel,
    HistoryAction,
    HistoryEntry,
    Kind,
    OutboxMessage,
    Role,
    Status,
)
from tests import factories as f
from tests.dispatcher import Harness, make_settings

DIRECTOR = User(id=4001, first_name="Ольга")
TEACHER = User(id=4002, first_name="Мария")


async def setup(h: Harness, kind: Kind = Kind.ASSESSMENT) -> dict[str, Any]:
    """A consented, linked director and a card message in her chat for application 50001."""
    async with h.db.begin() as session:
        school = await f.organization(session)
        await f.person(
            session, school, Role.DIRECTOR, name="Смирнова Ольга", telegram_id=DIRECTOR.id
        )
        teacher = await f.person(session, school, Role.TEACHER, telegram_id=TEACHER.id)
        await f.application(session, teacher, number=50001, kind=kind)
        from models import ConsentRecord

        session.add(ConsentRecord(telegram_id=DIRECTOR.id, version="2024-1"))
        session.add(ConsentRecord(telegram_id=TEACHER.id, version="2024-1"))
    h.fake.register_user(DIRECTOR)
    card = await h.bot.send_message(
        DIRECTOR.id,
        "card",
        reply_markup=_card_markup(),
    )
    return card.model_dump(mode="json", exclude_none=True)


def _card_markup() -> Any:
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text="✅ Одобрить",
                    callback_data=CardCb(action=CardAction.APPROVE, number=50001, seen="n").pack(),
                ),
                InlineKeyboardButton(
                    text="❌ Отменить",
                    callback_data=CardCb(action=CardAction.CANCEL, number=50001, seen="n").pack(),
                ),
            ],
            [
                InlineKeyboardButton(
                    text="Подробнее",
                    callback_data=CardCb(
                        action=CardAction.TAB, number=50001, seen="n", tab="i"
                    ).pack(),
                )
            ],
        ]
    )


async def press(h: Harness, message: dict[str, Any] | int, text: str) -> str:
    query_id = h.fake.press_button(DIRECTOR, message, text)
    await h.feed(h.fake.pending_updates[-1])
    return query_id


async def status(h: Harness) -> Status:
    async with h.db() as session:
        app = await session.scalar(select(Application).where(Application.number == 50001))
        assert app is not None
        return app.status


async def state_of(h: Harness) -> str | None:
    key = StorageKey(bot_id=h.bot.id, chat_id=DIRECTOR.id, user_id=DIRECTOR.id)
    return await h.dispatcher.fsm.storage.get_state(key)


async def test_back_leaves_the_prompt_and_changes_nothing(harness: Harness) -> None:
    h = harness
    card = await setup(h)
    await press(h, card, "Одобрить")
    prompt = h.fake.last_message(DIRECTOR.id)
    assert prompt is not None and "одобряете" in prompt["text"]
    assert await state_of(h) == "Decide:comment"
    await press(h, prompt, "Назад")
    assert await state_of(h) is None
    shown = next(m for m in h.fake.messages(DIRECTOR.id) if m["message_id"] == prompt["message_id"])
    assert "не принято" in shown["text"]
    assert await status(h) is Status.NEW
    # The prompt's buttons are gone; an old copy of «Без комментария» is only an alert.
    h.fake.press(DIRECTOR, prompt, "d:skip", strict=False)
    await h.feed(h.fake.pending_updates[-1])
    assert await status(h) is Status.NEW


async def test_cancel_command_leaves_the_prompt(harness: Harness) -> None:
    h = harness
    card = await setup(h)
    await press(h, card, "Отменить")
    mark = h.fake.mark()
    await h.feed(h.fake.send_command(DIRECTOR, "/cancel"))
    await h.fake.wait_for_message(DIRECTOR.id, "Ввод отменён", since=mark)
    assert await state_of(h) is None
    assert await status(h) is Status.NEW


async def test_without_comment_applies_and_queues_the_teacher_notification(
    harness: Harness,
) -> None:
    h = harness
    card = await setup(h)
    await press(h, card, "Отменить")
    prompt = h.fake.last_message(DIRECTOR.id)
    assert prompt is not None
    await press(h, prompt, "Без комментария")
    assert await status(h) is Status.CANCELLED
    async with h.db() as session:
        queued = (await session.scalars(select(OutboxMessage))).all()
    assert [m.payload["type"] for m in queued] == ["status"]


async def test_the_result_line_does_not_repeat_the_role(harness: Harness) -> None:
    h = harness
    card = await setup(h)
    await press(h, card, "Одобрить")
    prompt = h.fake.last_message(DIRECTOR.id)
    assert prompt is not None
    await press(h, prompt, "Без комментария")
    assert await status(h) is Status.APPROVED
    await press(h, card, "Подробнее")
    shown = next(m for m in h.fake.messages(DIRECTOR.id) if m["message_id"] == card["message_id"])
    assert "Подтверждена руководителем ОО: Смирнова Ольга, " in shown["text"]
    assert "(руководитель ОО)" not in shown["text"].split("История", 1)[0]


async def test_the_applicant_is_promised_a_notification(harness: Harness) -> None:
    h = harness
    card = await setup(h)
    await press(h, card, "Одобрить")
    prompt = h.fake.last_message(DIRECTOR.id)
    assert prompt is not None
    await press(h, prompt, "Без комментария")
    done = next(m for m in h.fake.messages(DIRECTOR.id) if m["message_id"] == prompt["message_id"])
    assert "Заявка №50001 одобрена. Заявитель получит уведомление." in done["text"]


async def test_a_director_cancelling_their_own_application_is_not_told_of_it(
    harness: Harness,
) -> None:
    h = harness
    card = await setup(h)
    from models import OutboxMessage, Person

    async with h.db.begin() as session:
        director = await session.scalar(select(Person).where(Person.telegram_id == DIRECTOR.id))
        app = await session.scalar(select(Application).where(Application.number == 50001))
        assert director is not None and app is not None
        app.applicant_id = director.id
        director_id = director.id
    await press(h, card, "Отменить")
    prompt = h.fake.last_message(DIRECTOR.id)
    assert prompt is not None
    await press(h, prompt, "Без комментария")
    assert await status(h) is Status.CANCELLED
    done = next(m for m in h.fake.messages(DIRECTOR.id) if m["message_id"] == prompt["message_id"])
    assert "Заявка №50001 отменена." in done["text"]
    assert "получит уведомление" not in done["text"]
    # Nor is a «Решение» of their own decision queued for them.
    async with h.db() as session:
        queued = (await session.scalars(select(OutboxMessage))).all()
    assert [(m.person_id, m.payload["type"]) for m in queued if m.person_id == director_id] == []


async def test_a_sticker_in_the_prompt_is_asked_again(harness: Harness) -> None:
    h = harness
    card = await setup(h)
    await press(h, card, "Одобрить")
    update = h.fake.inject_update(
        "message",
        {
            "message_id": 999,
            "date": 1_700_000_000,
            "chat": DIRECTOR.chat_dict(),
            "from": DIRECTOR.to_dict(),
            "sticker": {
                "file_id": "x",
                "file_unique_id": "x",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            },
        },
    )
    mark = h.fake.mark()
    await h.feed(update)
    await h.fake.wait_for_message(DIRECTOR.id, "текстом", since=mark)
    assert await state_of(h) == "Decide:comment"


async def test_tabs_switch_in_place(harness: Harness) -> None:
    h = harness
    card = await setup(h)
    await press(h, card, "Подробнее")
    shown = next(m for m in h.fake.messages(DIRECTOR.id) if m["message_id"] == card["message_id"])
    labels = [b["text"] for row in shown["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [
        "✅ Одобрить",
        "❌ Отменить",
        "• Сведения о заявке",
        "Комментарии",
        "История действий",
        "Смена группы",
    ]
    assert "Программа" in shown["text"]
    assert "Заявка №50001 · Не обработана · Сведения о заявке" in shown["text"]
    await press(h, card["message_id"], "История действий")
    shown = next(m for m in h.fake.messages(DIRECTOR.id) if m["message_id"] == card["message_id"])
    assert "Заявка №50001 · Не обработана · История действий" in shown["text"]
    labels = [b["text"] for row in shown["reply_markup"]["inline_keyboard"] for b in row]
    assert "• История действий" in labels and "Сведения о заявке" in labels
    await press(h, card["message_id"], "Комментарии")
    shown = next(m for m in h.fake.messages(DIRECTOR.id) if m["message_id"] == card["message_id"])
    assert "Комментариев пока нет" in shown["text"]


def test_a_long_history_shows_its_end_within_the_limit() -> None:
    from handlers.render.card_tabs import latest

    items = [f"• запись {i} " + "х" * 200 for i in range(60)]
    text = latest("<b>История</b>", items, "пусто", "\n")
    assert len(text) <= 4096
    assert "запись 59" in text and "запись 0 " not in text
    assert "Показаны последние" in text
    assert latest("T", [], "пусто", "\n") == "T\nпусто"


def shown(h: Harness, message: dict[str, Any]) -> dict[str, Any]:
    return next(m for m in h.fake.messages(DIRECTOR.id) if m["message_id"] == message["message_id"])


def buttons(message: dict[str, Any]) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


async def cancel_by_mistake(h: Harness) -> dict[str, Any]:
    """The director cancels 50001 with «Без комментария»; the result message with «Вернуть»."""
    card = await setup(h)
    await press(h, card, "Отменить")
    prompt = h.fake.last_message(DIRECTOR.id)
    assert prompt is not None
    await press(h, prompt, "Без комментария")
    assert await status(h) is Status.CANCELLED
    return shown(h, prompt)


async def history_of(h: Harness) -> list[tuple[str | None, str | None, str | None]]:
    async with h.db() as session:
        rows = await session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.action == HistoryAction.STATUS)
            .order_by(HistoryEntry.id)
        )
        return [(e.from_value, e.to_value, e.actor_role) for e in rows]


async def test_a_mistaken_cancellation_is_taken_back_with_undo(harness: Harness) -> None:
    h = harness
    result = await cancel_by_mistake(h)
    assert result["text"].startswith("❌ Заявка №50001 отменена.")
    assert "«Вернуть» — в течение 10 мин." in result["text"]
    assert buttons(result) == ["↩️ Вернуть"]
    query_id = await press(h, result, "Вернуть")
    assert h.fake.callback_answers(query_id)
    assert await status(h) is Status.NEW
    after = shown(h, result)
    assert after["text"] == (
        "↩️ Отмена заявки №50001 возвращена: статус «Не обработана». Заявитель получит уведомление."
    )
    assert buttons(after) == []
    # The history keeps both, and the teacher is told of each change.
    assert await history_of(h) == [
        ("new", "cancelled", "director"),
        ("cancelled", "new", "director"),
    ]
    async with h.db() as session:
        told = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert [m.payload["type"] for m in told if m.payload["type"] == "status"] == ["status"] * 2
    # Pressed again (a double tap from an old copy): nothing more changes.
    h.fake.press(DIRECTOR, result, f"un:50001:{await last_cancel_id(h)}", strict=False)
    await h.feed(h.fake.pending_updates[-1])
    assert await status(h) is Status.NEW
    assert len(await history_of(h)) == 2


async def last_cancel_id(h: Harness) -> int:
    async with h.db() as session:
        found = await session.scalar(
            select(HistoryEntry.id).where(HistoryEntry.to_value == "cancelled")
        )
        assert found is not None
        return found


async def test_undo_after_its_window_is_refused_and_the_button_goes(harness: Harness) -> None:

    h = harness
    result = await cancel_by_mistake(h)
    async with h.db.begin() as session:
        entry = await session.get(HistoryEntry, await last_cancel_id(h))
        assert entry is not None
        await session.execute(
            update(HistoryEntry)
            .where(HistoryEntry.id == entry.id)
            .values(created_at=entry.created_at - timedelta(minutes=11))
        )
    query_id = await press(h, result, "Вернуть")
    (answer,) = h.fake.callback_answers(query_id)
    assert answer["text"] == "Вернуть заявку №50001 можно только в течение 10 мин. после отмены."
    assert await status(h) is Status.CANCELLED
    assert buttons(shown(h, result)) == []


async def test_undo_after_someone_else_acted_is_refused(harness: Harness) -> None:
    h = harness
    result = await cancel_by_mistake(h)
    async with h.db.begin() as session:
        app = await session.scalar(select(Application).where(Application.number == 50001))
        assert app is not None
        session.add(
            HistoryEntry(
                application_id=app.id,
                actor_role="system",
                channel=Channel.IMPORT,
                action=HistoryAction.GROUP,
                from_value="А",
                to_value="Б",
            )
        )
    query_id = await press(h, result, "Вернуть")
    (answer,) = h.fake.callback_answers(query_id)
    assert answer["text"] == (
        "Заявку №50001 уже изменили после отмены: сейчас «Отменена». Вернуть её нельзя."
    )
    assert await status(h) is Status.CANCELLED


async def test_no_undo_when_switched_off(harness: Harness) -> None:
    h = harness
    settings = make_settings(h.fake.base_url, undo_cancel_minutes=0)
    h.dispatcher, _ = build_dispatcher(settings, h.db)
    result = await cancel_by_mistake(h)
    assert buttons(result) == [] and "Вернуть" not in result["text"]
