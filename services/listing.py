"""The director's «Заявки» list: counts per status, filtered entries, surname search."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Deputy, Group, Person, Program, Role, Status
from services.labels import fold


@dataclass(frozen=True)
class Entry:
    id: int
    number: int
    applicant: str
    program: str
    group: str
    status: Status


async def decided_organizations(session: AsyncSession, person: Person, today: date) -> list[int]:
    """Schools whose applications this person decides on today (own school, deputyships)."""
    org_ids = set()
    if Role.DIRECTOR in person.roles and person.organization_id is not None:
        org_ids.add(person.organization_id)
    deputyships = await session.scalars(
        select(Deputy.organization_id).where(
            Deputy.deputy_id == person.id,
            Deputy.starts_on <= today,
            Deputy.ends_on >= today,
            Deputy.revoked_at.is_(None),
        )
    )
    org_ids.update(deputyships.all())
    return sorted(org_ids)


async def last_deputyship(session: AsyncSession, person: Person) -> Deputy | None:
    """The person's latest deputyship, whatever its state: why a former deputy's button is
    refused (revoked, ended, not begun). One row by the (deputy_id, ends_on) index."""
    latest: Deputy | None = await session.scalar(
        select(Deputy)
        .where(Deputy.deputy_id == person.id)
        .order_by(Deputy.ends_on.desc(), Deputy.id.desc())
        .limit(1)
    )
    return latest


async def status_counts(session: AsyncSession, org_ids: Iterable[int]) -> dict[Status, int]:
    """Applications per status: one aggregate over the schools' (organization, status) index."""
    rows = await session.execute(
        select(Application.status, func.count())
        .where(_of_schools(org_ids))
        .group_by(Application.status)
    )
    counts = dict.fromkeys(Status, 0)
    for status, count in rows:
        counts[Status(status)] = count
    return counts


def _of_schools(org_ids: Iterable[int]) -> ColumnElement[bool]:
    ids = list(org_ids)
    if len(ids) == 1:
        # `=` for the usual one school: the index then also gives the order by number.
        return Application.organization_id == ids[0]
    return Application.organization_id.in_(ids)


def _filtered(
    query: Select[Any], org_ids: Iterable[int], status: Status | None, surname: str | None
) -> Select[Any]:
    query = query.where(_of_schools(org_ids))
    if status is not None:
        query = query.where(Application.status == status)
    if surname:
        # name_key is the folded full name (lower case, ё→е): "Семёнова" finds "семенова ...".
        pattern = f"{_escape_like(fold(surname))}%"
        query = query.join(Person, Person.id == Application.applicant_id).where(
            Person.name_key.like(pattern, escape="\\")
        )
    return query


async def count_entries(
    session: AsyncSession,
    org_ids: Iterable[int],
    *,
    status: Status | None = None,
    surname: str | None = None,
) -> int:
    """How many entries the filter has (an index count; with a surname, the schools' rows)."""
    query = _filtered(select(func.count(Application.id)), org_ids, status, surname)
    return await session.scalar(query) or 0


async def entries(
    session: AsyncSession,
    org_ids: Iterable[int],
    *,
    status: Status | None = None,
    surname: str | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """The first `limit` entries of the filter (all without one), oldest number first.

    Read in the order of the (organization, status, number) or (organization, number) index,
    so a page costs its rows, not the school's history.
    """
    query = select(Application.id).order_by(Application.number)
    if limit is not None:
        query = query.limit(limit)
    page = _filtered(query, org_ids, status, surname).subquery()
    rows = await session.execute(
        select(
            Application.id,
            Application.number,
            Person.full_name,
            Program.title,
            Group.name,
            Application.status,
        )
        .join(page, page.c.id == Application.id)
        .join(Person, Person.id == Application.applicant_id)
        .join(Group, Group.id == Application.group_id)
        .join(Program, Program.id == Group.program_id)
        .order_by(Application.number)
    )
    return [Entry(i, n, name, title, grp, Status(st)) for i, n, name, title, grp, st in rows]


async def entry_ids(
    session: AsyncSession,
    org_ids: Iterable[int],
    *,
    status: Status | None = None,
    surname: str | None = None,
) -> list[int]:
    """The ids of all the filter's entries (for «Одобрить все»: a school's new ones)."""
    query = _filtered(select(Application.id), org_ids, status, surname)
    return list(await session.scalars(query.order_by(Application.number)))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
