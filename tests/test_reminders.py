"""Reminders, escalation to staff and deadline warnings, counted in working days (§5)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi.spec import parse_html
from bot.passes import run_passes
from handlers.render import digest as digest_render
from models import Application, Organization, OutboxMessage, ReminderLog, Role, Status
from services.digest import Schedule
from tests import factories
from tests.test_digest import YEKT, at, decider, make_schedule, sent, waiting

THURSDAY = date(2027, 1, 14)


async def remind(
    sessionmaker: async_sessionmaker[AsyncSession],
    day: date,
    hour: int = 9,
    schedule: Schedule | None = None,
    **kwargs: Any,
) -> list[OutboxMessage]:
    """Run the reminder pass at `hour` on `day`; the messages it queued."""
    async with sessionmaker() as session:
        before = await session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
    await run_passes(
        sessionmaker, schedule or make_schedule(), at(day, hour), digests=False, **kwargs
    )
    async with sessionmaker() as session:
        found = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.id > (before or 0)).order_by(OutboxMessage.id)
        )
        return list(found)


def escalations(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    return [message for message in messages if message.method == "escalation"]


async def school(
    sessionmaker: async_sessionmaker[AsyncSession],
    submitted_on: date,
    *,
    municipality: str = "Еткульский район",
    name: str | None = None,
    study_start: date | None = None,
) -> tuple[int, int]:
    """A school with a linked director and one new application: (director id, app id)."""
    async with sessionmaker.begin() as session:
        org = await factories.organization(session, name)
        org.municipality = municipality
        director = await decider(session, org)
        app = await waiting(session, org, submitted_on)
        if study_start is not None:
            app.group.study_start = study_start
        await session.flush()
        return director.id, app.id


async def test_a_reminder_after_three_working_days_counted_across_a_weekend(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    director_id, app_id = await school(sqlite_sessionmaker, THURSDAY)
    # Monday is 4 calendar days later but only 2 working days (Fri, Mon); Tuesday makes 3.
    for day in (date(2027, 1, 15), date(2027, 1, 18), date(2027, 1, 19)):
        assert await remind(sqlite_sessionmaker, day) == []

    [reminder] = await remind(sqlite_sessionmaker, date(2027, 1, 20))  # Wednesday: 4 > 3
    assert reminder.key == f"remind:{director_id}:2027-01-20:1"
    assert reminder.person_id == director_id
    assert reminder.payload["items"] == [[app_id, 4]]

    async with sqlite_sessionmaker() as session:
        app = await session.get(Application, app_id)
        assert app is not None
        text, buttons, _ = sent(
            await digest_render.render(
                session, reminder, tz=YEKT, quiet=None, now=at(date(2027, 1, 20), 9, 1)
            )
        )
    assert f"№{app.number}" in text
    assert "больше 3 рабочих дней" in text
    assert "4 раб. дн." in text
    parse_html(text)
    assert [row[0].callback_data for row in buttons] == [f"c:open:{app.number}::"]


async def test_reminders_repeat_every_two_working_days_while_new(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    _, app_id = await school(sqlite_sessionmaker, THURSDAY)
    days = {
        date(2027, 1, 20): 1,  # Wednesday: the first
        date(2027, 1, 21): 0,  # one working day since
        date(2027, 1, 22): 1,  # Friday: two
        date(2027, 1, 23): 0,  # Saturday
        date(2027, 1, 25): 0,  # Monday: one working day since Friday
        date(2027, 1, 26): 1,  # Tuesday: two
    }
    for day, expected in days.items():
        assert len(await remind(sqlite_sessionmaker, day)) == expected, day
    async with sqlite_sessionmaker.begin() as session:
        app = await session.get(Application, app_id)
        assert app is not None
        app.status = Status.APPROVED
    assert await remind(sqlite_sessionmaker, date(2027, 1, 28)) == []
    async with sqlite_sessionmaker() as session:
        told = (await session.scalars(select(ReminderLog.sent_on).order_by(ReminderLog.id))).all()
    assert told == [date(2027, 1, 20), date(2027, 1, 22), date(2027, 1, 26)]


async def test_a_reminder_waits_for_the_end_of_quiet_hours_and_runs_once_a_day(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    await school(sqlite_sessionmaker, THURSDAY)
    wednesday = date(2027, 1, 20)
    assert await remind(sqlite_sessionmaker, wednesday, hour=7) == []  # quiet until 08:00
    assert len(await remind(sqlite_sessionmaker, wednesday, hour=9)) == 1
    assert await remind(sqlite_sessionmaker, wednesday, hour=15) == []


async def test_escalation_after_seven_working_days_grouped_by_municipality_and_school(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    monday = date(2027, 1, 11)
    await school(sqlite_sessionmaker, monday, municipality="Сосновский район", name="МОУ «Б»")
    await school(sqlite_sessionmaker, monday, municipality="Аргаяшский район", name="МОУ «В»")
    await school(sqlite_sessionmaker, monday, municipality="Сосновский район", name="МОУ «А»")
    await school(sqlite_sessionmaker, date(2027, 1, 19))  # too recent to escalate
    async with sqlite_sessionmaker.begin() as session:
        staff = await factories.person(session, None, Role.STAFF, telegram_id=5_550_001)

    wednesday, thursday = date(2027, 1, 20), date(2027, 1, 21)
    assert [
        m for m in await remind(sqlite_sessionmaker, wednesday) if m.method == "escalation"
    ] == []
    queued = await remind(sqlite_sessionmaker, thursday)  # 8 working days > 7
    [escalation] = [m for m in queued if m.method == "escalation"]
    assert escalation.person_id == staff.id
    assert escalation.key == f"escalation:{staff.id}:2027-01-21:1"
    assert escalation.payload["count"] == 3

    async with sqlite_sessionmaker() as session:
        text, buttons, _ = sent(
            await digest_render.render(
                session, escalation, tz=YEKT, quiet=None, now=at(thursday, 9, 1)
            )
        )
    parse_html(text)
    assert buttons == []
    order = [
        text.index(part)
        for part in (
            "<b>Аргаяшский район</b>",
            "МОУ «В»",
            "<b>Сосновский район</b>",
            "МОУ «А»",
            "МОУ «Б»",
        )
    ]
    assert order == sorted(order)
    assert text.count("Сосновский район") == 1
    assert text.count("8 раб. дн.") == 3
    # One escalation digest a day.
    assert [
        m for m in await remind(sqlite_sessionmaker, thursday, 16) if m.method == "escalation"
    ] == []


async def test_no_escalation_on_a_day_off(sqlite_sessionmaker: async_sessionmaker[AsyncSession]):
    await school(sqlite_sessionmaker, date(2027, 1, 11))
    async with sqlite_sessionmaker.begin() as session:
        await factories.person(session, None, Role.STAFF, telegram_id=5_550_002)
    assert await remind(sqlite_sessionmaker, date(2027, 1, 23)) == []  # Saturday


async def test_the_deadline_warning_goes_once_even_on_a_day_off(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    saturday = date(2027, 1, 16)
    director_id, app_id = await school(
        sqlite_sessionmaker, saturday, study_start=saturday + timedelta(days=3)
    )
    await school(sqlite_sessionmaker, saturday, study_start=saturday + timedelta(days=4))

    [warning] = await remind(sqlite_sessionmaker, saturday)
    assert warning.method == "deadline"
    assert warning.person_id == director_id
    assert warning.payload["ids"] == [app_id]
    async with sqlite_sessionmaker() as session:
        text, _, _ = sent(
            await digest_render.render(
                session, warning, tz=YEKT, quiet=None, now=at(saturday, 9, 1)
            )
        )
    assert "начало 19.01.2027" in text
    parse_html(text)

    sunday = saturday + timedelta(days=1)
    # The other school's study now starts within 3 days: its first warning; this one's none.
    [other] = await remind(sqlite_sessionmaker, sunday)
    assert other.person_id != director_id
    assert await remind(sqlite_sessionmaker, sunday + timedelta(days=1)) == []
    assert await remind(sqlite_sessionmaker, sunday, anytime=True) == []


async def test_the_command_runs_the_pass_now_and_keeps_the_rules(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    await school(sqlite_sessionmaker, THURSDAY)
    async with sqlite_sessionmaker.begin() as session:
        await factories.person(session, None, Role.STAFF, telegram_id=5_550_003)
        assert await session.scalar(select(Organization.id)) is not None
    late_night = date(2027, 1, 30)  # a Saturday, at 23:00
    first = await remind(sqlite_sessionmaker, late_night, hour=23, anytime=True)
    assert sorted(m.method for m in first) == ["escalation", "reminder"]
    # Due when the quiet hours end, on Sunday morning.
    assert {m.not_before for m in first} == {at(late_night + timedelta(days=1), 8)}
    assert await remind(sqlite_sessionmaker, late_night, hour=23, anytime=True) == []
