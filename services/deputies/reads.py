"""Reads: a director's colleagues to choose from, and the deputyships in force or to come."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Deputy, Person
from services.deputies.rules import Deputyship, NotAColleague, school_of

COLLEAGUES_PER_PAGE = 8


@dataclass(frozen=True)
class ColleaguePage:
    people: list[Person]
    page: int  # 0-based, clamped into range
    pages: int
    total: int


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
