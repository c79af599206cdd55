"""Who decides on a school's applications today, and what waits for one of them (reads only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Deputy, Person, PersonRole, Role, Status, utcnow
from services.region import DEFAULT_TZ


async def deciders(
    session: AsyncSession, organization_ids: Iterable[int], today: date
) -> dict[int, set[int]]:
    """Organization id → ids of the people who decide there today (directors, active deputies)."""
    org_ids = sorted(set(organization_ids))
    result: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(org_ids), 5000):
        chunk = org_ids[start : start + 5000]
        directors = await session.execute(
            select(Person.organization_id, Person.id)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role == Role.DIRECTOR, Person.organization_id.in_(chunk))
        )
        for org_id, person_id in directors:
            result[org_id].add(person_id)
        deputies = await session.execute(
            select(Deputy.organization_id, Deputy.deputy_id).where(
                Deputy.organization_id.in_(chunk),
                Deputy.starts_on <= today,
                Deputy.ends_on >= today,
                Deputy.revoked_at.is_(None),
            )
        )
        for org_id, person_id in deputies:
            result[org_id].add(person_id)
    return result


async def waiting_for(
    session: AsyncSession, person: Person, *, now: datetime | None = None, tz: ZoneInfo = DEFAULT_TZ
) -> list[int]:
    """Ids of the `new` applications this person decides on today, oldest first."""
    now = now or utcnow()
    org_ids = set()
    if Role.DIRECTOR in person.roles and person.organization_id is not None:
        org_ids.add(person.organization_id)
    today = now.astimezone(tz).date()
    deputyships = await session.scalars(
        select(Deputy.organization_id).where(
            Deputy.deputy_id == person.id,
            Deputy.starts_on <= today,
            Deputy.ends_on >= today,
            Deputy.revoked_at.is_(None),
        )
    )
    org_ids.update(deputyships.all())
    if not org_ids:
        return []
    return list(
        (
            await session.scalars(
                select(Application.id)
                .where(Application.organization_id.in_(org_ids), Application.status == Status.NEW)
                .order_by(Application.submitted_on, Application.number)
            )
        ).all()
    )
