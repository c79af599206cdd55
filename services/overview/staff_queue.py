"""The staff queue of approved applications (PRODUCT.md §4.4): a page of the queue, its count,
its ids for «Включить всех», and what each filter button offers.

Reads only; the inclusion itself is `services.bulk.include_all`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Group, Organization, Person, Program, Status


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
