"""Every user-triggered read is served by an index and a LIMIT: its cost does not grow with the
history (the timings themselves are bench/flat_cost.py's; here only plans and statements)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.api import reading
from bot.api.inputs import ListQuery
from models import Application, CardMessage, Role, Status
from services import cards, overview
from services.calendar import WorkCalendar
from tests import factories as f

Maker = async_sessionmaker[AsyncSession]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Recorded:
    statements: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def selects(self) -> list[tuple[str, Any]]:
        return [
            (sql, params) for sql, params in self.statements if sql.lstrip().startswith("SELECT")
        ]


@contextmanager
def recording(session: AsyncSession) -> Iterator[Recorded]:
    """The SQL statements (with their parameters) run through `session` meanwhile."""
    recorded = Recorded()
    engine = session.get_bind()

    def seen(conn: object, cursor: object, statement: str, parameters: Any, *args: object) -> None:
        recorded.statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield recorded
    finally:
        event.remove(engine, "before_cursor_execute", seen)


async def plan(session: AsyncSession, sql: str, params: Any) -> str:
    """SQLite's EXPLAIN QUERY PLAN of one recorded statement, one step a line."""
    connection = await session.connection()
    rows = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
    return "\n".join(str(row[3]) for row in rows)


async def plans(session: AsyncSession, statements: Sequence[tuple[str, Any]]) -> list[str]:
    return [await plan(session, sql, params) for sql, params in statements]


def scans(plan_text: str, table: str) -> bool:
    """True when the plan reads `table` row by row without an index (a full scan)."""
    return any(
        line.strip().startswith(f"SCAN {table}") and "INDEX" not in line
        for line in plan_text.splitlines()
    )


async def school_with_history(session: AsyncSession, count: int = 30) -> list[Application]:
    school = await f.organization(session)
    await f.person(session, school, Role.DIRECTOR, telegram_id=7001)
    grp = await f.group(session)
    teacher = await f.person(session, school)
    apps = []
    statuses = [Status.NEW, Status.APPROVED, Status.INCLUDED, Status.CANCELLED]
    for i in range(count):
        app = await f.application(
            session, teacher, grp=grp, number=50_000 + i, status=statuses[i % 4]
        )
        app.updated_at = NOW - timedelta(minutes=count - i)
        apps.append(app)
    await session.flush()
    return apps


# --- the HTTP API --------------------------------------------------------------------------------


async def test_api_pages_are_read_in_index_order(sqlite_sessionmaker: Maker) -> None:
    async with sqlite_sessionmaker.begin() as session:
        await school_with_history(session)
        queries = [
            ListQuery(limit=5),
            ListQuery(updated_since=NOW - timedelta(minutes=10), limit=5),
            ListQuery(status=Status.APPROVED, limit=5, offset=2),
            ListQuery(status=Status.APPROVED, updated_since=NOW - timedelta(minutes=10)),
        ]
        for query in queries:
            with recording(session) as recorded:
                page = await reading.list_applications(session, query)
            assert page.items, query
            for found in await plans(session, recorded.selects):
                assert not scans(found, "applications"), found
                # The order comes from the index: no sort of the matching rows.
                assert "TEMP B-TREE" not in found, found
            assert any("FROM applications" in sql and "LIMIT" in sql for sql, _ in recorded.selects)


async def test_api_pages_keep_their_order_and_filters(sqlite_sessionmaker: Maker) -> None:
    async with sqlite_sessionmaker.begin() as session:
        apps = await school_with_history(session)
        page = await reading.list_applications(
            session, ListQuery(status=Status.APPROVED, limit=3, offset=1)
        )
        approved = [a.number for a in apps if a.status is Status.APPROVED]
        assert [item.number for item in page.items] == approved[1:4]
        assert page.total == len(approved)
        since = await reading.list_applications(
            session, ListQuery(updated_since=NOW - timedelta(minutes=5))
        )
        assert [item.number for item in since.items] == [a.number for a in apps[-5:]]


# --- card records --------------------------------------------------------------------------------


async def test_a_card_is_forgotten_by_its_message_through_an_index(
    sqlite_sessionmaker: Maker,
) -> None:
    async with sqlite_sessionmaker.begin() as session:
        apps = await school_with_history(session, 4)
        for app in apps:
            await cards.remember_card(session, app.id, 7001, app.id + 100, None)
        await session.flush()
        with recording(session) as recorded:
            await cards.forget_card(session, 7001, apps[1].id + 100)
        ((sql, params),) = recorded.statements
        found = await plan(session, sql, params)
        assert "ix_card_messages_chat_id_message_id" in found and not scans(found, "card_messages")
        left = set(await session.scalars(select(CardMessage.message_id)))
    assert left == {app.id + 100 for app in apps} - {apps[1].id + 100}


async def test_retention_deletes_only_old_and_final_cards_in_batches(
    sqlite_sessionmaker: Maker, monkeypatch: Any
) -> None:
    async with sqlite_sessionmaker.begin() as session:
        apps = await school_with_history(session, 8)
        by_status = {status: [a for a in apps if a.status is status] for status in Status}
        old_new, fresh_new = by_status[Status.NEW]
        cancelled_long_ago, cancelled_now = by_status[Status.CANCELLED]
        cancelled_now.updated_at = NOW - timedelta(hours=2)  # within the day of grace
        keep = [fresh_new, cancelled_now, *by_status[Status.APPROVED], *by_status[Status.INCLUDED]]
        cancelled_long_ago.updated_at = NOW - timedelta(days=2)
        for app in apps:
            session.add(
                CardMessage(
                    application_id=app.id,
                    chat_id=7001,
                    message_id=app.id,
                    created_at=NOW - timedelta(days=91 if app is old_new else 3),
                )
            )
        await session.flush()
        monkeypatch.setattr(cards, "PRUNE_BATCH", 1)
        first = await cards.prune_cards(session, now=NOW, retention_days=90)
        second = await cards.prune_cards(session, now=NOW, retention_days=90)
        third = await cards.prune_cards(session, now=NOW, retention_days=90)
        left = set(await session.scalars(select(CardMessage.application_id)))
    assert (first, second, third) == (1, 1, 0)
    assert left == {app.id for app in keep}


async def test_scheduler_tick_runs_a_retention_batch(sqlite_sessionmaker: Maker) -> None:
    from bot.retention import prune_records

    async with sqlite_sessionmaker.begin() as session:
        apps = await school_with_history(session, 2)
        session.add(
            CardMessage(
                application_id=apps[0].id,
                chat_id=1,
                message_id=1,
                created_at=NOW - timedelta(days=40),
            )
        )
    assert await prune_records(sqlite_sessionmaker, NOW, card_retention_days=30) == 1
    async with sqlite_sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(CardMessage)) == 0


# --- import planning -----------------------------------------------------------------------------


async def test_a_file_naming_the_whole_table_is_planned_by_index_lookups(
    sqlite_sessionmaker: Maker,
) -> None:
    from services.importer import import_bytes
    from tests.test_import import generated, run_bytes

    # More keys than the 1,000 at which planning once switched to a pass over the table.
    people, applications = generated(300, 1200)
    await run_bytes(sqlite_sessionmaker, people, "people.csv")
    await run_bytes(sqlite_sessionmaker, applications, "applications.csv")
    async with sqlite_sessionmaker() as session:
        with recording(session) as recorded:
            report = await import_bytes(session, applications, "applications.csv", dry_run=True)
        assert report.applications.unchanged == 1200
        reads = [(sql, p) for sql, p in recorded.selects if "FROM applications" in sql]
        assert reads
        for sql, params in reads:
            # Every read of the applications names its keys; none streams the table.
            assert " IN (" in sql, sql
            assert not scans(await plan(session, sql, params), "applications")


# --- the region overview -------------------------------------------------------------------------


def _overview_by_hand(
    apps: list[Application],
    people: list[tuple[int | None, str, bool]],
    names: dict[int, tuple[str, str]],
    today: date,
    calendar: WorkCalendar,
    after: int,
) -> list[overview.Escalated]:
    """What the overview computed before its aggregates moved into SQL, row by row in Python."""
    ages: dict[int, list[int]] = {}
    for app in apps:
        if app.status is Status.NEW:
            age = calendar.working_days_between(app.submitted_on or app.created_at.date(), today)
            if age > after:
                ages.setdefault(app.organization_id, []).append(age)
    found = []
    for org_id, late in ages.items():
        directors = tuple(
            overview.Director(name, reachable)
            for org, name, reachable in sorted(people, key=lambda p: p[1])
            if org == org_id
        )
        name, municipality = names[org_id]
        found.append(overview.Escalated(name, municipality, len(late), max(late), directors))
    return sorted(found, key=lambda e: (e.municipality, e.school))


async def test_overview_aggregates_equal_the_row_by_row_result(sessionmaker: Maker) -> None:
    today = date(2026, 3, 4)
    calendar = WorkCalendar()
    async with sessionmaker.begin() as session:
        schools = [await f.organization(session) for _ in range(4)]
        schools[1].municipality = "Южный"
        people: list[tuple[int | None, str, bool]] = []
        for index, school in enumerate(schools):
            for d in range(index % 3):
                director = await f.person(
                    session,
                    school,
                    Role.DIRECTOR,
                    name=f"Директор {d}{index}",
                    telegram_id=9000 + index * 10 + d if d else None,
                )
                people.append((school.id, director.full_name, director.telegram_id is not None))
        apps = []
        for i in range(40):
            school = schools[i % 4]
            teacher = await f.person(session, school)
            app = await f.application(
                session, teacher, status=[Status.NEW, Status.NEW, Status.APPROVED][i % 3]
            )
            app.created_at = datetime(2026, 2, 1, 23, 30, tzinfo=UTC) + timedelta(days=i % 29)
            app.submitted_on = None if i % 5 == 0 else date(2026, 1, 20) + timedelta(days=i)
            apps.append(app)
        await session.flush()
        names = {s.id: (s.name, s.municipality) for s in schools}
        expected = _overview_by_hand(apps, people, names, today, calendar, 7)
        with recording(session) as recorded:
            data = await overview.load_overview(
                session, today=today, calendar=calendar, escalate_after_days=7
            )
    assert expected and data.escalated == expected
    assert data.totals == {status: sum(a.status is status for a in apps) for status in Status}
    assert sum(school.total for school in data.schools) == 40
    # A constant number of statements, none of them loading people as objects.
    assert len(recorded.statements) == 4
    assert not any("people.phone" in sql for sql, _ in recorded.statements)


# --- the director's list and the staff queue -----------------------------------------------------


def _numbers(text: str) -> list[int]:
    return [int(part.split("</b>")[0]) for part in text.split("<b>№")[1:]]


async def test_director_list_page_three_reads_only_up_to_its_entries(
    sqlite_sessionmaker: Maker,
) -> None:
    from handlers.director.applications import render_list

    async with sqlite_sessionmaker.begin() as session:
        apps = await school_with_history(session, 100)
        school = apps[0].organization_id
        new = [a.number for a in apps if a.status is Status.NEW]  # 25
        with recording(session) as recorded:
            text, markup = await render_list(session, [school], "n", 2, None)
        assert "Не обработана — 25" in text and "Страница 3 из 3" in text
        assert _numbers(text) == new[20:25]
        labels = [b.text for row in markup.inline_keyboard for b in row]
        assert "Не обработана (25)" in " ".join(labels) and "Все (100)" in " ".join(labels)
        assert "›" not in labels and "‹" in labels
        page_reads = [sql for sql, _ in recorded.selects if "LIMIT" in sql]
        assert page_reads, recorded.selects
        for sql, params in recorded.selects:
            found = await plan(session, sql, params)
            assert not scans(found, "applications"), found
        # The page's ids come in the index's order (only those ≤ 30 rows are sorted again).
        page_plan = await plan(session, *next(s for s in recorded.selects if "LIMIT" in s[0]))
        assert "ix_applications_organization_id_status_number" in page_plan
        # Page 3 of «Все»: 30 rows read at most, in the index's order.
        with recording(session) as recorded:
            text, _ = await render_list(session, [school], "*", 2, None)
        assert _numbers(text) == [a.number for a in apps[20:30]]
        assert "Все — 100" in text and "Страница 3 из 10" in text
        assert any(params and 30 in params for sql, params in recorded.selects if "LIMIT" in sql)


async def test_staff_queue_page_and_picker_are_limited_in_sql(sqlite_sessionmaker: Maker) -> None:
    from handlers.staff.callbacks import PickKind
    from handlers.staff.queue import render_pick, render_queue

    async with sqlite_sessionmaker.begin() as session:
        apps = await school_with_history(session, 100)
        approved = [a.number for a in apps if a.status is Status.APPROVED]  # 25
        with recording(session) as recorded:
            text, markup = await render_queue(session, overview.QueueFilter(), 2)
        assert "одобренные заявки</b> — 25" in text and "Страница 3 из 3" in text
        assert _numbers(text) == approved[20:25]
        labels = [b.text for row in markup.inline_keyboard for b in row]
        assert "✅ Включить всех (25)" in labels
        assert any("LIMIT" in sql for sql, _ in recorded.selects)
        for sql, params in recorded.selects:
            found = await plan(session, sql, params)
            assert not scans(found, "applications"), found
        with recording(session) as recorded:
            picked = await render_pick(session, overview.QueueFilter(), PickKind.SCHOOL, 0)
        assert picked is not None and "(25)" in str(picked[1].inline_keyboard[0][0].text)
        assert any("LIMIT" in sql for sql, _ in recorded.selects)
