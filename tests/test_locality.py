"""A school's own time zone and region (PRODUCT.md §8): digests, reminders, deadlines, quiet
hours, a deputy's period and the working days follow the recipient's school, not one clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.passes import run_passes
from bot.settings import Settings
from handlers.render import digest as digest_render
from handlers.render.notifications import status_notification
from handlers.render.outbox import OutboxRenderer
from handlers.render.outgoing import Deferred, Outgoing
from models import Application, Channel, Organization, OutboxMessage, Person, Role, Status, utcnow
from services import cards, deputies, outbox, workflow
from services.calendar import WorkCalendar, parse_overrides
from services.importer import ImportFailed, import_bytes
from services.locality import person_today, zone_of_person
from services.outbox import OutboxItem
from services.workflow import Actor, NotAllowed
from tests import factories
from tests.test_api import AUTH, client  # noqa: F401  (the fixture)
from tests.test_digest import MONDAY, at, decider, make_schedule, rows, waiting
from tests.test_quiet_at_delivery import window_around_now

Maker = async_sessionmaker[AsyncSession]
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")  # UTC+10: five hours ahead of Yekaterinburg
KAMCHATKA = ZoneInfo("Asia/Kamchatka")  # UTC+12


def local(zone: ZoneInfo, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


async def school(
    maker: Maker, *, zone: str | None = None, region: str | None = None, **who: Any
) -> tuple[int, int]:
    """A school of that zone and region, its linked director, one application waiting for
    three weeks: (school id, director id)."""
    async with maker.begin() as session:
        org = await factories.organization(session)
        org.timezone, org.region = zone, region
        director = await decider(session, org, **who)
        await waiting(session, org, MONDAY - timedelta(days=21))
        return org.id, director.id


async def digested(maker: Maker) -> dict[int, str]:
    """Director id → the day their digest is for."""
    return {row.person_id: row.payload["day"] for row in await rows(maker) if row.person_id}


# --- the scheduled passes --------------------------------------------------------------------


async def test_each_director_gets_the_digest_at_nine_by_their_schools_clock(
    sqlite_sessionmaker: Maker,
) -> None:
    _, yekaterinburg = await school(sqlite_sessionmaker)
    _, vladivostok = await school(sqlite_sessionmaker, zone="Asia/Vladivostok")
    schedule = make_schedule()

    # 09:00 in Vladivostok is 04:00 in Yekaterinburg.
    await run_passes(sqlite_sessionmaker, schedule, local(VLADIVOSTOK, MONDAY, 8, 59))
    assert await digested(sqlite_sessionmaker) == {}
    await run_passes(sqlite_sessionmaker, schedule, local(VLADIVOSTOK, MONDAY, 9, 0))
    assert await digested(sqlite_sessionmaker) == {vladivostok: MONDAY.isoformat()}
    await run_passes(sqlite_sessionmaker, schedule, at(MONDAY, 9, 0))
    assert await digested(sqlite_sessionmaker) == {
        vladivostok: MONDAY.isoformat(),
        yekaterinburg: MONDAY.isoformat(),
    }


async def test_a_digest_for_a_day_that_has_begun_only_at_the_school(
    sqlite_sessionmaker: Maker,
) -> None:
    """06:00 on Monday in Kamchatka is 23:00 on Sunday in Yekaterinburg: by the operator's
    clock a day off with no digest, by the school's a working Monday; and the digest is not
    dropped as stale when it goes out."""
    _, director = await school(
        sqlite_sessionmaker, zone="Asia/Kamchatka", digest_time="06:00", quiet_hours="off"
    )
    morning = local(KAMCHATKA, MONDAY, 6, 0)
    assert morning.astimezone(ZoneInfo("Asia/Yekaterinburg")).date() == MONDAY - timedelta(1)
    await run_passes(sqlite_sessionmaker, make_schedule(), morning)
    assert await digested(sqlite_sessionmaker) == {director: MONDAY.isoformat()}
    async with sqlite_sessionmaker() as session:
        (message,) = await rows(sqlite_sessionmaker)
        outgoing = await digest_render.render(
            session, message, tz=ZoneInfo("Asia/Yekaterinburg"), quiet=None, now=morning
        )
    assert isinstance(outgoing, Outgoing)


async def test_reminders_count_working_days_and_skip_days_off_by_the_schools_region(
    sqlite_sessionmaker: Maker,
) -> None:
    """A regional day off: no digest and no reminder in that region, both elsewhere."""
    overrides = parse_overrides(f"{MONDAY.isoformat()} off RU-TA\n")
    calendar = WorkCalendar(regional=overrides.regional)
    schedule = make_schedule(calendar=calendar)
    _, kazan = await school(sqlite_sessionmaker, zone="Europe/Moscow", region="RU-TA")
    _, chelyabinsk = await school(sqlite_sessionmaker, region="RU-CHE")
    await run_passes(sqlite_sessionmaker, schedule, local(ZoneInfo("Europe/Moscow"), MONDAY, 12))
    assert set(await digested(sqlite_sessionmaker)) == {chelyabinsk}
    reminded = {row.person_id for row in await rows(sqlite_sessionmaker, "reminder")}
    assert reminded == {chelyabinsk}
    assert kazan not in reminded


async def test_a_deadline_warning_counts_days_by_the_schools_date(
    sqlite_sessionmaker: Maker,
) -> None:
    """Study starting on Thursday is three days away on Monday in Kamchatka even while it is
    still Sunday (four days) in Yekaterinburg."""
    async with sqlite_sessionmaker.begin() as session:
        org = await factories.organization(session)
        org.timezone = "Asia/Kamchatka"
        director = await decider(session, org, digest_time="06:00", quiet_hours="off")
        grp = await factories.group(session)
        grp.study_start = MONDAY + timedelta(days=3)
        app = await waiting(session, org, MONDAY, grp=grp)
    schedule = make_schedule(deadline_days=3)
    await run_passes(sqlite_sessionmaker, schedule, local(KAMCHATKA, MONDAY, 6, 0))
    warned = await rows(sqlite_sessionmaker, "deadline")
    assert [(row.person_id, row.payload["ids"]) for row in warned] == [(director.id, [app.id])]


# --- delivery and what the texts say ---------------------------------------------------------


async def _person_of(maker: Maker, zone: str | None, quiet: str, chat: int) -> int:
    async with maker.begin() as session:
        org = await factories.organization(session)
        org.timezone = zone
        person = await factories.person(session, org, Role.DIRECTOR, telegram_id=chat)
        person.quiet_hours = quiet
        await session.flush()
        return person.id


async def test_quiet_hours_at_delivery_are_kept_by_the_recipients_clock(
    sqlite_sessionmaker: Maker,
) -> None:
    quiet = window_around_now("Asia/Vladivostok")  # an hour either side of now there
    far_east = await _person_of(sqlite_sessionmaker, "Asia/Vladivostok", quiet, 8811)
    urals = await _person_of(sqlite_sessionmaker, None, quiet, 8812)
    async with sqlite_sessionmaker.begin() as session:
        for person_id in (far_east, urals):
            payload = {"type": "text", "text": "-"}
            item = OutboxItem(f"d{person_id}", person_id, payload, method="digest")
            await outbox.enqueue(session, item, now=utcnow())
    render = OutboxRenderer(Settings(_env_file=None))
    async with sqlite_sessionmaker() as session:
        found = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        held, sent = [await render(session, message) for message in found]
    assert isinstance(held, Deferred)
    assert timedelta(minutes=50) < held.until - utcnow() <= timedelta(hours=1, minutes=1)
    assert isinstance(sent, Outgoing)


async def test_times_on_a_notice_are_the_schools(sqlite_sessionmaker: Maker) -> None:
    async with sqlite_sessionmaker.begin() as session:
        org = await factories.organization(session)
        org.timezone = "Asia/Vladivostok"
        director = await factories.person(session, org, Role.DIRECTOR)
        teacher = await factories.person(session, org, Role.TEACHER)
        app = await factories.application(session, teacher)
        change = await workflow.change_status(
            session,
            app.number,
            Status.APPROVED,
            Actor(director.id, Channel.BOT),
            seen=Status.NEW,
            now=datetime(2025, 3, 10, 6, 0, tzinfo=UTC),
        )
        history_id = change.history.id
    async with sqlite_sessionmaker() as session:
        loaded = await cards.load_change(session, history_id)
        assert loaded is not None
        application = await session.get_one(Application, loaded.entry.application_id)
        text = status_notification(application, loaded, ZoneInfo("Asia/Yekaterinburg"))
    assert "10.03.2025 16:00" in text  # 06:00 UTC in Vladivostok, not 11:00


# --- a deputy's period -----------------------------------------------------------------------


async def test_a_deputys_period_begins_by_the_schools_date(sqlite_sessionmaker: Maker) -> None:
    today = date(2025, 3, 10)
    async with sqlite_sessionmaker.begin() as session:
        org = await factories.organization(session)
        org.timezone = "Asia/Kamchatka"
        director = await factories.person(session, org, Role.DIRECTOR, telegram_id=7101)
        deputy = await factories.person(session, org, Role.TEACHER, telegram_id=7102)
        applicant = await factories.person(session, org, Role.TEACHER)
        app = await factories.application(session, applicant)
        early = await factories.application(session, applicant)
        tomorrow = today + timedelta(days=1)
        await deputies.name_deputy(
            session, director, deputy.id, tomorrow, tomorrow, now=local(KAMCHATKA, today, 9)
        )
    actor = Actor(deputy.id, Channel.BOT)
    async with sqlite_sessionmaker.begin() as session:
        with pytest.raises(NotAllowed):  # 23:30 of the day before, at the school
            await workflow.change_status(
                session,
                early.number,
                Status.APPROVED,
                actor,
                seen=Status.NEW,
                now=local(KAMCHATKA, today, 23, 30),
            )
    # 00:30 of the first day at the school, still the day before in Yekaterinburg.
    first_hour = local(KAMCHATKA, tomorrow, 0, 30)
    assert first_hour.astimezone(ZoneInfo("Asia/Yekaterinburg")).date() == today
    async with sqlite_sessionmaker.begin() as session:
        change = await workflow.change_status(
            session, app.number, Status.APPROVED, actor, seen=Status.NEW, now=first_hour
        )
        assert change.on_behalf_of_id == director.id


# --- the import and the API ------------------------------------------------------------------

PEOPLE = "Код;ФИО;Роль;Организация;Муниципалитет;Телефон;Часовой пояс;Регион\n"
DIRECTOR_ROW = "D-1;Петрова Анна;Руководитель ОО;СОШ № 1"


async def _import(maker: Maker, text: str) -> Any:
    async with maker.begin() as session:
        return await import_bytes(session, text.encode("utf-8"), "people.csv", now=utcnow())


async def _schools(maker: Maker) -> dict[str, tuple[str | None, str | None]]:
    async with maker() as session:
        found = await session.execute(
            select(Organization.name, Organization.timezone, Organization.region)
        )
        return {name: (zone, region) for name, zone, region in found}


async def test_the_people_import_sets_a_schools_zone_and_region(sqlite_sessionmaker: Maker) -> None:
    report = await _import(
        sqlite_sessionmaker,
        PEOPLE
        + "D-1;Петрова Анна;Руководитель ОО;СОШ № 1;Казань;;Europe/Moscow;ru-ta\n"
        + "T-1;Сидоров Иван;Слушатель;СОШ № 1;Казань;;Asia/Omsk;\n"
        + "T-2;Козлова Ольга;Слушатель;СОШ № 2;Еткуль;;;\n",
    )
    assert await _schools(sqlite_sessionmaker) == {
        "СОШ № 1": ("Europe/Moscow", "RU-TA"),
        "СОШ № 2": (None, None),
    }
    # The second row names another zone for the same school: the first row's is kept, said so.
    (warning,) = report.warnings
    assert (warning.line, warning.column, warning.value) == (3, "Часовой пояс", "Asia/Omsk")
    # A later file changes the zone; an empty cell leaves the region as it was.
    await _import(
        sqlite_sessionmaker,
        PEOPLE + "D-1;Петрова Анна;Руководитель ОО;СОШ № 1;;;Asia/Yekaterinburg;\n",
    )
    assert (await _schools(sqlite_sessionmaker))["СОШ № 1"] == ("Asia/Yekaterinburg", "RU-TA")


@pytest.mark.parametrize(
    ("zone", "region", "column"),
    [
        ("Moscow", "", "Часовой пояс"),
        ("../../etc/passwd", "", "Часовой пояс"),
        ("", "Tatarstan", "Регион"),
    ],
)
async def test_a_bad_zone_or_region_refuses_the_file(
    sqlite_sessionmaker: Maker, zone: str, region: str, column: str
) -> None:
    with pytest.raises(ImportFailed) as caught:
        await _import(
            sqlite_sessionmaker,
            PEOPLE + f"D-1;Петрова Анна;Руководитель ОО;СОШ № 1;;;{zone};{region}\n",
        )
    (error,) = caught.value.report.errors
    assert error.column == column
    assert await _schools(sqlite_sessionmaker) == {}


async def test_the_api_sets_a_schools_zone_and_region(
    client: TestClient[Any, Any],  # noqa: F811
    sessionmaker: Maker,
) -> None:
    url = "/api/v1/people/D-8"
    data = {"full_name": "Сидорова Ольга", "organization": "СОШ № 5", "roles": ["director"]}
    response = await client.put(
        url, json={**data, "timezone": "Asia/Vladivostok", "region": "ru-pri"}, headers=AUTH
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    assert (body["timezone"], body["region"]) == ("Asia/Vladivostok", "RU-PRI")
    # Left out, they stay as they were.
    body = await (await client.put(url, json=data, headers=AUTH)).json()
    assert (body["timezone"], body["region"]) == ("Asia/Vladivostok", "RU-PRI")
    for wrong, field in [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"region": "Primorye"}, "region"),
    ]:
        response = await client.put(url, json={**data, **wrong}, headers=AUTH)
        assert (response.status, (await response.json())["field"]) == (422, field)
    response = await client.put(
        url, json={"full_name": "Сидорова Ольга", "timezone": "Asia/Omsk"}, headers=AUTH
    )
    assert response.status == 422
    async with sessionmaker() as session:
        person = await session.scalar(select(Person).where(Person.code == "D-8"))
        assert person is not None and person.organization is not None
        assert person.organization.timezone == "Asia/Vladivostok"


# --- the calendar ----------------------------------------------------------------------------


def test_a_regions_lines_hold_over_the_countrys_for_its_schools_only() -> None:
    overrides = parse_overrides(
        "2027-06-16 off RU-TA   # Kurban Bayram\n2027-06-17 off\n2027-06-17 work ru-ta\n"
    )
    calendar = WorkCalendar(
        workdays=overrides.workdays, days_off=overrides.days_off, regional=overrides.regional
    )
    tatarstan = calendar.of("RU-TA")
    assert not tatarstan.is_working_day(date(2027, 6, 16))
    assert tatarstan.is_working_day(date(2027, 6, 17))
    assert calendar.is_working_day(date(2027, 6, 16))
    assert not calendar.is_working_day(date(2027, 6, 17))
    # A region with no lines of its own, or none at all, is the country's calendar itself.
    assert calendar.of("RU-CHE") is calendar
    assert calendar.of(None) is calendar
    assert calendar.of("RU-TA") is tatarstan  # built once


def test_a_region_both_off_and_working_on_one_day_names_it() -> None:
    with pytest.raises(ValueError, match="in RU-TA: 2027-06-16"):
        parse_overrides("2027-06-16 off RU-TA\n2027-06-16 work RU-TA\n")


def test_the_packages_subdivision_holidays_are_used_where_they_exist() -> None:
    """Russia has none in the package; Germany's Bavaria keeps Epiphany, Berlin does not."""
    germany = WorkCalendar(country="DE")
    epiphany = date(2027, 1, 6)  # a Wednesday
    assert germany.is_working_day(epiphany)
    assert not germany.of("DE-BY").is_working_day(epiphany)
    assert germany.of("DE-BE") is not germany  # a known subdivision gets its own calendar
    assert germany.of("DE-BE").is_working_day(epiphany)


async def test_a_deputy_gets_the_digest_from_the_first_day_of_the_period_at_the_school(
    sqlite_sessionmaker: Maker,
) -> None:
    """06:00 on Monday in Kamchatka, Sunday in Yekaterinburg: the deputy named from Monday
    already gets the school's digest."""
    async with sqlite_sessionmaker.begin() as session:
        org = await factories.organization(session)
        org.timezone = "Asia/Kamchatka"
        director = await factories.person(session, org, Role.DIRECTOR)  # not linked
        deputy = await decider(session, org, digest_time="06:00", quiet_hours="off")
        deputy.role_rows = []
        await waiting(session, org, MONDAY - timedelta(days=21))
        await deputies.name_deputy(
            session, director, deputy.id, MONDAY, MONDAY, now=local(KAMCHATKA, MONDAY, 0, 5)
        )
    await run_passes(sqlite_sessionmaker, make_schedule(), local(KAMCHATKA, MONDAY, 6, 0))
    assert await digested(sqlite_sessionmaker) == {deputy.id: MONDAY.isoformat()}


async def test_a_persons_today_is_their_schools(sqlite_sessionmaker: Maker) -> None:
    """What a director's screens call today (the lists' «сегодня», a deputy's period): 23:30
    in Kaliningrad is already tomorrow in Yekaterinburg."""
    kaliningrad, yekaterinburg = ZoneInfo("Europe/Kaliningrad"), ZoneInfo("Asia/Yekaterinburg")
    day = date(2025, 3, 10)
    late = local(kaliningrad, day, 23, 30)
    async with sqlite_sessionmaker.begin() as session:
        org = await factories.organization(session)
        org.timezone = "Europe/Kaliningrad"
        director = await factories.person(session, org, Role.DIRECTOR, telegram_id=7201)
        deputy = await factories.person(session, org, Role.TEACHER, telegram_id=7202)
        nobody = await factories.person(session, None)
        await session.refresh(director, ["organization"])
        await session.refresh(nobody, ["organization"])
        assert person_today(director, late, yekaterinburg) == day
        assert person_today(nobody, late, yekaterinburg) == day + timedelta(days=1)
        assert person_today(None, late, yekaterinburg) == day + timedelta(days=1)
        # A deputy from "today" at that moment is named by the school's day, not refused.
        named = await deputies.name_deputy(
            session,
            director,
            deputy.id,
            day,
            day,
            now=late,
            tz=zone_of_person(director, yekaterinburg),
        )
        assert named.row.starts_on == day
