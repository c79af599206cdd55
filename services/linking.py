"""Linking a Telegram account to a person: by invitation code or by the person's own phone.

Wrong codes are limited per Telegram account (`WRONG_CODES_PER_HOUR`), so codes cannot be
guessed; a phone comes from Telegram's own contact of the sender, so it needs no such limit.
After a link, notifications that waited for the person are released, and a decider gets the
cards of the applications already waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import LinkAttempt, Person, utcnow
from services import notifications, outbox
from services.invitations import InvalidInvitation, redeem_invitation
from services.phones import InvalidPhone, normalize_phone
from services.region import DEFAULT_TZ

WRONG_CODES_PER_HOUR = 5


class LinkError(Exception):
    pass


class TooManyAttempts(LinkError):
    pass


class PhoneNotFound(LinkError):
    pass


class PhoneAmbiguous(LinkError):
    """Several people share the number: only an invitation can tell them apart."""


class PersonLinkedElsewhere(LinkError):
    """The person found by phone is linked to another Telegram account."""


@dataclass(frozen=True)
class Linked:
    person: Person
    waiting: int  # applications waiting for this person's decision; their cards are queued


async def link_by_code(
    session: AsyncSession,
    telegram_id: int,
    code: str,
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> Linked:
    """Raises TooManyAttempts, InvalidInvitation (recorded as a wrong attempt) or
    AccountLinkedElsewhere."""
    now = now or utcnow()
    recent = await session.scalar(
        select(func.count())
        .select_from(LinkAttempt)
        .where(
            LinkAttempt.telegram_id == telegram_id,
            LinkAttempt.attempted_at > now - timedelta(hours=1),
        )
    )
    if (recent or 0) >= WRONG_CODES_PER_HOUR:
        raise TooManyAttempts
    try:
        person = await redeem_invitation(session, code, telegram_id, now)
    except InvalidInvitation:
        # Kept: the handler answers the refusal and the update's transaction commits this row.
        session.add(LinkAttempt(telegram_id=telegram_id, attempted_at=now))
        await session.flush()
        raise
    return await _after_link(session, person, now, tz)


async def link_by_phone(
    session: AsyncSession,
    telegram_id: int,
    phone: str,
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> Linked:
    now = now or utcnow()
    try:
        normalized = normalize_phone(phone)
    except InvalidPhone as exc:
        raise PhoneNotFound from exc
    people = (await session.scalars(select(Person).where(Person.phone == normalized))).all()
    if not people:
        raise PhoneNotFound
    if len(people) > 1:
        raise PhoneAmbiguous
    person = people[0]
    if person.telegram_id is not None and person.telegram_id != telegram_id:
        raise PersonLinkedElsewhere
    other = await session.scalar(
        select(Person).where(Person.telegram_id == telegram_id, Person.id != person.id)
    )
    if other is not None:
        raise PersonLinkedElsewhere
    person.telegram_id = telegram_id
    person.reachable = True
    person.updated_at = now
    await session.flush()
    return await _after_link(session, person, now, tz)


async def _after_link(session: AsyncSession, person: Person, now: datetime, tz: ZoneInfo) -> Linked:
    await outbox.release_held(session, person.id, now=now)
    waiting = await notifications.cards_for_waiting(session, person, now=now, tz=tz)
    return Linked(person, waiting)
