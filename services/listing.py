"""The director's «Заявки» list: counts per status, filtered entries, surname search."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
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


async def status_counts(session: AsyncSession, org_ids: Iterable[int]) -> dict[Status, int]:
    rows = await session.execute(
        select(Application.status, func.count())
        .where(Application.organization_id.in_(list(org_ids)))
        .group_by(Application.status)
    )
    counts = dict.fromkeys(Status, 0)
    for status, count in rows:
        counts[Status(status)] = count
    return counts


async def entries(
    session: AsyncSession,
    org_ids: Iterable[int],
    *,
    status: Status | None = None,
    surname: str | None = None,
) -> list[Entry]:
    """All entries of the filter, oldest number first (a school has hundreds, not millions)."""
    query = (
        select(
            Application.id,
            Application.number,
            Person.full_name,
            Program.title,
            Group.name,
            Application.status,
        )
        .join(Person, Person.id == Application.applicant_id)
        .join(Group, Group.id == Application.group_id)
        .join(Program, Program.id == Group.program_id)
        .where(Application.organization_id.in_(list(org_ids)))
        .order_by(Application.number)
    )
    if status is not None:
        query = query.where(Application.status == status)
    if surname:
        # name_key is the folded full name (lower case, ё→е): "Семёнова" finds "семенова ...".
        query = query.where(Person.name_key.like(f"{_escape_like(fold(surname))}%", escape="\\"))
    rows = await session.execute(query)
    return [Entry(i, n, name, title, grp, Status(st)) for i, n, name, title, grp, st in rows]


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
