"""Changes: naming a deputy, revoking a deputyship, telling the deputy."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Deputy, Person, utcnow
from services import notifications
from services.deputies.reads import colleague
from services.deputies.rules import (
    Deputyship,
    DeputyshipNotFound,
    OverlappingDeputyship,
    check_period,
    school_of,
)
from services.outbox import OutboxItem, enqueue
from services.region import DEFAULT_TZ
from services.workflow import local_today


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
