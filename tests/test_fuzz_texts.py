"""Property-based fuzzing of what people type, in every conversation state (hypothesis).

Each state is entered the way a user enters it; then any text (any Unicode but lone surrogates,
up to Telegram's 4,096 characters, commands, menu words, markup, SQL, right-to-left marks) is
typed into it, a few at a time. Whatever comes: one clear answer or the next step, never
«Что-то пошло не так», nothing logged as an error, and the data either unchanged or changed
only in the way the state is for (a valid time stored, a comment recorded with its decision).
The harness (its database, its chats) lives for the whole test, across hypothesis' examples;
a state that a text ended is entered again for the next one. `FUZZ_EXAMPLES` makes runs longer.
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.fakeapi import User
from handlers.director.callbacks import CardAction, CardCb
from models import (
    Application,
    Comment,
    ConsentRecord,
    Deputy,
    HistoryEntry,
    Person,
    Role,
    Status,
)
from services.person_settings import (
    InvalidSetting,
    normalize_digest_time,
    normalize_quiet_hours,
)
from services.workflow import COMMENT_MAX_LENGTH
from tests import factories as f
from tests.dispatcher import Harness
from tests.test_deputies import DIRECTOR, local_today, period, setup_school
from tests.test_handlers_roles import linked, press

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
ODD = (
    "/start",
    "/start 12345678",
    "/cancel",
    "/settings",
    "/forget",
    "25:00",
    "7:05",
    "21:00–08:00",
    "выкл",
    "📋 Заявки",
    "⚙️ Настройки",
    "Без комментария",
    "да",
    "<b>жирный</b> & <i>",
    "'; DROP TABLE applications; --",
    "\u202eабв",
    "🙂" * 40,
    "x" * 4096,
    "Смирнова",
    "спасибо",
    str(2**64),
    "01.01.2020-01.01.2030",
)
TEXT = st.one_of(
    st.sampled_from(ODD),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=300).filter(
        lambda text: text.strip() != ""
    ),
)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
GENERIC_ERROR = "Что-то пошло не так"


# What each test prepared once for its harness, which lives across hypothesis' examples.
_PREPARED: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


async def _once(h: Harness, prepare: Callable[[], Awaitable[Any]]) -> Any:
    if h.fake not in _PREPARED:
        _PREPARED[h.fake] = await prepare()
    return _PREPARED[h.fake]


def _key(h: Harness, user: User) -> StorageKey:
    return StorageKey(bot_id=h.bot.id, chat_id=user.id, user_id=user.id)


async def _type(
    h: Harness, user: User, texts: list[str], enter: Callable[[], Awaitable[None]], state: str
) -> None:
    """Type each text into `state`, entering it first whenever it was left."""
    for text in texts:
        if await h.dispatcher.fsm.storage.get_state(_key(h, user)) != state:
            await enter()
            assert await h.dispatcher.fsm.storage.get_state(_key(h, user)) == state
        await _say(h, user, text)


async def _say(h: Harness, user: User, text: str) -> None:
    """The user writes `text`: some answer comes, and it is not the generic error."""
    mark = h.fake.mark()
    await h.feed(h.fake.send_text(user, text))
    said = [c.params.get("text", "") for c in h.fake.calls[mark:] if c.ok]
    assert said, f"no answer to {text!r}"
    assert not any(GENERIC_ERROR in str(t) for t in said), (text, said)


def _no_errors(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


async def _count(h: Harness, model: type[Any]) -> int:
    async with h.db() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _settings_state(h: Harness, user: User, button: str) -> Callable[[], Awaitable[None]]:
    async def enter() -> None:
        mark = h.fake.mark()
        await h.feed(h.fake.send_command(user, "/settings"))
        screen = await h.fake.wait_for_message(user.id, "Настройки уведомлений", since=mark)
        await press(h, user, screen, button)

    return enter


USER = User(id=6201, first_name="Мария")


@pytest.mark.parametrize(
    ("button", "state", "column", "normalize"),
    [
        ("Время сводки", "SettingsInput:digest_time", "digest_time", normalize_digest_time),
        ("Тихие часы", "SettingsInput:quiet_hours", "quiet_hours", normalize_quiet_hours),
    ],
)
@FUZZ
@given(texts=st.lists(TEXT, min_size=1, max_size=4))
async def test_any_text_as_a_setting_is_stored_valid_or_refused(
    harness: Harness,
    caplog: pytest.LogCaptureFixture,
    button: str,
    state: str,
    column: str,
    normalize: Callable[[str], str],
    texts: list[str],
) -> None:
    h = harness
    person_id = await _once(h, lambda: linked(h, USER, Role.DIRECTOR))
    with caplog.at_level(logging.WARNING):
        await _type(h, USER, texts, _settings_state(h, USER, button), state)
    _no_errors(caplog)
    async with h.db() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        stored = getattr(person, column)
    if stored is not None:
        try:
            assert normalize(stored) == stored  # only a valid value is ever stored
        except InvalidSetting:
            pytest.fail(f"{column} = {stored!r} was stored")


@FUZZ
@given(texts=st.lists(st.one_of(TEXT, st.just("VALID")), min_size=1, max_size=4))
async def test_any_text_as_a_deputys_period_names_nobody(
    harness: Harness, caplog: pytest.LogCaptureFixture, texts: list[str]
) -> None:
    h = harness
    await _once(h, lambda: setup_school(h))
    today = local_today()

    async def enter() -> None:
        mark = h.fake.mark()
        await h.feed(h.fake.send_text(DIRECTOR, "👥 Заместитель"))
        screen = await h.fake.wait_for_message(DIRECTOR.id, since=mark)
        await press(h, DIRECTOR, screen, "Назначить заместителя")
        await press(h, DIRECTOR, screen, "Иванова Мария Сергеевна")

    with caplog.at_level(logging.WARNING):
        # A valid period only leads to the confirmation: nobody is named without its button.
        for text in texts:
            state = await h.dispatcher.fsm.storage.get_state(_key(h, DIRECTOR))
            if state == "DeputyInput:confirm":
                await h.feed(h.fake.send_command(DIRECTOR, "/cancel"))
            valid = period(today, today + timedelta(days=6))
            await _type(
                h, DIRECTOR, [valid if text == "VALID" else text], enter, "DeputyInput:period"
            )
    _no_errors(caplog)
    assert await _count(h, Deputy) == 0


CARD_DIRECTOR = User(id=6301, first_name="Ольга")


async def _cards_to_cancel(h: Harness) -> list[int]:
    async with h.db.begin() as session:
        school = await f.organization(session)
        await f.person(session, school, Role.DIRECTOR, telegram_id=CARD_DIRECTOR.id)
        teacher = await f.person(session, school, Role.TEACHER)
        numbers = [
            (await f.application(session, teacher, number=71000 + i)).number for i in range(80)
        ]
        session.add(ConsentRecord(telegram_id=CARD_DIRECTOR.id, version="2024-1"))
    h.fake.register_user(CARD_DIRECTOR)
    return numbers


@FUZZ
@given(texts=st.lists(TEXT, min_size=1, max_size=3))
async def test_any_text_as_a_cancellation_reason_is_recorded_whole_or_refused(
    harness: Harness, caplog: pytest.LogCaptureFixture, texts: list[str]
) -> None:
    h = harness
    waiting = await _once(h, lambda: _cards_to_cancel(h))

    async def enter() -> None:
        number = waiting.pop(0)
        card = await h.bot.send_message(CARD_DIRECTOR.id, f"Заявка №{number}")
        data = CardCb(action=CardAction.CANCEL, number=number, seen="n").pack()
        h.fake.press(CARD_DIRECTOR, card.message_id, data, strict=False)
        await h.feed(h.fake.pending_updates[-1])

    with caplog.at_level(logging.WARNING):
        await _type(h, CARD_DIRECTOR, texts, enter, "Decide:comment")
    _no_errors(caplog)
    async with h.db() as session:
        apps = (await session.scalars(select(Application))).all()
        comments = (await session.scalars(select(Comment))).all()
        history = (await session.scalars(select(HistoryEntry))).all()
    assert {app.status for app in apps} <= {Status.NEW, Status.CANCELLED}
    cancelled = {app.id for app in apps if app.status is Status.CANCELLED}
    assert sorted(entry.application_id for entry in history) == sorted(cancelled)
    # Every cancellation carries its reason, whole and within the limit.
    assert all(0 < len(c.text) <= COMMENT_MAX_LENGTH for c in comments)
    assert {c.application_id for c in comments} == cancelled


STRANGER = User(id=6401, first_name="Незнакомец")


async def _a_school_nobody_linked(h: Harness) -> None:
    async with h.db.begin() as session:
        school = await f.organization(session)
        await f.person(session, school, Role.TEACHER)
    h.fake.register_user(STRANGER)


@FUZZ
@given(texts=st.lists(TEXT, min_size=1, max_size=4))
async def test_any_text_from_someone_not_linked_links_nobody(
    harness: Harness, caplog: pytest.LogCaptureFixture, texts: list[str]
) -> None:
    h = harness
    await _once(h, lambda: _a_school_nobody_linked(h))
    with caplog.at_level(logging.WARNING):
        for text in texts:
            await _say(h, STRANGER, text)
    _no_errors(caplog)
    async with h.db() as session:
        linked_people = await session.scalar(
            select(func.count()).select_from(Person).where(Person.telegram_id.is_not(None))
        )
    assert linked_people == 0
