"""Dispatcher-level tests of the teacher's screens: «Мои заявки», the card, withdrawal, replies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select

from bot.fakeapi import User
from handlers import texts
from handlers.director.callbacks import status_code
from handlers.teacher.keyboards import MyAction, MyCb, reply_keyboard
from models import (
    Application,
    CardMessage,
    Channel,
    Comment,
    ConsentRecord,
    HistoryEntry,
    OutboxMessage,
    Person,
    Role,
    Status,
)
from services import workflow
from services.workflow import Actor
from tests import factories as f
from tests.dispatcher import Harness

TEACHER = User(id=5001, first_name="Мария")
OTHER_TEACHER = User(id=5002, first_name="Андрей")
DIRECTOR = User(id=5003, first_name="Ольга")


@dataclass
class School:
    teacher_id: int
    other_id: int
    director_id: int
    numbers: list[int]


async def setup(h: Harness, statuses: list[Status] | None = None) -> School:
    """A school with a director and two teachers; the first teacher's applications, numbered
    60001... and submitted a day apart (the last one newest), plus one of the other teacher."""
    async with h.db.begin() as session:
        school = await f.organization(session)
        director = await f.person(
            session, school, Role.DIRECTOR, name="Смирнова Ольга", telegram_id=DIRECTOR.id
        )
        mine = await f.person(
            session, school, Role.TEACHER, name="Иванова Мария", telegram_id=TEACHER.id
        )
        other = await f.person(session, school, Role.TEACHER, telegram_id=OTHER_TEACHER.id)
        numbers = []
        for i, status in enumerate(statuses or [Status.NEW]):
            grp = await f.group(session, f"Программа <{i + 1}> & Ко")
            app = await f.application(session, mine, status=status, grp=grp, number=60001 + i)
            app.submitted_on = date(2024, 11, 1 + i)
            numbers.append(app.number)
        await f.application(session, other, number=69999)
        for user in (TEACHER, OTHER_TEACHER, DIRECTOR):
            session.add(ConsentRecord(telegram_id=user.id, version="2024-1"))
    for user in (TEACHER, OTHER_TEACHER, DIRECTOR):
        h.fake.register_user(user)
    return School(mine.id, other.id, director.id, numbers)


async def my(h: Harness, user: User = TEACHER) -> dict[str, Any]:
    mark = h.fake.mark()
    await h.feed(h.fake.send_command(user, "/my"))
    return await h.fake.wait_for_message(user.id, since=mark)


async def press(h: Harness, message: dict[str, Any] | int, text: str, user: User = TEACHER) -> Any:
    """Press a button by its text; the one answer the callback got."""
    query_id = h.fake.press_button(user, message, text)
    await h.feed(h.fake.pending_updates[-1])
    answers = h.fake.callback_answers(query_id)
    assert len(answers) == 1, answers
    return answers[0]


async def press_data(h: Harness, message: dict[str, Any] | int, data: str, user: User) -> Any:
    """Press whatever callback data (a forged or an old button); the one answer it got."""
    query_id = h.fake.press(user, message, data, strict=False)
    await h.feed(h.fake.pending_updates[-1])
    answers = h.fake.callback_answers(query_id)
    assert len(answers) == 1, answers
    return answers[0]


async def say(
    h: Harness, text: str, user: User = TEACHER, *, methods: tuple[str, ...] = ("sendMessage",)
) -> dict[str, Any]:
    """The user writes; the first message the bot sends them after that."""
    mark = h.fake.mark()
    await h.feed(h.fake.send_text(user, text))
    return await h.fake.wait_for_message(user.id, since=mark, timeout=2, methods=methods)


async def send_sticker(h: Harness, user: User = TEACHER) -> dict[str, Any]:
    """The user sends a sticker; the first message the bot sends them after that."""
    update = h.fake.inject_update(
        "message",
        {
            "message_id": 999,
            "date": 1_700_000_000,
            "chat": user.chat_dict(),
            "from": user.to_dict(),
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
    return await h.fake.wait_for_message(user.id, since=mark, timeout=2)


def shown(h: Harness, message: dict[str, Any], user: User = TEACHER) -> dict[str, Any]:
    """The message as the user sees it now (after edits)."""
    return next(m for m in h.fake.messages(user.id) if m["message_id"] == message["message_id"])


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def state_of(h: Harness, user: User = TEACHER) -> str | None:
    key = StorageKey(bot_id=h.bot.id, chat_id=user.id, user_id=user.id)
    return await h.dispatcher.fsm.storage.get_state(key)


async def status(h: Harness, number: int) -> Status:
    async with h.db() as session:
        app = await session.scalar(select(Application).where(Application.number == number))
        assert app is not None
        return app.status


async def rows(h: Harness, model: Any) -> list[Any]:
    async with h.db() as session:
        return list((await session.scalars(select(model).order_by(model.id))).all())


# --- the list -------------------------------------------------------------------------------


async def test_my_lists_own_applications_newest_first_with_statuses(harness: Harness) -> None:
    h = harness
    await setup(h, [Status.NEW, Status.APPROVED, Status.CANCELLED, Status.INCLUDED])
    listing = await my(h)
    text = listing["text"]
    assert "Мои заявки — 4" in text
    order = [text.index(f"№{n}") for n in (60004, 60003, 60002, 60001)]
    assert order == sorted(order)
    for label in ("Включен в группу", "Отменена", "Подтверждена руководителем ОО", "Не обработана"):
        assert label in text
    assert "Программа <4> & Ко" in text  # escaped on the way, shown as written
    assert "69999" not in text  # another teacher's application
    assert [b.split(" · ")[0] for b in buttons(listing)] == [
        "🎓 №60004",
        "❌ №60003",
        "✅ №60002",
        "🕓 №60001",
    ]


async def test_menu_button_opens_the_list(harness: Harness) -> None:
    h = harness
    await setup(h)
    listing = await say(h, texts.BTN_MENU_MY)
    assert "Мои заявки — 1" in listing["text"] and buttons(listing)[0].startswith("🕓 №60001")


async def test_a_director_who_is_also_a_listener_gets_her_own_list(harness: Harness) -> None:
    # Her free text is a surname search in «Заявки»: the menu button must reach this router first.
    h = harness
    school = await setup(h)
    async with h.db.begin() as session:
        director = await session.get(Person, school.director_id)
        assert director is not None
        await f.application(session, director, number=61000)
    listing = await say(h, texts.BTN_MENU_MY, DIRECTOR)
    assert "Мои заявки — 1" in listing["text"] and "№61000" in listing["text"]
    assert "60001" not in listing["text"]


async def test_no_applications_says_so(harness: Harness) -> None:
    h = harness
    await setup(h)
    listing = await my(h, DIRECTOR)
    assert listing["text"] == texts.MY_EMPTY
    assert buttons(listing) == []


async def test_pages_of_ten_turn_in_place(harness: Harness) -> None:
    h = harness
    await setup(h, [Status.NEW] * 23)
    async with h.db.begin() as session:
        for app in (await session.scalars(select(Application))).all():
            app.group.program.title = f"{app.number} " + "Очень длинное название программы " * 30
    listing = await my(h)
    assert "Страница 1 из 3" in listing["text"] and len(listing["text"]) <= 4096
    assert len(buttons(listing)) == 11 and buttons(listing)[-1] == "›"
    assert buttons(listing)[0].startswith("🕓 №60023")

    await press(h, listing, "›")
    page = shown(h, listing)
    assert "Страница 2 из 3" in page["text"] and "11. 🕓 <b>№60013</b>" not in page["text"]
    assert buttons(page)[0].startswith("🕓 №60013") and buttons(page)[-2:] == ["‹", "›"]
    await press(h, listing, "›")
    page = shown(h, listing)
    assert "Страница 3 из 3" in page["text"]
    assert [b.split(" · ")[0] for b in buttons(page)] == [
        "🕓 №60003",
        "🕓 №60002",
        "🕓 №60001",
        "‹",
    ]
    await press(h, listing, "‹")
    assert "Страница 2 из 3" in shown(h, listing)["text"]
    # Everything happened in the one message; a forged page far away shows the last one.
    assert len(h.fake.messages(TEACHER.id)) == 1
    await press_data(h, listing, "my:l:0:99::", TEACHER)
    assert "Страница 3 из 3" in shown(h, listing)["text"]


# --- the card -------------------------------------------------------------------------------


async def test_card_opens_in_place_with_tabs_and_goes_back(harness: Harness) -> None:
    h = harness
    await setup(h, [Status.NEW, Status.CANCELLED])
    listing = await my(h)
    await press(h, listing, "№60001")
    card = shown(h, listing)
    assert "Заявка №60001" in card["text"] and "Программа <1> & Ко" in card["text"]
    assert "Заявка №60001 · Не обработана · Сведения о заявке" in card["text"]
    assert buttons(card) == [
        "• Сведения о заявке",
        "Комментарии",
        "История действий",
        "Отозвать заявку",
        "Назад",
    ]
    remembered = await rows(h, CardMessage)
    assert [(c.chat_id, c.message_id, c.note) for c in remembered] == [
        (TEACHER.id, listing["message_id"], "teacher")
    ]

    await press(h, listing, "История действий")
    assert "· История действий" in shown(h, listing)["text"]
    assert buttons(shown(h, listing))[:3] == [
        "Сведения о заявке",
        "Комментарии",
        "• История действий",
    ]
    await press(h, listing, "Комментарии")
    assert "Комментариев пока нет" in shown(h, listing)["text"]

    await press(h, listing, "Назад")
    back = shown(h, listing)
    assert "Мои заявки — 2" in back["text"]
    # The message is a list again: a later change must not turn it back into the card.
    assert await rows(h, CardMessage) == []

    await press(h, listing, "№60002")
    cancelled = shown(h, listing)
    assert "Отменена" in cancelled["text"]
    assert buttons(cancelled) == [
        "• Сведения о заявке",
        "Комментарии",
        "История действий",
        "Назад",
    ]


async def test_history_shows_who_when_what_and_through_which_channel(harness: Harness) -> None:
    h = harness
    school = await setup(h)
    async with h.db.begin() as session:
        await workflow.change_status(
            session,
            60001,
            Status.APPROVED,
            Actor(school.director_id, Channel.BOT),
            seen=Status.NEW,
            comment="Ждём вас",
        )
    listing = await my(h)
    assert "Подтверждена руководителем ОО" in listing["text"]
    await press(h, listing, "№60001")
    await press(h, listing, "История действий")
    history = shown(h, listing)["text"]
    assert "«Не обработана» → «Подтверждена руководителем ОО»" in history
    assert "Смирнова Ольга (руководитель ОО) (бот)" in history
    assert "«Ждём вас»" in history
    await press(h, listing, "Комментарии")
    assert "Ждём вас" in shown(h, listing)["text"]


# --- withdrawal -----------------------------------------------------------------------------


async def open_card(h: Harness, number: int = 60001) -> dict[str, Any]:
    listing = await my(h)
    await press(h, listing, f"№{number}")
    return listing


async def test_withdraw_with_a_reason(harness: Harness) -> None:
    h = harness
    school = await setup(h, [Status.APPROVED])
    card = await open_card(h)
    # «Отозвать заявку» opens the reason prompt at once: it is the confirmation.
    await press(h, card, "Отозвать заявку")
    prompt = shown(h, card)
    assert "Отозвать заявку №60001?" in prompt["text"]
    assert "Программа <1> & Ко" in prompt["text"]
    assert "нельзя восстановить" in prompt["text"]
    assert "Напишите причину" in prompt["text"]
    assert "Вы уверены" not in prompt["text"]
    assert buttons(prompt) == ["Без комментария", "Назад"]
    assert await state_of(h) == "Withdraw:reason"
    assert await status(h, 60001) is Status.APPROVED

    done = await say(h, "Переезжаю <в другой город>")
    assert "Заявка №60001 отозвана" in done["text"]
    assert await status(h, 60001) is Status.CANCELLED
    assert await state_of(h) is None
    after = shown(h, card)
    assert "Отменена" in after["text"] and "Переезжаю <в другой город>" in after["text"]
    assert "Отозвать заявку" not in buttons(after)

    [entry] = [e for e in await rows(h, HistoryEntry) if e.action == "status"]
    assert (entry.actor_id, entry.actor_role, entry.channel, entry.comment) == (
        school.teacher_id,
        "teacher",
        Channel.BOT,
        "Переезжаю <в другой город>",
    )
    # The director is told and the card is refreshed; the teacher gets no «Решение» of their
    # own withdrawal: the prompt they answered already says it is done.
    queued = {(m.person_id, m.payload["type"]) for m in await rows(h, OutboxMessage)}
    assert (school.director_id, "status") in queued
    assert (None, "refresh") in queued
    assert (school.teacher_id, "status") not in queued


async def test_withdraw_without_a_comment(harness: Harness) -> None:
    h = harness
    await setup(h, [Status.INCLUDED])
    card = await open_card(h)
    await press(h, card, "Отозвать заявку")
    answer = await press(h, card, "Без комментария")
    assert "отозвана" in answer["text"] and not answer.get("show_alert")
    assert await status(h, 60001) is Status.CANCELLED
    [entry] = [e for e in await rows(h, HistoryEntry) if e.action == "status"]
    assert (entry.from_value, entry.to_value, entry.comment) == ("included", "cancelled", None)
    assert "Отменена" in shown(h, card)["text"]


async def test_withdrawing_takes_three_taps_from_the_list(harness: Harness) -> None:
    h = harness
    school = await setup(h)
    listing = await my(h)
    taps = 0
    for label in ("№60001", "Отозвать заявку", "Без комментария"):
        answer = await press(h, listing, label)
        taps += 1
    assert taps == 3
    assert await status(h, 60001) is Status.CANCELLED
    assert "Заявка №60001 отозвана" in answer["text"]
    assert "Отменена · Сведения о заявке" in shown(h, listing)["text"]
    queued = {(m.person_id, m.payload["type"]) for m in await rows(h, OutboxMessage)}
    assert (school.director_id, "status") in queued
    assert (school.teacher_id, "status") not in queued


async def test_an_old_confirm_button_opens_the_reason_prompt(harness: Harness) -> None:
    h = harness
    await setup(h)
    card = await open_card(h)
    old = MyCb(action=MyAction.CONFIRM, number=60001, seen=status_code(Status.NEW)).pack()
    await press_data(h, card, old, TEACHER)
    assert buttons(shown(h, card)) == ["Без комментария", "Назад"]
    assert await state_of(h) == "Withdraw:reason"
    assert await status(h, 60001) is Status.NEW


async def test_back_from_the_reason_prompt_changes_nothing(
    harness: Harness,
) -> None:
    h = harness
    await setup(h)
    card = await open_card(h)
    await press(h, card, "Отозвать заявку")
    await press(h, card, "Назад")
    assert buttons(shown(h, card))[-2:] == ["Отозвать заявку", "Назад"]
    assert await state_of(h) is None
    assert "Заявка №60001" in shown(h, card)["text"]
    # What the teacher types now is not a reason for a withdrawal they left.
    await say(h, "просто текст")
    assert await status(h, 60001) is Status.NEW
    assert [e for e in await rows(h, HistoryEntry) if e.action == "status"] == []


async def test_a_too_long_reason_is_asked_again(harness: Harness) -> None:
    h = harness
    await setup(h)
    card = await open_card(h)
    await press(h, card, "Отозвать заявку")
    reply = await say(h, "x" * 1001)
    assert "длиннее 1000" in reply["text"]
    assert await status(h, 60001) is Status.NEW
    assert await state_of(h) == "Withdraw:reason"
    answer = await send_sticker(h)
    assert "причину текстом" in answer["text"]
    await say(h, "x" * 1000)
    assert await status(h, 60001) is Status.CANCELLED


async def test_cancel_command_leaves_the_reason_prompt(harness: Harness) -> None:
    h = harness
    await setup(h)
    card = await open_card(h)
    await press(h, card, "Отозвать заявку")
    mark = h.fake.mark()
    await h.feed(h.fake.send_command(TEACHER, "/cancel"))
    await h.fake.wait_for_message(TEACHER.id, "Ввод отменён", since=mark, timeout=2)
    assert await state_of(h) is None
    answer = await press(h, card, "Без комментария")
    assert answer.get("show_alert") is True and "устарела" in answer["text"]
    assert await status(h, 60001) is Status.NEW


async def test_my_leaves_the_reason_prompt(harness: Harness) -> None:
    h = harness
    await setup(h)
    card = await open_card(h)
    await press(h, card, "Отозвать заявку")
    await my(h)
    assert await state_of(h) is None
    assert await status(h, 60001) is Status.NEW


async def test_a_withdrawal_stale_at_the_press_alerts_and_refreshes(harness: Harness) -> None:
    h = harness
    school = await setup(h)
    card = await open_card(h)
    async with h.db.begin() as session:
        await workflow.change_status(
            session, 60001, Status.APPROVED, Actor(school.director_id, Channel.BOT), seen=Status.NEW
        )
    answer = await press(h, card, "Отозвать заявку")
    assert answer.get("show_alert") is True
    assert "уже в статусе «Подтверждена руководителем ОО»" in answer["text"]
    refreshed = shown(h, card)
    assert "Подтверждена руководителем ОО" in refreshed["text"]
    assert "Отозвать заявку" in buttons(refreshed)  # approved may still be withdrawn
    assert await status(h, 60001) is Status.APPROVED
    assert await state_of(h) is None


async def test_a_withdrawal_stale_at_the_reason_changes_nothing(harness: Harness) -> None:
    h = harness
    school = await setup(h)
    card = await open_card(h)
    await press(h, card, "Отозвать заявку")
    async with h.db.begin() as session:
        await workflow.change_status(
            session, 60001, Status.APPROVED, Actor(school.director_id, Channel.BOT), seen=Status.NEW
        )
    reply = await say(h, "Передумала")
    assert "уже в статусе «Подтверждена руководителем ОО»" in reply["text"]
    assert await status(h, 60001) is Status.APPROVED
    changes = [e for e in await rows(h, HistoryEntry) if e.action == "status"]
    assert [(e.actor_id, e.to_value) for e in changes] == [(school.director_id, "approved")]
    assert "Подтверждена руководителем ОО" in shown(h, card)["text"]


async def test_forged_presses_on_someone_elses_application_change_nothing(
    harness: Harness,
) -> None:
    h = harness
    await setup(h)
    async with h.db.begin() as session:
        app = await workflow.get_application(session, 60001)
        comment = Comment(application_id=app.id, author_id=None, text="Комментарий")
        session.add(comment)
        await session.flush()
        comment_id = comment.id
    # The school's director may cancel it as a director, but not through the teacher's screen.
    for user in (OTHER_TEACHER, DIRECTOR):
        listing = await my(h, user)
        for data in (
            "my:o:60001:0::",
            "my:t:60001:0::h",
            "my:w:60001:0:n:",
            "my:wy:60001:0:n:",
            f"r:60001:{comment_id}",
        ):
            answer = await press_data(h, listing, data, user)
            assert answer.get("show_alert") is True, data
            # One error handler words the refusal, naming the application refused.
            assert "нет прав на это действие с заявкой №60001" in answer["text"], data
            assert await state_of(h, user) is None
    answer = await press_data(h, listing, "my:o:12345:0::", DIRECTOR)
    assert "Заявка №12345 не найдена" in answer["text"]
    answer = await press_data(h, listing, "my:zz:60001:0::", DIRECTOR)
    assert answer.get("show_alert") is True and "устарела" in answer["text"]
    assert await status(h, 60001) is Status.NEW
    assert await rows(h, HistoryEntry) == []
    assert await rows(h, CardMessage) == []
    assert len(await rows(h, Comment)) == 1


async def test_a_forged_status_in_the_button_is_refused(harness: Harness) -> None:
    h = harness
    await setup(h)
    card = await open_card(h)
    for data in ("my:wy:60001:0:x:", "my:wy:60001:0:a:"):
        answer = await press_data(h, card, data, TEACHER)
        assert (
            answer.get("show_alert") is True and "уже в статусе «Не обработана»" in answer["text"]
        )
    assert await state_of(h) is None
    assert await status(h, 60001) is Status.NEW


async def test_an_outsiders_forged_press_learns_nothing_of_the_application(
    harness: Harness,
) -> None:
    """Authority is checked before the status: another school's teacher pressing a forged
    button with a stale status is not told the application's status."""
    h = harness
    await setup(h)
    listing = await my(h, OTHER_TEACHER)
    for data in ("my:wy:60001:0:x:", "my:wy:60001:0:a:", "my:wy:60001:0:n:"):
        answer = await press_data(h, listing, data, OTHER_TEACHER)
        assert answer.get("show_alert") is True, data
        assert "нет прав на это действие с заявкой №60001" in answer["text"], data
        assert "статус" not in answer["text"] and "Не обработана" not in answer["text"], data
    assert await status(h, 60001) is Status.NEW
    assert await rows(h, HistoryEntry) == []


async def test_a_press_with_an_integer_beyond_64_bits_is_an_outdated_button(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    await setup(h)
    listing = await my(h)
    huge = 2**64
    for data in (f"my:o:{huge}:0::", f"my:o:60001:{huge}::", f"r:60001:{huge}", f"c:ok:{huge}:n:"):
        answer = await press_data(h, listing, data, TEACHER)
        assert answer.get("show_alert") is True and "устарела" in answer["text"], data
    assert "OverflowError" not in caplog.text and "Traceback" not in caplog.text
    assert await status(h, 60001) is Status.NEW


# --- a reply to a comment -------------------------------------------------------------------


async def director_comment(h: Harness, school: School, text: str = "Принесите диплом") -> int:
    async with h.db.begin() as session:
        comment = await workflow.add_comment(
            session, 60001, Actor(school.director_id, Channel.BOT), text
        )
        return comment.id


async def notification(h: Harness, comment_id: int) -> dict[str, Any]:
    """The teacher's notification of the comment, with «Ответить» under it."""
    sent = await h.bot.send_message(
        TEACHER.id, "💬 Комментарий к заявке №60001", reply_markup=reply_keyboard(60001, comment_id)
    )
    return sent.model_dump(mode="json", exclude_none=True)


async def test_reply_becomes_a_comment_for_the_director(harness: Harness) -> None:
    h = harness
    school = await setup(h)
    comment_id = await director_comment(h, school, "Принесите <диплом>")
    told = await notification(h, comment_id)
    await press(h, told, "Ответить")
    prompt = h.fake.last_message(TEACHER.id)
    assert prompt is not None and prompt["text"].startswith("Напишите ответ")
    assert "Смирнова Ольга: «Принесите <диплом>»" in prompt["text"]
    assert buttons(prompt) == ["Назад"]
    assert await state_of(h) == "ReplyComment:text"

    await say(h, "Хорошо, принесу & <покажу>", methods=("editMessageText",))
    assert await state_of(h) is None
    assert "Ответ по заявке №60001 отправлен" in shown(h, prompt)["text"]
    assert buttons(shown(h, prompt)) == []
    replies = [c for c in await rows(h, Comment) if c.reply_to_id is not None]
    assert [(c.text, c.author_id, c.reply_to_id) for c in replies] == [
        ("Хорошо, принесу & <покажу>", school.teacher_id, comment_id)
    ]
    queued = [(m.person_id, m.payload["type"]) for m in await rows(h, OutboxMessage)]
    assert (school.director_id, "comment") in queued
    card = await open_card(h)
    await press(h, card, "Комментарии")
    assert "Хорошо, принесу & <покажу>" in shown(h, card)["text"]


async def test_reply_too_long_then_cancel(harness: Harness) -> None:
    h = harness
    school = await setup(h)
    told = await notification(h, await director_comment(h, school))
    await press(h, told, "Ответить")
    answer = await say(h, "я" * 1001)
    assert "длиннее 1000" in answer["text"]
    assert await state_of(h) == "ReplyComment:text"
    mark = h.fake.mark()
    await h.feed(h.fake.send_command(TEACHER, "/cancel"))
    await h.fake.wait_for_message(TEACHER.id, "Ввод отменён", since=mark, timeout=2)
    assert await state_of(h) is None
    assert len(await rows(h, Comment)) == 1


async def test_reply_back_and_not_text(harness: Harness) -> None:
    h = harness
    school = await setup(h)
    told = await notification(h, await director_comment(h, school))
    await press(h, told, "Ответить")
    prompt = h.fake.last_message(TEACHER.id)
    assert prompt is not None
    answer = await send_sticker(h)
    assert "ответ текстом" in answer["text"]
    assert await state_of(h) == "ReplyComment:text"
    await press(h, prompt, "Назад")
    assert await state_of(h) is None
    assert "не отправлен" in shown(h, prompt)["text"]
    # The prompt's old «Назад» is only an alert now.
    answer = await press_data(h, prompt, "my:rb:60001:0::", TEACHER)
    assert answer.get("show_alert") is True
    assert len(await rows(h, Comment)) == 1


async def test_reply_to_a_comment_of_another_application_is_refused(harness: Harness) -> None:
    h = harness
    await setup(h)
    async with h.db.begin() as session:
        other = await workflow.get_application(session, 69999)
        foreign = Comment(application_id=other.id, author_id=None, text="чужой")
        session.add(foreign)
        await session.flush()
        foreign_id = foreign.id
    listing = await my(h)
    answer = await press_data(h, listing, f"r:60001:{foreign_id}", TEACHER)
    assert answer.get("show_alert") is True and "нет прав" in answer["text"]
    assert await state_of(h) is None
