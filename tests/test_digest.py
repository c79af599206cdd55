"""The daily digest: when it goes, to whom, once a day, split within Telegram's limits (§5)."""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.digest_1000 import populate
from bot.fakeapi.spec import parse_html
from bot.passes import PassesReport, run_passes
from handlers.director.callbacks import BulkAction, BulkCb, CardAction, CardCb
from handlers.render import digest as digest_render
from handlers.render.outgoing import Outgoing
from models import (
    Application,
    Base,
    Deputy,
    DigestLog,
    Organization,
    OutboxMessage,
    OutboxState,
    Person,
    Role,
    Status,
)
from models.engine import create_engine, create_sessionmaker
from services.calendar import WorkCalendar
from services.digest import Schedule, load_roster, send_digests
from tests import factories

YEKT = ZoneInfo("Asia/Yekaterinburg")
MONDAY = date(2027, 1, 11)  # the first working day after the New Year holidays
_chat_ids = itertools.count(7_000_000)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """Local time in Yekaterinburg, as the aware UTC datetime the services take."""
    return datetime.combine(day, time(hour, minute), tzinfo=YEKT).astimezone(UTC)


def make_schedule(**overrides: Any) -> Schedule:
    values: dict[str, Any] = {
        "tz": YEKT,
        "digest_at": time(9, 0),
        "quiet": (time(21, 0), time(8, 0)),
        "calendar": WorkCalendar(),
    }
    values.update(overrides)
    return Schedule(**values)


async def decider(
    session: AsyncSession,
    org: Organization,
    *,
    digest_time: str | None = None,
    quiet_hours: str | None = None,
    linked: bool = True,
) -> Person:
    person = await factories.person(
        session, org, Role.DIRECTOR, telegram_id=next(_chat_ids) if linked else None
    )
    person.digest_time = digest_time
    person.quiet_hours = quiet_hours
    await session.flush()
    return person


async def waiting(
    session: AsyncSession, org: Organization, submitted_on: date, **kwargs: Any
) -> Application:
    teacher = await factories.person(session, org, Role.TEACHER, name=kwargs.pop("name", None))
    app = await factories.application(session, teacher, **kwargs)
    app.submitted_on = submitted_on
    await session.flush()
    return app


async def school_with(
    sessionmaker: async_sessionmaker[AsyncSession], count: int = 2, **settings: Any
) -> tuple[int, list[int]]:
    """A school with a linked director and `count` new applications: (director id, app ids)."""
    async with sessionmaker.begin() as session:
        org = await factories.organization(session)
        director = await decider(session, org, **settings)
        apps = [await waiting(session, org, MONDAY - timedelta(days=7)) for _ in range(count)]
        return director.id, [app.id for app in apps]


async def rows(
    sessionmaker: async_sessionmaker[AsyncSession], method: str = "digest"
) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        found = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.method == method).order_by(OutboxMessage.id)
        )
        return list(found)


def sent(outgoing: Outgoing | None) -> tuple[str, list[list[InlineKeyboardButton]], bool]:
    """The text, the buttons and the silence of the SendMessage a scheduled message became."""
    assert outgoing is not None
    method = outgoing.method
    assert isinstance(method, SendMessage)
    markup = method.reply_markup
    buttons = markup.inline_keyboard if isinstance(markup, InlineKeyboardMarkup) else []
    return method.text, buttons, bool(method.disable_notification)


async def digest_now(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    schedule: Schedule | None = None,
    **kwargs: Any,
) -> int:
    report = await run_passes(
        sessionmaker, schedule or make_schedule(), now, remind=False, **kwargs
    )
    return report.digests.messages


async def test_digest_at_nine_on_a_monday(sqlite_sessionmaker: async_sessionmaker[AsyncSession]):
    director_id, app_ids = await school_with(sqlite_sessionmaker, 3)

    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 8, 59)) == 0
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 9, 0)) == 1

    [row] = await rows(sqlite_sessionmaker)
    assert row.key == f"digest:{director_id}:2027-01-11:1"
    assert row.person_id == director_id
    assert row.state is OutboxState.PENDING
    assert row.not_before == at(MONDAY, 9, 0)
    assert row.payload == {
        "type": "digest",
        "day": "2027-01-11",
        "part": 1,
        "parts": 1,
        "count": 3,
        "oldest": "2027-01-04",
        "ids": app_ids,
    }
    async with sqlite_sessionmaker() as session:
        logged = (await session.execute(select(DigestLog.person_id, DigestLog.day))).tuples().all()
    assert logged == [(director_id, MONDAY)]


async def test_the_digest_shows_count_age_entries_and_approve_all(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    await school_with(sqlite_sessionmaker, 2)
    await digest_now(sqlite_sessionmaker, at(MONDAY, 9, 0))
    [row] = await rows(sqlite_sessionmaker)
    async with sqlite_sessionmaker() as session:
        outgoing = await digest_render.render(
            session, row, tz=YEKT, quiet=(time(21), time(8)), now=at(MONDAY, 9, 1)
        )
        apps = (await session.scalars(select(Application).order_by(Application.id))).all()
    text, keyboard, silent = sent(outgoing)
    assert "Не обработано: <b>2</b>" in text
    assert "04.01.2027 (7 дней назад)" in text
    buttons = [row[0] for row in keyboard]
    assert [b.callback_data for b in buttons] == [
        *(CardCb(action=CardAction.OPEN, number=app.number).pack() for app in apps),
        BulkCb(action=BulkAction.ASK).pack(),
    ]
    assert buttons[-1].text == "Одобрить все"
    assert not silent
    parse_html(text)


async def test_no_digest_on_a_saturday_nor_on_a_holiday(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    await school_with(sqlite_sessionmaker)
    assert await digest_now(sqlite_sessionmaker, at(date(2027, 1, 16), 9, 30)) == 0  # Saturday
    assert await digest_now(sqlite_sessionmaker, at(date(2027, 1, 4), 9, 30)) == 0  # holiday
    assert await rows(sqlite_sessionmaker) == []
    async with sqlite_sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(DigestLog)) == 0


async def test_a_working_day_from_the_overrides_file_gets_its_digest(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    await school_with(sqlite_sessionmaker)
    saturday = date(2027, 1, 16)
    schedule = make_schedule(calendar=WorkCalendar(workdays=[saturday]))
    assert await digest_now(sqlite_sessionmaker, at(saturday, 9, 30), schedule) == 1


async def test_a_director_with_a_0730_setting(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    early, _ = await school_with(sqlite_sessionmaker, digest_time="07:30", quiet_hours="off")
    usual, _ = await school_with(sqlite_sessionmaker)

    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 7, 29)) == 0
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 7, 30)) == 1
    assert [row.person_id for row in await rows(sqlite_sessionmaker)] == [early]
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 9, 0)) == 1
    assert [row.person_id for row in await rows(sqlite_sessionmaker)] == [early, usual]


async def test_a_digest_time_inside_quiet_hours_waits_for_their_end(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    # 07:30 under the default quiet hours 21:00-08:00: the digest goes at 08:00.
    await school_with(sqlite_sessionmaker, digest_time="07:30")
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 7, 30)) == 0
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 7, 59)) == 0
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 8, 0)) == 1


async def test_nothing_is_queued_in_quiet_hours(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    await school_with(sqlite_sessionmaker, quiet_hours="08:30-12:00")
    for hour, minute in [(9, 0), (10, 0), (11, 59)]:
        assert await digest_now(sqlite_sessionmaker, at(MONDAY, hour, minute)) == 0
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 12, 0)) == 1


async def test_the_command_in_quiet_hours_makes_the_digest_due_when_they_end(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    await school_with(sqlite_sessionmaker)
    sunday_night = at(date(2027, 1, 17), 22, 15)
    assert await digest_now(sqlite_sessionmaker, sunday_night, anytime=True) == 1
    [row] = await rows(sqlite_sessionmaker)
    monday_morning = at(date(2027, 1, 18), 8, 0)
    assert row.not_before == monday_morning
    assert row.payload["day"] == "2027-01-18"  # the day it goes out: not stale then
    async with sqlite_sessionmaker() as session:
        text, _, _ = sent(
            await digest_render.render(session, row, tz=YEKT, quiet=None, now=monday_morning)
        )
    assert "18.01.2027" in text


async def test_once_a_day_and_nothing_when_nothing_waits(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    director_id, _ = await school_with(sqlite_sessionmaker)
    async with sqlite_sessionmaker.begin() as session:
        idle_school = await factories.organization(session)
        await decider(session, idle_school)
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 9, 0)) == 1
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 9, 1)) == 0
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 17, 0)) == 0
    assert [row.person_id for row in await rows(sqlite_sessionmaker)] == [director_id]
    # The next working day brings the next one.
    assert await digest_now(sqlite_sessionmaker, at(MONDAY + timedelta(days=1), 9, 0)) == 1


async def test_an_application_arriving_after_the_digest_time_waits_for_tomorrow(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    async with sqlite_sessionmaker.begin() as session:
        org = await factories.organization(session)
        await decider(session, org)
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 9, 0)) == 0
    async with sqlite_sessionmaker.begin() as session:
        await waiting(session, org, MONDAY)
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 10, 0)) == 0
    assert await digest_now(sqlite_sessionmaker, at(MONDAY + timedelta(days=1), 9, 0)) == 1


async def test_deputies_get_it_and_unlinked_directors_do_not(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    async with sqlite_sessionmaker.begin() as session:
        org = await factories.organization(session)
        director = await decider(session, org, linked=False)
        deputy = await factories.person(session, org, Role.TEACHER, telegram_id=next(_chat_ids))
        session.add(
            Deputy(
                organization_id=org.id,
                director_id=director.id,
                deputy_id=deputy.id,
                starts_on=MONDAY,
                ends_on=MONDAY + timedelta(days=4),
            )
        )
        await waiting(session, org, MONDAY - timedelta(days=1))
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 9, 0)) == 1
    assert [row.person_id for row in await rows(sqlite_sessionmaker)] == [deputy.id]


async def test_force_sends_again(sqlite_sessionmaker: async_sessionmaker[AsyncSession]):
    await school_with(sqlite_sessionmaker)
    now = at(MONDAY, 9, 0)
    assert await digest_now(sqlite_sessionmaker, now, anytime=True) == 1
    assert await digest_now(sqlite_sessionmaker, now, anytime=True) == 0
    assert await digest_now(sqlite_sessionmaker, now, anytime=True, force=True) == 1
    later = now + timedelta(seconds=1)
    assert await digest_now(sqlite_sessionmaker, later, anytime=True, force=True) == 1
    assert len(await rows(sqlite_sessionmaker)) == 3


async def test_a_stale_digest_is_not_sent_and_decided_entries_are_left_out(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    _, app_ids = await school_with(sqlite_sessionmaker, 2)
    await digest_now(sqlite_sessionmaker, at(MONDAY, 9, 0))
    [row] = await rows(sqlite_sessionmaker)
    async with sqlite_sessionmaker.begin() as session:
        first = await session.get(Application, app_ids[0])
        assert first is not None
        first.status = Status.APPROVED
    quiet = (time(21), time(8))
    async with sqlite_sessionmaker() as session:
        outgoing = await digest_render.render(
            session, row, tz=YEKT, quiet=quiet, now=at(MONDAY, 10)
        )
        _, keyboard, _ = sent(outgoing)
        assert len(keyboard) == 2  # the one still new, and «Одобрить все»
        tomorrow = at(MONDAY + timedelta(days=1), 9)
        assert await digest_render.render(session, row, tz=YEKT, quiet=quiet, now=tomorrow) is None


async def test_a_digest_of_150_applications_is_split_into_valid_messages(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    long_name = "Константинопольская-Щедрина & <Мария> " * 12
    async with sqlite_sessionmaker.begin() as session:
        org = await factories.organization(session)
        director = await decider(session, org)
        teacher = await factories.person(session, org, Role.TEACHER, name=long_name[:300])
        group = await factories.group(session, program_title=("Программа «A&B» <x> " * 40)[:1000])
        for n in range(150):
            app = await factories.application(session, teacher, grp=group, number=50_000 + n)
            app.submitted_on = MONDAY - timedelta(days=n % 20)
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 9, 0)) > 1

    parts = await rows(sqlite_sessionmaker)
    assert [row.key for row in parts] == [
        f"digest:{director.id}:2027-01-11:{i}" for i in range(1, len(parts) + 1)
    ]
    numbers: list[int] = []
    async with sqlite_sessionmaker() as session:
        for index, row in enumerate(parts, start=1):
            outgoing = await digest_render.render(
                session, row, tz=YEKT, quiet=None, now=at(MONDAY, 9, 1)
            )
            text, keyboard, _ = sent(outgoing)
            assert len(text) <= 4096
            plain, _entities = parse_html(text)  # Telegram's HTML rules, as the fake API checks
            assert plain
            assert len(keyboard) <= 100
            data = [str(b[0].callback_data) for b in keyboard]
            assert all(len(d.encode()) <= 64 for d in data)
            numbers += [CardCb.unpack(d).number for d in data if d.startswith("c:")]
            assert (data[-1] == BulkCb(action=BulkAction.ASK).pack()) is (index == len(parts))
    assert sorted(numbers) == list(range(50_000, 50_150))


async def _statements_of_a_pass(
    sessionmaker: async_sessionmaker[AsyncSession], engine: Any, day: date
) -> tuple[int, int]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with sessionmaker.begin() as session:
            schedule, now = make_schedule(), at(day, 9, 0)
            roster = await load_roster(session, schedule, now)
            report = await send_digests(session, schedule, now, roster=roster)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    return len(statements), report.messages


async def test_1000_directors_take_a_constant_number_of_statements(db_url: str):
    """The same statements for 10 directors as for 1,000 (20 applications each)."""
    engine = create_engine(db_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker.begin() as session:
            await populate(session, directors=10, per_director=20, submitted_on=MONDAY)
        few = await _statements_of_a_pass(sessionmaker, engine, MONDAY)
        async with sessionmaker.begin() as session:
            await populate(session, directors=990, per_director=20, submitted_on=MONDAY)
        many = await _statements_of_a_pass(sessionmaker, engine, MONDAY + timedelta(days=1))
    finally:
        await engine.dispose()
    assert (few[1], many[1]) == (10, 1000)
    assert few[0] == many[0] <= 15


async def test_a_broken_personal_digest_time_falls_back_to_the_default(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    await school_with(sqlite_sessionmaker, digest_time="25:99")
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 8, 59)) == 0
    assert await digest_now(sqlite_sessionmaker, at(MONDAY, 9, 0)) == 1


async def test_the_pass_commits_part_by_part_and_the_sender_is_woken_for_each(
    sqlite_url: str, sqlite_sessionmaker: async_sessionmaker[AsyncSession]
):
    directors = [(await school_with(sqlite_sessionmaker, 1))[0] for _ in range(5)]
    path = make_url(sqlite_url).database
    assert path is not None
    committed_rows: list[tuple[int, int]] = []

    def committed(report: PassesReport) -> None:
        # Told after each part's commit: another connection sees what the part queued.
        with contextlib.closing(sqlite3.connect(path)) as other:
            [(count,)] = other.execute("SELECT count(*) FROM outbox").fetchall()
        committed_rows.append((report.digests.messages, count))

    report = await run_passes(
        sqlite_sessionmaker, make_schedule(), at(MONDAY, 9, 0), batch=2, committed=committed
    )
    assert report.digests.messages == 5
    assert committed_rows == [(2, 2), (2, 4), (1, 5)]
    assert {row.person_id for row in await rows(sqlite_sessionmaker)} == set(directors)


async def test_a_pass_that_failed_halfway_is_finished_by_the_next_once(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: Any
):
    directors = [(await school_with(sqlite_sessionmaker, 1))[0] for _ in range(4)]
    calls = 0

    async def fails_on_the_second_part(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the database went away")
        return await send_digests(*args, **kwargs)

    monkeypatch.setattr("bot.passes.digest.send_digests", fails_on_the_second_part)
    with pytest.raises(RuntimeError):
        await run_passes(sqlite_sessionmaker, make_schedule(), at(MONDAY, 9, 0), batch=2)
    assert len(await rows(sqlite_sessionmaker)) == 2  # the first part stays committed
    monkeypatch.undo()
    report = await run_passes(sqlite_sessionmaker, make_schedule(), at(MONDAY, 9, 5), batch=2)
    assert report.digests.messages == 2
    queued = {row.person_id for row in await rows(sqlite_sessionmaker)}
    assert queued == set(directors) and len(await rows(sqlite_sessionmaker)) == 4
