"""The region overview (PRODUCT.md §4.4): counts by status per municipality and school, and the
schools whose `new` applications wait longer than the limit, with their directors.

Reads only: a few aggregates in SQL, whatever the length of the history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Organization, Person, PersonRole, Role, Status
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
