"""Staff views (PRODUCT.md §4.4): the region overview and the queue of approved applications."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Application,
    Group,
    Organization,
    Person,
    PersonRole,
    Program,
    Role,
    Status,
)
from services.calendar import WorkCalendar


@dataclass
class Place:
    """Counts of one municipality or one school."""

    name: str
    counts: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))
    municipality: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Director:
    name: str
    # Linked to the bot and not marked unreachable (they had not blocked it).
    reachable: bool


@dataclass(frozen=True)
class Escalated:
    school: str
    municipality: str
    waiting: int  # `new` applications waiting longer than the limit
    oldest_days: int  # working days the oldest of them has waited
    directors: tuple[Director, ...]


@dataclass
class Overview:
    totals: dict[Status, int]
    municipalities: list[Place]
    schools: list[Place]
    escalated: list[Escalated]
    escalate_after_days: int


async def load_overview(
    session: AsyncSession,
    *,
    today: date,
    calendar: WorkCalendar,
    escalate_after_days: int,
) -> Overview:
    # Counted on the (organization, status, number) index alone, no join: the cheapest pass a
    # count over the whole history can take. The schools' names come from their own table.
    rows = await session.execute(
        select(Application.organization_id, Application.status, func.count()).group_by(
            Application.organization_id, Application.status
        )
    )
    orgs = {
        org_id: (name, municipality or "")
        for org_id, name, municipality in await session.execute(
            select(Organization.id, Organization.name, Organization.municipality)
        )
    }
    totals = dict.fromkeys(Status, 0)
    municipalities: dict[str, Place] = {}
    schools: dict[int, Place] = {}
    for org_id, status, count in rows:
        status = Status(status)
        totals[status] += count
        name, municipality = orgs[org_id]
        mun = municipalities.setdefault(municipality, Place(municipality))
        mun.counts[status] += count
        school = schools.setdefault(org_id, Place(name, municipality=municipality))
        school.counts[status] += count

    escalated = await _escalated(session, today, calendar, escalate_after_days, orgs)
    return Overview(
        totals=totals,
        municipalities=sorted(municipalities.values(), key=lambda p: p.name),
        schools=sorted(schools.values(), key=lambda p: (p.municipality, p.name)),
        escalated=escalated,
        escalate_after_days=escalate_after_days,
    )


def _last_late_day(today: date, calendar: WorkCalendar, after: int) -> date:
    """The latest day an application may have come in on and still wait more than `after`
    working days today: fewer working days have passed since any later day."""
    day = today
    # Bounded, in case a calendar file declared years without a working day.
    for _ in range(after * 7 + 3660):
        if calendar.working_days_between(day, today) > after:
            break
        day -= timedelta(days=1)
    return day


async def _escalated(
    session: AsyncSession,
    today: date,
    calendar: WorkCalendar,
    after: int,
    orgs: dict[int, tuple[str, str]],
) -> list[Escalated]:
    # An application waits since it was submitted, or else since it was created (its UTC date).
    # The working days since then only grow the earlier that day, so "late" is "that day is on
    # or before the last late day": one aggregate per school in SQL over the `new` ones.
    last = _last_late_day(today, calendar, after)
    created_before = datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC)
    unsubmitted = Application.submitted_on.is_(None)
    rows = await session.execute(
        select(
            Application.organization_id,
            func.count(),
            func.min(Application.submitted_on),
            func.min(case((unsubmitted, Application.created_at))),
        )
        .where(
            Application.status == Status.NEW,
            or_(
                Application.submitted_on <= last,
                and_(unsubmitted, Application.created_at < created_before),
            ),
        )
        .group_by(Application.organization_id)
    )
    late: dict[int, tuple[int, date]] = {}
    for org_id, waiting, submitted, created in rows:
        oldest = min(day for day in (submitted, _utc_day(created)) if day is not None)
        late[org_id] = (waiting, oldest)
    if not late:
        return []
    directors: dict[int, list[Director]] = defaultdict(list)
    # Only the directors of the late schools, as plain rows: never their teachers.
    for org_id, name, telegram_id, reachable in await session.execute(
        select(Person.organization_id, Person.full_name, Person.telegram_id, Person.reachable)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == Role.DIRECTOR, Person.organization_id.in_(sorted(late)))
        .order_by(Person.full_name, Person.id)
    ):
        directors[org_id].append(Director(name, telegram_id is not None and reachable))
    found = [
        Escalated(
            school=orgs[org_id][0],
            municipality=orgs[org_id][1],
            waiting=waiting,
            oldest_days=calendar.working_days_between(oldest, today),
            directors=tuple(directors[org_id]),
        )
        for org_id, (waiting, oldest) in late.items()
    ]
    return sorted(found, key=lambda e: (e.municipality, e.school))


def _utc_day(value: datetime | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands an aggregate of a datetime back as text
        value = datetime.fromisoformat(value)
    return value.date() if value.tzinfo is None else value.astimezone(UTC).date()


# --- the staff queue of approved applications ----------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    """Ids chosen on the queue screen; 0 is «all». A municipality is named by one of its schools."""

    municipality_of: int = 0
    school: int = 0
    program: int = 0
    group: int = 0


@dataclass(frozen=True)
class QueueEntry:
    id: int
    number: int
    applicant: str
    school: str
    program: str
    group: str


@dataclass(frozen=True)
class Choice:
    id: int
    label: str
    count: int


def _queue_query(flt: QueueFilter, status: Status = Status.APPROVED) -> Any:
    query = (
        select(
            Application.id,
            Application.number,
            Person.full_name,
            Organization.name,
            Program.title,
            Group.name,
        )
        .join(Person, Person.id == Application.applicant_id)
        .join(Organization, Organization.id == Application.organization_id)
        .join(Group, Group.id == Application.group_id)
        .join(Program, Program.id == Group.program_id)
        .where(Application.status == status)
    )
    if flt.municipality_of:
        same = select(Organization.municipality).where(Organization.id == flt.municipality_of)
        query = query.where(Organization.municipality == same.scalar_subquery())
    if flt.school:
        query = query.where(Application.organization_id == flt.school)
    if flt.program:
        query = query.where(Program.id == flt.program)
    if flt.group:
        query = query.where(Application.group_id == flt.group)
    return query


async def queue(
    session: AsyncSession, flt: QueueFilter, *, limit: int | None = None
) -> list[QueueEntry]:
    """The first `limit` approved applications of the filter (all without), oldest number first.

    In the order of the (status, number) index: a page reads its rows, not the whole queue.
    """
    query = _queue_query(flt).order_by(Application.number)
    if limit is not None:
        query = query.limit(limit)
    return [QueueEntry(*row) for row in await session.execute(query)]


async def queue_count(session: AsyncSession, flt: QueueFilter) -> int:
    """How many approved applications the filter has: an aggregate, no rows fetched."""
    found = _queue_query(flt).with_only_columns(func.count(Application.id))
    return await session.scalar(found) or 0


async def queue_ids(session: AsyncSession, flt: QueueFilter) -> list[int]:
    """The ids of the filter's whole queue («Включить всех»)."""
    query = _queue_query(flt).with_only_columns(Application.id).order_by(Application.number)
    return list(await session.scalars(query))


async def count_choices(session: AsyncSession, flt: QueueFilter, kind: str) -> int:
    """How many values a filter button offers (for its pages)."""
    offered = _choices_query(flt, kind).subquery()
    return await session.scalar(select(func.count()).select_from(offered)) or 0


async def choices(
    session: AsyncSession,
    flt: QueueFilter,
    kind: str,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[Choice]:
    """What a filter button offers: m(unicipality), o (school), p(rogram), g(roup), with counts.

    The other filters stay as they are; the one being chosen is left out. The counts are one
    aggregate in SQL; `offset` and `limit` give one page of the choices.
    """
    # Ties of a label are broken by id, so pages by OFFSET neither repeat nor skip a choice.
    query = _choices_query(flt, kind).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [Choice(i, label or "", count) for i, label, count in await session.execute(query)]


def _choices_query(flt: QueueFilter, kind: str) -> Any:
    drop = {
        "m": QueueFilter(0, 0, flt.program, flt.group),
        "o": QueueFilter(flt.municipality_of, 0, flt.program, flt.group),
        "p": QueueFilter(flt.municipality_of, flt.school, 0, 0),
        "g": QueueFilter(flt.municipality_of, flt.school, flt.program, 0),
    }[kind]
    base = _queue_query(drop).subquery()
    if kind == "m":
        query = (
            select(func.min(Organization.id), Organization.municipality, func.count())
            .join(Application, Application.organization_id == Organization.id)
            .where(Application.id.in_(select(base.c.id)))
            .group_by(Organization.municipality)
            .order_by(Organization.municipality)
        )
    elif kind == "o":
        query = (
            select(Organization.id, Organization.name, func.count())
            .join(Application, Application.organization_id == Organization.id)
            .where(Application.id.in_(select(base.c.id)))
            .group_by(Organization.id, Organization.name)
            .order_by(Organization.name, Organization.id)
        )
    elif kind == "p":
        query = (
            select(Program.id, Program.title, func.count())
            .join(Group, Group.program_id == Program.id)
            .join(Application, Application.group_id == Group.id)
            .where(Application.id.in_(select(base.c.id)))
            .group_by(Program.id, Program.title)
            .order_by(Program.title, Program.id)
        )
    else:
        query = (
            select(Group.id, Group.name, func.count())
            .join(Application, Application.group_id == Group.id)
            .where(Application.id.in_(select(base.c.id)))
            .group_by(Group.id, Group.name)
            .order_by(Group.name, Group.id)
        )
    return query


async def label_of(session: AsyncSession, kind: str, value: int) -> str:
    """The name of a chosen filter value ("" when it no longer exists)."""
    column: Any = {
        "m": Organization.municipality,
        "o": Organization.name,
        "p": Program.title,
        "g": Group.name,
    }[kind]
    key: Any = {"m": Organization.id, "o": Organization.id, "p": Program.id, "g": Group.id}[kind]
    return str(await session.scalar(select(column).where(key == value)) or "")
