"""Benchmark: the cost of each user-triggered operation at 10k / 100k / 1M applications.

    python bench/flat_cost.py [--sizes 10000,100000,1000000] [--database-url URL] [--repeat 20]

For each size a fresh database is created with the migrations (a temporary SQLite file unless
`--database-url` names an empty PostgreSQL database, which is then filled and emptied in turn),
filled in bulk with Core inserts, and every operation below is timed (the median of `--repeat`
runs) and its SQL statements counted. The table ends with each operation's ratio of the largest
size to the smallest, against the target of 1.5.

The data stand for a region whose history grows while its daily work does not: 1,000 schools in
40 municipalities, 40 teachers and a director each, 50 programs with 4 groups each; about 2,000
applications `new` (half of them waiting longer than the escalation limit) and 3,000 `approved`,
the rest of the history `included` or `cancelled`; one card record per application.

Operations: `api_list` (GET /api/v1/applications, first page of 100), `api_updated_since` (the
changes of the last hour), `api_status` (the `approved` ones, first page), `card_forget` (a card
record deleted by chat and message), `director_list` and `director_new` (page 3 of a school's «Все»,
page 1 of «Не обработана»), `staff_queue` (page 3), `staff_picker` (the school picker, page 2),
`overview` (the region overview), `import_plan` (a dry run of a 1,000-row file of known
applications), `export_check` (what the in-chat export does before building the file) and
`card_prune` (one retention batch of the scheduler).

For other scripts (the `python -m bench` suite):

    from bench.flat_cost import measure, Row
    rows: list[Row] = await measure("sqlite+aiosqlite:///...", [10_000, 100_000])

`measure` returns one `Row` per operation and size: `operation`, `size`, `seconds` (median of
one run), `statements` (SQL statements per run). `ratios(rows)` gives each operation's
largest-to-smallest ratio; `table(rows)` formats them as printed here.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.migrate import upgrade_connection
from models import (
    Application,
    Base,
    CardMessage,
    Group,
    Kind,
    Organization,
    Person,
    PersonRole,
    Program,
    Role,
    Status,
)
from models.engine import create_engine, create_sessionmaker

TARGET_RATIO: Final = 1.5
SCHOOLS: Final = 1000
MUNICIPALITIES: Final = 40
TEACHERS_PER_SCHOOL: Final = 40
PROGRAMS: Final = 50
GROUPS_PER_PROGRAM: Final = 4
NEW: Final = 2000
APPROVED: Final = 3000
IMPORT_ROWS: Final = 1000
ESCALATE_AFTER_DAYS: Final = 7
CHUNK: Final = 5000
# "Now" of the generated data: fixed, so every size gets the same dates.
NOW: Final = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    operation: str
    size: int
    seconds: float
    statements: int


# --- data ----------------------------------------------------------------------------------------


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


async def _insert(session: AsyncSession, table: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        await session.execute(insert(table), chunk)


def _status(i: int) -> Status:
    if i < NEW:
        return Status.NEW
    if i < NEW + APPROVED:
        return Status.APPROVED
    return Status.INCLUDED if i % 3 else Status.CANCELLED


STUDY: Final = (date(2026, 4, 1), date(2026, 4, 30))


def _school_name(school: int) -> str:
    return f"МОУ «СОШ № {school + 1}»"


def _person_name(person_id: int, *, director: bool) -> str:
    return f"{'Директорова' if director else 'Петрова'} Анна {person_id}"


def _program_title(program: int) -> str:
    return f"Программа повышения квалификации № {program + 1}"


def _group_name(group: int) -> str:
    return f"{group + 1}/26-ГЗ"


def _director_chat(school: int) -> int:
    return 10_000_000 + (school + 1) * (TEACHERS_PER_SCHOOL + 1)


def _application(i: int, size: int) -> dict[str, Any]:
    school = i % SCHOOLS
    status = _status(i)
    # The history is older the further it is from the active work; half of the new ones have
    # waited longer than the escalation limit.
    if status is Status.NEW:
        when = NOW - timedelta(days=20 if i % 2 else 1, minutes=i)
    else:
        when = NOW - timedelta(minutes=size - i)
    teacher = school * (TEACHERS_PER_SCHOOL + 1) + i // SCHOOLS % TEACHERS_PER_SCHOOL
    return {
        "id": i + 1,
        "number": 100_000 + i,
        "applicant_id": teacher + 1,
        "organization_id": school + 1,
        "kind": Kind.COURSE if i % 2 else Kind.ASSESSMENT,
        "group_id": i % (PROGRAMS * GROUPS_PER_PROGRAM) + 1,
        "status": status,
        "submitted_on": when.date(),
        "created_at": when,
        "updated_at": when,
    }


async def populate(sessionmaker: async_sessionmaker[AsyncSession], size: int) -> None:
    """`size` applications and the region around them, in bulk (Core inserts, no ORM objects)."""
    async with sessionmaker.begin() as session:
        await _insert(
            session,
            Organization,
            [
                {
                    "id": s + 1,
                    "name": _school_name(s),
                    "municipality": f"Муниципальный округ {s % MUNICIPALITIES + 1:02d}",
                }
                for s in range(SCHOOLS)
            ],
        )
        people: list[dict[str, Any]] = []
        roles: list[dict[str, Any]] = []
        for s in range(SCHOOLS):
            for t in range(TEACHERS_PER_SCHOOL + 1):
                person_id = s * (TEACHERS_PER_SCHOOL + 1) + t + 1
                director = t == TEACHERS_PER_SCHOOL
                name = _person_name(person_id, director=director)
                people.append(
                    {
                        "id": person_id,
                        "code": f"P-{person_id:07d}",
                        "full_name": name,
                        "name_key": name.lower(),
                        "organization_id": s + 1,
                        "telegram_id": 10_000_000 + person_id if director else None,
                        "reachable": True,
                        "instant_cards": True,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                )
                roles.append(
                    {"person_id": person_id, "role": Role.DIRECTOR if director else Role.TEACHER}
                )
        await _insert(session, Person, people)
        await _insert(session, PersonRole, roles)
        await _insert(
            session,
            Program,
            [
                {
                    "id": p + 1,
                    "title": _program_title(p),
                    "hours": 36,
                    "form": "очная",
                    "categories": "",
                    "competencies": "",
                    "provider": "ЧИРО",
                }
                for p in range(PROGRAMS)
            ],
        )
        await _insert(
            session,
            Group,
            [
                {
                    "id": g + 1,
                    "program_id": g // GROUPS_PER_PROGRAM + 1,
                    "name": _group_name(g),
                    "description": "",
                    "study_start": STUDY[0],
                    "study_end": STUDY[1],
                }
                for g in range(PROGRAMS * GROUPS_PER_PROGRAM)
            ],
        )
        for start in range(0, size, CHUNK):
            apps: list[dict[str, Any]] = []
            cards: list[dict[str, Any]] = []
            for i in range(start, min(size, start + CHUNK)):
                app = _application(i, size)
                apps.append(app)
                cards.append(
                    {
                        "id": i + 1,
                        "application_id": i + 1,
                        "chat_id": _director_chat(app["organization_id"] - 1),
                        "message_id": i + 1,
                        "created_at": app["updated_at"],
                        "note": None,
                    }
                )
            await _insert(session, Application, apps)
            await _insert(session, CardMessage, cards)


# --- operations ----------------------------------------------------------------------------------

Operation = Callable[[AsyncSession, int], Awaitable[object]]


def operations() -> dict[str, Operation]:
    """The operations by name; each runs in a transaction that is rolled back afterwards."""
    # Imported here: the handlers' modules build aiogram routers, which a caller of `populate`
    # alone does not need.
    from bot.api import reading
    from bot.api.inputs import ListQuery
    from handlers.director import applications as director_screens
    from handlers.staff import queue as staff_screens
    from handlers.staff.callbacks import PickKind
    from services import cards, exporter, overview
    from services.calendar import WorkCalendar
    from services.importer import import_bytes

    school = SCHOOLS // 2 + 1

    async def api_list(session: AsyncSession, size: int) -> object:
        return await reading.list_applications(session, ListQuery(limit=100))

    async def api_updated_since(session: AsyncSession, size: int) -> object:
        since = NOW - timedelta(hours=1)
        return await reading.list_applications(session, ListQuery(updated_since=since, limit=100))

    async def api_status(session: AsyncSession, size: int) -> object:
        query = ListQuery(status=Status.APPROVED, limit=100)
        return await reading.list_applications(session, query)

    async def card_forget(session: AsyncSession, size: int) -> object:
        chat = _director_chat(school - 1)
        await cards.forget_card(session, chat, size // 2 + school)
        return None

    async def director_list(session: AsyncSession, size: int) -> object:
        return await director_screens.render_list(session, [school], "*", 2, None)

    async def director_new(session: AsyncSession, size: int) -> object:
        return await director_screens.render_list(session, [school], "n", 0, None)

    async def staff_queue(session: AsyncSession, size: int) -> object:
        return await staff_screens.render_queue(session, overview.QueueFilter(), 2)

    async def staff_picker(session: AsyncSession, size: int) -> object:
        return await staff_screens.render_pick(session, overview.QueueFilter(), PickKind.SCHOOL, 1)

    async def region_overview(session: AsyncSession, size: int) -> object:
        return await overview.load_overview(
            session,
            today=NOW.date(),
            calendar=WorkCalendar(),
            escalate_after_days=ESCALATE_AFTER_DAYS,
        )

    file_cache: dict[int, bytes] = {}

    async def import_plan(session: AsyncSession, size: int) -> object:
        if size not in file_cache:
            file_cache[size] = _import_file(size)
        return await import_bytes(session, file_cache[size], "applications.csv", dry_run=True)

    async def export_check(session: AsyncSession, size: int) -> object:
        return await exporter.over_chat_limit(session)

    async def card_prune(session: AsyncSession, size: int) -> object:
        return await cards.prune_cards(session, now=NOW, retention_days=90)

    return {
        "api_list": api_list,
        "api_updated_since": api_updated_since,
        "api_status": api_status,
        "card_forget": card_forget,
        "director_list": director_list,
        "director_new": director_new,
        "staff_queue": staff_queue,
        "staff_picker": staff_picker,
        "overview": region_overview,
        "import_plan": import_plan,
        "export_check": export_check,
        "card_prune": card_prune,
    }


def _import_file(size: int) -> bytes:
    """A CSV of IMPORT_ROWS known applications spread over the table, unchanged (as exported)."""
    import csv
    import io

    from services.importer import APPLICATION_EXPORT_COLUMNS, format_study_dates
    from services.labels import KIND_LABELS, STATUS_LABELS

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(APPLICATION_EXPORT_COLUMNS)
    for i in range(0, size, max(1, size // IMPORT_ROWS))[:IMPORT_ROWS]:
        app = _application(i, size)
        person_id = app["applicant_id"]
        group = app["group_id"] - 1
        writer.writerow(
            [
                app["number"],
                f"P-{person_id:07d}",
                _person_name(person_id, director=False),
                _school_name(app["organization_id"] - 1),
                KIND_LABELS[app["kind"]],
                _program_title(group // GROUPS_PER_PROGRAM),
                _group_name(group),
                "",
                36,
                format_study_dates(STUDY[0], STUDY[1]),
                "очная",
                "",
                "",
                "ЧИРО",
                app["submitted_on"].strftime("%d.%m.%Y"),
                STATUS_LABELS[app["status"]],
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


class _Counter:
    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: object) -> None:
        self.count += 1


async def _time(
    sessionmaker: async_sessionmaker[AsyncSession],
    counter: _Counter,
    operation: Operation,
    size: int,
    repeat: int,
) -> tuple[float, int]:
    async with sessionmaker() as session:  # a warm-up run (and the import file)
        await operation(session, size)
        await session.rollback()
    times: list[float] = []
    statements = 0
    for _ in range(repeat):
        async with sessionmaker() as session:
            counter.count = 0
            started = time.perf_counter()
            await operation(session, size)
            await session.flush()
            times.append(time.perf_counter() - started)
            statements = counter.count
            await session.rollback()
    return statistics.median(times), statements


async def _empty(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        else:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


async def measure_size(
    database_url: str, size: int, *, repeat: int = 20, only: set[str] | None = None
) -> list[Row]:
    """Fill an empty database with `size` applications and time every operation on it."""
    engine = create_engine(database_url)
    try:
        await _empty(engine)
        async with engine.begin() as connection:
            await upgrade_connection(connection)
        sessionmaker = create_sessionmaker(engine)
        await populate(sessionmaker, size)
        async with engine.begin() as connection:
            # Fresh statistics, as a database that has lived a while has them.
            await connection.execute(text("ANALYZE"))
        counter = _Counter(engine)
        rows = []
        for name, operation in operations().items():
            if only and name not in only:
                continue
            runs = repeat if name != "import_plan" else max(3, repeat // 5)
            seconds, statements = await _time(sessionmaker, counter, operation, size, runs)
            rows.append(Row(name, size, seconds, statements))
        await _empty(engine)
        return rows
    finally:
        await engine.dispose()


async def measure(
    database_url: str | None, sizes: list[int], *, repeat: int = 20, only: set[str] | None = None
) -> list[Row]:
    """Every operation at every size; without a URL each size gets a temporary SQLite file."""
    rows: list[Row] = []
    for size in sizes:
        if database_url is None:
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite+aiosqlite:///{folder}/flat_cost.sqlite3"
                rows += await measure_size(url, size, repeat=repeat, only=only)
        else:
            rows += await measure_size(database_url, size, repeat=repeat, only=only)
    return rows


def ratios(rows: list[Row]) -> dict[str, float]:
    """Each operation's time at the largest size over its time at the smallest."""
    found: dict[str, float] = {}
    for name in dict.fromkeys(row.operation for row in rows):
        mine = sorted((row for row in rows if row.operation == name), key=lambda r: r.size)
        if mine[0].seconds > 0:
            found[name] = mine[-1].seconds / mine[0].seconds
    return found


def table(rows: list[Row]) -> str:
    sizes = sorted({row.size for row in rows})
    by = {(row.operation, row.size): row for row in rows}
    header = ["operation"] + [f"{size:,} ms (stmts)" for size in sizes]
    header += [f"ratio {sizes[-1]:,}/{sizes[0]:,}", f"target ≤ {TARGET_RATIO}"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    found = ratios(rows)
    for name in dict.fromkeys(row.operation for row in rows):
        cells = [name]
        for size in sizes:
            row = by.get((name, size))
            cells.append(f"{row.seconds * 1000:.2f} ({row.statements})" if row else "—")
        ratio = found.get(name)
        cells.append(f"{ratio:.2f}" if ratio is not None else "—")
        cells.append("ok" if ratio is not None and ratio <= TARGET_RATIO else "over")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--database-url", default=None, help="an empty database (it is emptied)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="operations to run, comma-separated")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size]
    only = {name for name in args.only.split(",") if name} or None
    started = time.perf_counter()
    rows = asyncio.run(measure(args.database_url, sizes, repeat=args.repeat, only=only))
    print(table(rows))
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
