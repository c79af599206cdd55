"""Deputies (PRODUCT.md §4.2): the service on SQLite and PostgreSQL, and /deputy through the
dispatcher."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import User
from handlers.render.card_tabs import tab_text
from models import (
    Application,
    Channel,
    ConsentRecord,
    Deputy,
    HistoryEntry,
    Organization,
    OutboxMessage,
    Person,
    Role,
    Status,
)
from services import cards, deputies, notifications, workflow
from services.deputies import (
    BadPeriod,
    DeputyshipNotFound,
    NotAColleague,
    NotADirector,
    OverlappingDeputyship,
    parse_period,
)
from services.workflow import Actor, NotAllowed
from tests import factories as f
from tests.dispatcher import Harness
from tests.test_handlers_roles import inline_buttons, press, say

TZ = ZoneInfo("Asia/Yekaterinburg")
# 11:00 local on Monday 10 March 2025.
NOW = datetime(2025, 3, 10, 6, 0, tzinfo=UTC)
TODAY = date(2025, 3, 10)


def at(day: date) -> datetime:
    """Noon local time of `day`."""
    return datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)


async def school_with_people(
    session: AsyncSession,
) -> tuple[Organization, Person, Person, Person]:
    """A school, its director, a linked colleague (the future deputy), a teacher who applies."""
    school = await f.organization(session)
    director = await f.person(session, school, Role.DIRECTOR, Role.TEACHER, telegram_id=7001)
    deputy = await f.person(session, school, Role.TEACHER, telegram_id=7002)
    applicant = await f.person(session, school, Role.TEACHER)
    return school, director, deputy, applicant


# --- service ----------------------------------------------------------------------------------


async def test_deputy_decides_inside_the_period_and_not_after(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        _, director, deputy, applicant = await school_with_people(session)
        inside = await f.application(session, applicant)
        after = await f.application(session, applicant)
        before = await f.application(session, applicant)
        named = await deputies.name_deputy(
            session,
            director,
            deputy.id,
            TODAY + timedelta(days=1),
            TODAY + timedelta(days=7),
            now=NOW,
        )
        assert named.row.organization_id == director.organization_id
    actor = Actor(deputy.id, Channel.BOT)

    async with sessionmaker.begin() as session:
        with pytest.raises(NotAllowed):  # the day before starts_on
            await workflow.change_status(
                session, before.number, Status.APPROVED, actor, seen=Status.NEW, now=at(TODAY)
            )
    async with sessionmaker.begin() as session:
        change = await workflow.change_status(
            session,
            inside.number,
            Status.APPROVED,
            actor,
            seen=Status.NEW,
            now=at(TODAY + timedelta(days=7)),  # the last day is included
        )
        assert change.on_behalf_of_id == director.id
    async with sessionmaker.begin() as session:
        with pytest.raises(NotAllowed):  # the day after ends_on
            await workflow.change_status(
                session,
                after.number,
                Status.APPROVED,
                actor,
                seen=Status.NEW,
                now=at(TODAY + timedelta(days=8)),
            )
    async with sessionmaker() as session:
        history = (
            await session.scalars(select(HistoryEntry).where(HistoryEntry.action == "status"))
        ).all()
        assert [
            (h.application_id, h.actor_id, h.on_behalf_of_id, h.actor_role, h.to_value)
            for h in history
        ] == [(inside.id, deputy.id, director.id, "deputy", "approved")]
        statuses = {
            a: await session.scalar(select(Application.status).where(Application.id == a))
            for a in (inside.id, after.id, before.id)
        }
        assert statuses == {inside.id: "approved", after.id: "new", before.id: "new"}


async def test_revoked_deputy_loses_rights_and_cards_at_once(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        school, director, deputy, applicant = await school_with_people(session)
        app = await f.application(session, applicant)
        named = await deputies.name_deputy(
            session, director, deputy.id, TODAY, TODAY + timedelta(days=3), now=NOW
        )
        # Named from today: the card of what waits already goes to the deputy.
        cards = (
            await session.scalars(
                select(OutboxMessage.key).where(OutboxMessage.person_id == deputy.id)
            )
        ).all()
        assert cards == [f"card:{app.id}:{deputy.id}"]
        assert deputy.id in (await notifications.deciders(session, [school.id], TODAY))[school.id]
    async with sessionmaker.begin() as session:
        again = await session.get(Person, director.id)
        assert again is not None
        revoked = await deputies.revoke(session, again, named.row.id, now=NOW)
        assert revoked.row.revoked_at is not None
        assert deputy.id not in (await notifications.deciders(session, [school.id], TODAY)).get(
            school.id, set()
        )
        with pytest.raises(DeputyshipNotFound):
            await deputies.revoke(session, again, named.row.id, now=NOW)
    async with sessionmaker.begin() as session:
        with pytest.raises(NotAllowed):
            await workflow.change_status(
                session,
                app.number,
                Status.APPROVED,
                Actor(deputy.id, Channel.BOT),
                seen=Status.NEW,
                now=NOW,
            )


async def test_who_may_be_named_and_for_what_period(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        _, director, deputy, applicant = await school_with_people(session)
        elsewhere = await f.organization(session)
        stranger = await f.person(session, elsewhere, Role.TEACHER, telegram_id=7009)
        end = TODAY + timedelta(days=5)
        with pytest.raises(NotADirector):
            await deputies.name_deputy(session, deputy, director.id, TODAY, end, now=NOW)
        for who in (stranger, applicant, director):  # other school, not linked, oneself
            with pytest.raises(NotAColleague):
                await deputies.name_deputy(session, director, who.id, TODAY, end, now=NOW)
        with pytest.raises(BadPeriod) as refused:
            await deputies.name_deputy(
                session,
                director,
                deputy.id,
                TODAY - timedelta(days=9),
                TODAY - timedelta(1),
                now=NOW,
            )
        assert refused.value.problem == "past"
        await deputies.name_deputy(session, director, deputy.id, TODAY, end, now=NOW)
        with pytest.raises(OverlappingDeputyship):
            await deputies.name_deputy(session, director, deputy.id, end, end, now=NOW)
        later = await deputies.name_deputy(
            session, director, deputy.id, end + timedelta(1), end + timedelta(9), now=NOW
        )
        listed = await deputies.deputies_of(session, director, TODAY)
        assert [(d.deputy.id, d.row.starts_on) for d in listed] == [
            (deputy.id, TODAY),
            (deputy.id, later.row.starts_on),
        ]
        # Once the first period is over, only the later one is listed.
        listed = await deputies.deputies_of(session, director, end + timedelta(1))
        assert [d.row.id for d in listed] == [later.row.id]
        rows = (await session.scalars(select(Deputy))).all()
        assert len(rows) == 2


async def test_colleagues_are_linked_people_of_the_school_by_pages(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        school = await f.organization(session)
        director = await f.person(session, school, Role.DIRECTOR, telegram_id=7100)
        for n in range(10):
            await f.person(session, school, name=f"Коллега{n:02d} Анна", telegram_id=7101 + n)
        await f.person(session, school, name="Неподключённая Анна")
        await f.person(session, await f.organization(session), telegram_id=7200)
        first = await deputies.colleagues(session, director, 0)
        assert (first.total, first.pages, first.page) == (10, 2, 0)
        assert [p.full_name for p in first.people][:2] == ["Коллега00 Анна", "Коллега01 Анна"]
        assert len(first.people) == deputies.COLLEAGUES_PER_PAGE
        last = await deputies.colleagues(session, director, 99)  # clamped
        assert last.page == 1 and [p.full_name for p in last.people] == [
            "Коллега08 Анна",
            "Коллега09 Анна",
        ]


async def test_the_deputy_is_told_through_the_outbox_once(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        _, director, deputy, _ = await school_with_people(session)
        named = await deputies.name_deputy(
            session, director, deputy.id, TODAY + timedelta(1), TODAY + timedelta(2), now=NOW
        )
        for _ in range(2):
            await deputies.tell_deputy(session, named, "named", "Вы &lt;заместитель&gt;")
        rows = (await session.scalars(select(OutboxMessage))).all()
        # Not started yet: no cards, only the message.
        assert [(r.key, r.person_id, r.payload) for r in rows] == [
            (
                f"deputy:{named.row.id}",
                deputy.id,
                {"type": "text", "text": "Вы &lt;заместитель&gt;"},
            )
        ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.03.2025-16.03.2025", (date(2025, 3, 10), date(2025, 3, 16))),
        (" 1.3.2025 – 10.3.2025 ", (date(2025, 3, 1), date(2025, 3, 10))),
        ("10.03.2025-10.03.2026", (date(2025, 3, 10), date(2026, 3, 10))),  # 366 days
        ("10.03.2025 - 11.03.2026", "too_long"),
        ("16.03.2025-10.03.2025", "order"),
        ("01.03.2025-09.03.2025", "past"),
        ("31.02.2025-10.03.2025", "format"),
        ("с понедельника на неделю", "format"),
        ("10.03.2025", "format"),
    ],
)
def test_parse_period(text: str, expected: Any) -> None:
    if isinstance(expected, str):
        with pytest.raises(BadPeriod) as refused:
            parse_period(text, TODAY)
        assert refused.value.problem == expected
    else:
        assert parse_period(text, TODAY) == expected


# --- /deputy through the dispatcher -----------------------------------------------------------

DIRECTOR = User(id=7301, first_name="Ольга", last_name="Смирнова")
TEACHER = User(id=7302, first_name="Мария", last_name="Иванова")


def local_today() -> date:
    return datetime.now(TZ).date()


def period(start: date, end: date) -> str:
    return f"{start:%d.%m.%Y}-{end:%d.%m.%Y}"


async def setup_school(h: Harness, colleagues: int = 1) -> dict[str, int]:
    """A linked director and `colleagues` linked teachers (the first linked as TEACHER)."""
    ids: dict[str, int] = {}
    async with h.db.begin() as session:
        school = await f.organization(session, name="МОУ «СОШ № 5» <Еткуль>")
        ids["school"] = school.id
        director = await f.person(
            session,
            school,
            Role.DIRECTOR,
            name="Смирнова Ольга Викторовна",
            telegram_id=DIRECTOR.id,
        )
        ids["director"] = director.id
        for n in range(colleagues):
            person = await f.person(
                session,
                school,
                Role.TEACHER,
                name="Иванова Мария Сергеевна" if n == 0 else f"Учитель{n:02d} Пётр",
                telegram_id=TEACHER.id if n == 0 else 7400 + n,
            )
            ids.setdefault("teacher", person.id)
        await f.person(session, school, Role.TEACHER, name="Неподключённый Иван")
        for user in (DIRECTOR, TEACHER):
            session.add(ConsentRecord(telegram_id=user.id, version="2024-1"))
    h.fake.register_user(DIRECTOR)
    h.fake.register_user(TEACHER)
    return ids


async def deputy_rows(h: Harness) -> list[Deputy]:
    async with h.db() as session:
        return list((await session.scalars(select(Deputy).order_by(Deputy.id))).all())


async def outbox(h: Harness) -> list[OutboxMessage]:
    async with h.db() as session:
        return list((await session.scalars(select(OutboxMessage))).all())


async def state_of(h: Harness, user: User = DIRECTOR) -> str | None:
    key = StorageKey(bot_id=h.bot.id, chat_id=user.id, user_id=user.id)
    return await h.dispatcher.fsm.storage.get_state(key)


def current(h: Harness, message: dict[str, Any], user: User = DIRECTOR) -> dict[str, Any]:
    return next(m for m in h.fake.messages(user.id) if m["message_id"] == message["message_id"])


async def test_director_names_a_deputy_step_by_step(harness: Harness) -> None:
    h = harness
    ids = await setup_school(h)
    today = local_today()
    screen = await say(h, DIRECTOR, "👥 Заместитель")
    assert "Заместитель не назначен" in screen["text"]
    assert inline_buttons(screen) == ["➕ Назначить заместителя"]

    await press(h, DIRECTOR, screen, "Назначить заместителя")
    # Only linked colleagues are offered; not the director, not the unlinked teacher.
    assert inline_buttons(current(h, screen)) == ["Иванова Мария Сергеевна", "Назад"]
    await press(h, DIRECTOR, screen, "Иванова Мария Сергеевна")
    assert "ДД.ММ.ГГГГ-ДД.ММ.ГГГГ" in current(h, screen)["text"]
    assert await state_of(h) == "DeputyInput:period"

    wrong = {
        "завтра": "Не понял период",
        period(today + timedelta(5), today): "позже даты окончания",
        period(today - timedelta(9), today - timedelta(1)): "уже закончился",
        period(today, today + timedelta(400)): "длиннее 366 дней",
    }
    for text, reason in wrong.items():
        answer = await say(h, DIRECTOR, text)
        assert reason in answer["text"] and "ещё раз" in answer["text"]
        assert await state_of(h) == "DeputyInput:period"
    assert await deputy_rows(h) == []

    confirm = await say(h, DIRECTOR, period(today, today + timedelta(6)))
    assert "Назначить <b>Иванова Мария Сергеевна</b>" not in confirm["text"]  # parsed HTML
    assert "Назначить Иванова Мария Сергеевна заместителем" in confirm["text"]
    assert inline_buttons(confirm) == ["Подтвердить", "Назад"]
    assert await state_of(h) == "DeputyInput:confirm"
    answer = await say(h, DIRECTOR, "да")
    assert "Подтвердить" in answer["text"]
    assert await deputy_rows(h) == []

    await press(h, DIRECTOR, confirm, "Подтвердить")
    rows = await deputy_rows(h)
    assert [
        (r.director_id, r.deputy_id, r.organization_id, r.starts_on, r.ends_on) for r in rows
    ] == [(ids["director"], ids["teacher"], ids["school"], today, today + timedelta(6))]
    assert "ваш заместитель" in current(h, confirm)["text"]
    assert await state_of(h) is None
    told = [m for m in await outbox(h) if m.key == f"deputy:{rows[0].id}"]
    assert len(told) == 1 and told[0].person_id == ids["teacher"]
    assert told[0].payload["type"] == "text"
    assert "Смирнова Ольга Викторовна" in told[0].payload["text"]
    assert "«СОШ № 5» &lt;Еткуль&gt;" in told[0].payload["text"]  # escaped for HTML

    # The same «Подтвердить» again (a second tap): an alert, no second row.
    query_id = h.fake.press(DIRECTOR, confirm, "dep:ok:0:0", strict=False)
    await h.feed(h.fake.pending_updates[-1])
    assert h.fake.callback_answers(query_id)[0].get("show_alert") is True
    assert len(await deputy_rows(h)) == 1

    screen = await say(h, DIRECTOR, "/deputy")
    assert "Иванова Мария Сергеевна — с" in screen["text"] and "(действует)" in screen["text"]
    assert inline_buttons(screen) == ["➕ Назначить заместителя", "Отозвать: Иванова М. С."]


async def test_back_from_every_step_names_nobody(harness: Harness) -> None:
    h = harness
    await setup_school(h)
    today = local_today()
    screen = await say(h, DIRECTOR, "/deputy")
    await press(h, DIRECTOR, screen, "Назначить заместителя")
    await press(h, DIRECTOR, screen, "Назад")
    assert inline_buttons(current(h, screen)) == ["➕ Назначить заместителя"]

    await press(h, DIRECTOR, screen, "Назначить заместителя")
    await press(h, DIRECTOR, screen, "Иванова")
    await press(h, DIRECTOR, screen, "Назад")
    assert await state_of(h) is None
    assert "не назначен" in current(h, screen)["text"]

    await press(h, DIRECTOR, screen, "Назначить заместителя")
    await press(h, DIRECTOR, screen, "Иванова")
    confirm = await say(h, DIRECTOR, period(today, today))
    await press(h, DIRECTOR, confirm, "Назад")
    assert await state_of(h) is None
    assert await deputy_rows(h) == []
    assert "не назначен" in current(h, confirm)["text"]

    # /cancel leaves the period prompt too (the confirmation has become the screen).
    screen = confirm
    await press(h, DIRECTOR, screen, "Назначить заместителя")
    await press(h, DIRECTOR, screen, "Иванова")
    answer = await say(h, DIRECTOR, "/cancel")
    assert "Ввод отменён" in answer["text"] and await state_of(h) is None


async def test_colleagues_come_in_pages(harness: Harness) -> None:
    h = harness
    await setup_school(h, colleagues=10)
    screen = await say(h, DIRECTOR, "/deputy")
    await press(h, DIRECTOR, screen, "Назначить заместителя")
    first = current(h, screen)
    assert "Страница 1 из 2" in first["text"]
    assert inline_buttons(first)[-2:] == ["›", "Назад"]
    assert len(inline_buttons(first)) == 8 + 2
    await press(h, DIRECTOR, screen, "›")
    second = current(h, screen)
    assert "Страница 2 из 2" in second["text"]
    assert inline_buttons(second) == ["Учитель08 Пётр", "Учитель09 Пётр", "‹", "Назад"]
    await press(h, DIRECTOR, screen, "‹")
    assert "Страница 1 из 2" in current(h, screen)["text"]


async def test_revoke_ends_the_deputyship_and_tells_the_deputy(harness: Harness) -> None:
    h = harness
    ids = await setup_school(h)
    today = local_today()
    async with h.db.begin() as session:
        row = Deputy(
            organization_id=ids["school"],
            director_id=ids["director"],
            deputy_id=ids["teacher"],
            starts_on=today + timedelta(2),
            ends_on=today + timedelta(5),
        )
        session.add(row)
    screen = await say(h, DIRECTOR, "/deputy")
    assert "(действует)" not in screen["text"]  # not started yet
    query_id = await press(h, DIRECTOR, screen, "Отозвать")
    assert "отозваны" in h.fake.callback_answers(query_id)[0]["text"]
    rows = await deputy_rows(h)
    assert rows[0].revoked_at is not None
    assert inline_buttons(current(h, screen)) == ["➕ Назначить заместителя"]
    assert [m.key for m in await outbox(h)] == [f"deputy:{row.id}:revoked"]
    # The old «Отозвать» again: an alert, nothing more.
    query_id = h.fake.press(DIRECTOR, screen, f"dep:rv:{row.id}:0", strict=False)
    await h.feed(h.fake.pending_updates[-1])
    assert "уже отозвано" in h.fake.callback_answers(query_id)[0]["text"]
    assert len(await outbox(h)) == 1


async def test_a_non_director_is_refused(harness: Harness) -> None:
    h = harness
    ids = await setup_school(h)
    for text in ("/deputy", "👥 Заместитель"):
        answer = await say(h, TEACHER, text)
        assert "только руководитель ОО" in answer["text"]
        assert inline_buttons(answer) == []
    anchor = await say(h, TEACHER, "/help")
    query_id = h.fake.press(TEACHER, anchor, f"dep:pick:{ids['director']}:0", strict=False)
    await h.feed(h.fake.pending_updates[-1])
    answer = h.fake.callback_answers(query_id)[0]
    assert answer.get("show_alert") is True and "только руководитель ОО" in answer["text"]
    assert await state_of(h, TEACHER) is None
    assert await deputy_rows(h) == []


async def test_forged_pick_from_another_school_is_refused(harness: Harness) -> None:
    h = harness
    await setup_school(h, colleagues=0)
    async with h.db.begin() as session:
        stranger = await f.person(session, await f.organization(session), telegram_id=7999)
    screen = await say(h, DIRECTOR, "/deputy")
    await press(h, DIRECTOR, screen, "Назначить заместителя")
    assert "нет коллег, подключённых к боту" in current(h, screen)["text"]
    query_id = h.fake.press(DIRECTOR, screen, f"dep:pick:{stranger.id}:0", strict=False)
    await h.feed(h.fake.pending_updates[-1])
    answer = h.fake.callback_answers(query_id)[0]
    assert answer.get("show_alert") is True and "нет среди" in answer["text"]
    assert await state_of(h) is None


async def test_overlapping_period_is_refused_on_confirmation(harness: Harness) -> None:
    h = harness
    ids = await setup_school(h)
    today = local_today()
    async with h.db.begin() as session:
        session.add(
            Deputy(
                organization_id=ids["school"],
                director_id=ids["director"],
                deputy_id=ids["teacher"],
                starts_on=today,
                ends_on=today + timedelta(3),
            )
        )
    screen = await say(h, DIRECTOR, "/deputy")
    await press(h, DIRECTOR, screen, "Назначить заместителя")
    await press(h, DIRECTOR, screen, "Иванова")
    confirm = await say(h, DIRECTOR, period(today + timedelta(3), today + timedelta(9)))
    await press(h, DIRECTOR, confirm, "Подтвердить")
    assert "уже ваш заместитель" in current(h, confirm)["text"]
    assert len(await deputy_rows(h)) == 1


@pytest.mark.parametrize(
    ("change", "told"),
    [
        ("revoke", "Ваши полномочия заместителя отозваны руководителем ОО"),
        ("end", "Ваши полномочия заместителя закончились {yesterday}"),
        ("postpone", "Ваши полномочия заместителя начнутся {tomorrow}"),
    ],
    ids=["revoked", "ended", "not-begun"],
)
async def test_a_former_deputy_pressing_an_old_button_is_told_why(
    harness: Harness, change: str, told: str
) -> None:
    h = harness
    ids = await setup_school(h)
    today = local_today()
    async with h.db.begin() as session:
        applicant = await session.get(Person, ids["director"])
        assert applicant is not None
        await f.application(session, applicant)
        row = Deputy(
            organization_id=ids["school"],
            director_id=ids["director"],
            deputy_id=ids["teacher"],
            starts_on=today - timedelta(3),
            ends_on=today + timedelta(3),
        )
        session.add(row)
    page = await say(h, TEACHER, "/applications")
    assert "Одобрить все" in inline_buttons(page)  # the deputy decides for the school today
    async with h.db.begin() as session:
        held = await session.get(Deputy, row.id)
        assert held is not None
        if change == "revoke":
            held.revoked_at = datetime.now(UTC)
        elif change == "end":
            held.ends_on = today - timedelta(1)
        else:
            held.starts_on = today + timedelta(1)
    for button in ("Одобрить все", "Все (1)"):
        query_id = await press(h, TEACHER, page, button)
        (answer,) = h.fake.callback_answers(query_id)
        expected = told.format(
            yesterday=f"{today - timedelta(1):%d.%m.%Y}",
            tomorrow=f"{today + timedelta(1):%d.%m.%Y}",
        )
        assert answer["text"].startswith(expected) and answer["show_alert"]
    async with h.db() as session:
        statuses = (await session.scalars(select(Application.status))).all()
    assert statuses == [Status.NEW]


async def test_a_deputy_takes_back_their_own_cancellation_only(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """«Вернуть» restores the status before the cancellation (here «Подтверждена»), for the one
    who cancelled; the director, who did not, may not take it back."""
    async with sessionmaker.begin() as session:
        _, director, deputy, applicant = await school_with_people(session)
        app = await f.application(session, applicant, status=Status.APPROVED)
        await deputies.name_deputy(session, director, deputy.id, TODAY, TODAY, now=NOW)
    as_deputy = Actor(deputy.id, Channel.BOT)
    async with sessionmaker.begin() as session:
        cancelled = await workflow.change_status(
            session, app.number, Status.CANCELLED, as_deputy, seen=Status.APPROVED, now=at(TODAY)
        )
        cancel_id = cancelled.history.id
    window = timedelta(minutes=10)
    async with sessionmaker.begin() as session:
        with pytest.raises(NotAllowed):
            await workflow.undo_cancellation(
                session,
                app.number,
                cancel_id,
                Actor(director.id, Channel.BOT),
                window=window,
                now=at(TODAY),
            )
    async with sessionmaker.begin() as session:
        back = await workflow.undo_cancellation(
            session, app.number, cancel_id, as_deputy, window=window, now=at(TODAY)
        )
        assert (back.old, back.new) == (Status.CANCELLED, Status.APPROVED)
        assert back.on_behalf_of_id == director.id
    async with sessionmaker() as session:
        entries = (
            await session.scalars(
                select(HistoryEntry)
                .where(HistoryEntry.application_id == app.id)
                .order_by(HistoryEntry.id)
            )
        ).all()
        now_status = await session.scalar(
            select(Application.status).where(Application.id == app.id)
        )
    assert [(e.to_value, e.actor_role) for e in entries[-2:]] == [
        ("cancelled", "deputy"),
        ("approved", "deputy"),
    ]
    assert now_status is Status.APPROVED


async def test_the_history_says_when_a_director_decided_their_own_application(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        _, director, _, applicant = await school_with_people(session)
        own = await f.application(session, director)
        other = await f.application(session, applicant)
    as_director = Actor(director.id, Channel.BOT)
    async with sessionmaker.begin() as session:
        for app in (own, other):
            await workflow.change_status(
                session, app.number, Status.APPROVED, as_director, seen=Status.NEW, now=at(TODAY)
            )
    async with sessionmaker() as session:
        own_card = await cards.load_card(session, own.id, with_tabs=True)
        other_card = await cards.load_card(session, other.id, with_tabs=True)
    assert own_card is not None and other_card is not None
    assert "(руководитель ОО, по собственной заявке)" in tab_text(own_card, "h", TZ)
    assert "по собственной заявке" not in tab_text(other_card, "h", TZ)
