"""A director's deputy for a period (PRODUCT.md §4.2).

The rights themselves live in `services.workflow.authority_of` and the cards in
`services.notifications.deciders`: both read the `Deputy` rows, so a deputyship starts and ends
by its dates alone. This module names, lists and revokes them, and checks who may.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Deputy, Person, Role, utcnow
from services import notifications
from services.outbox import OutboxItem, enqueue
from services.region import DEFAULT_TZ
from services.workflow import local_today

# A deputy covers an absence (a holiday, a sick leave), not a change of director.
MAX_PERIOD_DAYS = 366
COLLEAGUES_PER_PAGE = 8

_DATE = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
# People type dashes of every length, with or without spaces around them.
_PERIOD_RE = re.compile(rf"^{_DATE}\s*[-–—]\s*{_DATE}$")

PeriodProblem = Literal["format", "order", "past", "too_long"]


class DeputyError(Exception):
    """A refused deputy action; handlers turn it into the user's words."""


class NotADirector(DeputyError):
    """Only a director of a school names deputies."""


class NotAColleague(DeputyError):
    """Not a linked colleague of the director's school (or the director themselves)."""


class BadPeriod(DeputyError):
    def __init__(self, problem: PeriodProblem) -> None:
        super().__init__(f"bad period: {problem}")
        self.problem: PeriodProblem = problem


class OverlappingDeputyship(DeputyError):
    """The colleague is already the deputy for a part of this period."""


class DeputyshipNotFound(DeputyError):
    """No such deputyship of this director still in force (revoked, ended, someone else's)."""


@dataclass(frozen=True)
class Deputyship:
    row: Deputy
    deputy: Person


@dataclass(frozen=True)
class ColleaguePage:
    people: list[Person]
    page: int  # 0-based, clamped into range
    pages: int
    total: int


def school_of(person: Person) -> int:
    """The organization a director names deputies in; `NotADirector` for anyone else."""
    if Role.DIRECTOR not in person.roles or person.organization_id is None:
        raise NotADirector
    return person.organization_id


def parse_period(text: str, today: date) -> tuple[date, date]:
    """`ДД.ММ.ГГГГ-ДД.ММ.ГГГГ` → (first day, last day), both included; else `BadPeriod`."""
    match = _PERIOD_RE.match(text.strip())
    if match is None:
        raise BadPeriod("format")
    d1, m1, y1, d2, m2, y2 = (int(part) for part in match.groups())
    try:
        starts_on, ends_on = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        raise BadPeriod("format") from None
    check_period(starts_on, ends_on, today)
    return starts_on, ends_on


def check_period(starts_on: date, ends_on: date, today: date) -> None:
    if starts_on > ends_on:
        raise BadPeriod("order")
    if ends_on < today:
        raise BadPeriod("past")
    if (ends_on - starts_on).days + 1 > MAX_PERIOD_DAYS:
        raise BadPeriod("too_long")


def _colleagues_of(director: Person, organization_id: int) -> Select[tuple[Person]]:
    return select(Person).where(
        Person.organization_id == organization_id,
        Person.telegram_id.is_not(None),
        Person.id != director.id,
    )


async def colleagues(session: AsyncSession, director: Person, page: int) -> ColleaguePage:
    """One page of the director's linked colleagues, by name.

    Only linked people are offered: a deputy who cannot get the cards could not act.
    """
    org_id = school_of(director)
    query = _colleagues_of(director, org_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / COLLEAGUES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    people = (
        await session.scalars(
            query.order_by(Person.name_key, Person.id)
            .offset(page * COLLEAGUES_PER_PAGE)
            .limit(COLLEAGUES_PER_PAGE)
        )
    ).all()
    return ColleaguePage(list(people), page, pages, total)


async def colleague(session: AsyncSession, director: Person, person_id: int) -> Person:
    """The colleague a button named, checked again (the button may be old or forged)."""
    org_id = school_of(director)
    person = await session.scalar(_colleagues_of(director, org_id).where(Person.id == person_id))
    if person is None:
        raise NotAColleague
    return person


async def deputies_of(session: AsyncSession, director: Person, today: date) -> list[Deputyship]:
    """The director's deputyships in force or still to come, soonest first."""
    org_id = school_of(director)
    rows = await session.execute(
        select(Deputy, Person)
        .join(Person, Person.id == Deputy.deputy_id)
        .where(
            Deputy.director_id == director.id,
            Deputy.organization_id == org_id,
            Deputy.revoked_at.is_(None),
            Deputy.ends_on >= today,
        )
        .order_by(Deputy.starts_on, Deputy.id)
    )
    return [Deputyship(row, person) for row, person in rows.tuples()]


async def name_deputy(
    session: AsyncSession,
    director: Person,
    deputy_id: int,
    starts_on: date,
    ends_on: date,
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> Deputyship:
    """Make a colleague the director's deputy from `starts_on` to `ends_on` (both included).

    Everything is checked again here: the choice and the period were made in earlier updates.
    When the period has begun, the deputy gets the cards of what waits already; later
    applications reach them like the director's (`services.notifications.deciders`).
    """
    now = now or utcnow()
    today = local_today(now, tz)
    org_id = school_of(director)
    deputy = await colleague(session, director, deputy_id)
    check_period(starts_on, ends_on, today)
    overlapping = await session.scalar(
        select(Deputy.id).where(
            Deputy.deputy_id == deputy.id,
            Deputy.organization_id == org_id,
            Deputy.revoked_at.is_(None),
            Deputy.starts_on <= ends_on,
            Deputy.ends_on >= starts_on,
        )
    )
    if overlapping is not None:
        raise OverlappingDeputyship
    row = Deputy(
        organization_id=org_id,
        director_id=director.id,
        deputy_id=deputy.id,
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    if starts_on <= today and deputy.instant_cards:
        await notifications.cards_for_waiting(session, deputy, now=now, tz=tz)
    return Deputyship(row, deputy)


async def revoke(
    session: AsyncSession, director: Person, deputyship_id: int, *, now: datetime | None = None
) -> Deputyship:
    """End a deputyship at once; its rights stop with the next action the deputy tries."""
    now = now or utcnow()
    org_id = school_of(director)
    found = (
        await session.execute(
            select(Deputy, Person)
            .join(Person, Person.id == Deputy.deputy_id)
            .where(
                Deputy.id == deputyship_id,
                Deputy.director_id == director.id,
                Deputy.organization_id == org_id,
                Deputy.revoked_at.is_(None),
            )
        )
    ).first()
    if found is None:
        raise DeputyshipNotFound
    row, deputy = found
    row.revoked_at = now
    await session.flush()
    return Deputyship(row, deputy)


async def tell_deputy(session: AsyncSession, deputyship: Deputyship, event: str, text: str) -> None:
    """A plain message to the deputy through the outbox, in the transaction of the change.

    `text` is ready HTML (values escaped by the caller); `event` tells apart the messages of
    one deputyship (`named`, `revoked`) so that each goes out once.
    """
    key = f"deputy:{deputyship.row.id}"
    if event != "named":
        key += f":{event}"
    await enqueue(
        session,
        OutboxItem(
            key=key,
            person_id=deputyship.deputy.id,
            payload={"type": "text", "text": text},
            method="text",
        ),
    )
