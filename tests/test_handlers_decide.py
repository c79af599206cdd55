"""Dispatcher-level tests of the card buttons and the comment prompt."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select

from bot.fakeapi import User
from handlers.director.callbacks import CardAction, CardCb
from models import Application, Kind, Role, Status
from tests import factories as f
from tests.dispatcher import Harness

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
    from models import OutboxMessage

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
