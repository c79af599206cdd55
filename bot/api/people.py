"""What the HTTP API does (PRODUCT.md §7.4), apart from HTTP: people.

Organizations are created when first named.
Every status or group change goes through the workflow (`services.workflow`) as the trusted
regional system on the `api` channel, so it gets its history and notifications like any other.
The caller owns the transaction; these functions only flush.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.inputs import PersonIn
from bot.api.outputs import PersonOut
from models import (
    Organization,
    Person,
    PersonRole,
    utcnow,
)
from services.labels import fold


async def find_organization(
    session: AsyncSession,
    name: str,
    municipality: str | None = None,
    *,
    timezone: str | None = None,
    region: str | None = None,
) -> Organization:
    """The organization of this name, created when new; what is given is set on it."""
    org = await session.scalar(select(Organization).where(Organization.name == name))
    if org is None:
        org = Organization(name=name, municipality=municipality or "")
        session.add(org)
    elif municipality and org.municipality != municipality:
        org.municipality = municipality
    if timezone is not None:
        org.timezone = timezone
    if region is not None:
        org.region = region
    await session.flush()
    return org


# --- people --------------------------------------------------------------------------------------


async def upsert_person(
    session: AsyncSession, code: str, data: PersonIn, *, now: datetime | None = None
) -> PersonOut:
    """Create or update the person with this external code; roles are replaced by `data.roles`."""
    now = now or utcnow()
    org = None
    if data.organization is not None:
        org = await find_organization(
            session,
            data.organization,
            data.municipality,
            timezone=data.timezone,
            region=data.region,
        )
    person = await session.scalar(select(Person).where(Person.code == code))
    created = person is None
    if person is None:
        person = Person(code=code, created_at=now, role_rows=[])
        session.add(person)
    person.full_name = data.full_name
    person.name_key = fold(data.full_name)
    person.phone = data.phone
    person.organization_id = org.id if org is not None else None
    person.updated_at = now
    wanted = set(data.roles)
    if person.roles != wanted:
        person.role_rows = [PersonRole(role=role) for role in sorted(wanted)]
    await session.flush()
    return PersonOut(
        code=person.code,
        full_name=person.full_name,
        organization=org.name if org is not None else None,
        municipality=org.municipality if org is not None else None,
        timezone=org.timezone if org is not None else None,
        region=org.region if org is not None else None,
        phone=person.phone,
        roles=sorted(person.roles),
        linked=person.telegram_id is not None,
        created=created,
    )
