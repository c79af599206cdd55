"""A person's own notification settings (PRODUCT.md §4.5, §5): digest time, instant cards, quiet
hours.

Stored on `Person` in the string forms `services.quiet` parses (`08:30`, `21:00-08:00`, `off`);
None means "the operator's default" (`DIGEST_TIME`, `QUIET_HOURS`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Deputy, OutboxMessage, OutboxState, Person, Role, utcnow
from services.outbox.chunks import rowcount
from services.outbox.items import BULK_METHODS
from services.quiet import parse_hhmm, parse_quiet_hours

# What `services.quiet.parse_quiet_hours` reads as "no quiet hours".
QUIET_OFF = "off"


class InvalidSetting(ValueError):
    """The value typed cannot be stored; the handler asks again."""


@dataclass(frozen=True)
class PersonSettings:
    digest_time: str  # HH:MM
    digest_is_default: bool
    instant_cards: bool
    quiet_hours: str | None  # HH:MM-HH:MM, or None when switched off
    quiet_is_default: bool


def _quiet_text(value: str) -> str | None:
    window = parse_quiet_hours(value)
    if window is None:
        return None
    start, end = window
    return f"{start:%H:%M}-{end:%H:%M}"


def settings_of(person: Person, default_digest: str, default_quiet: str) -> PersonSettings:
    """What applies to the person now: their own values, else the operator's defaults."""
    digest = default_digest
    digest_is_default = True
    if person.digest_time is not None:
        # A broken stored value is ignored, as the scheduler ignores it.
        with contextlib.suppress(InvalidSetting):
            digest = normalize_digest_time(person.digest_time)
            digest_is_default = False
    quiet = _quiet_text(default_quiet)
    quiet_is_default = True
    if person.quiet_hours is not None:
        try:
            quiet = _quiet_text(person.quiet_hours)
            quiet_is_default = False
        except ValueError:
            pass
    return PersonSettings(
        digest_time=f"{parse_hhmm(digest):%H:%M}",
        digest_is_default=digest_is_default,
        instant_cards=person.instant_cards,
        quiet_hours=quiet,
        quiet_is_default=quiet_is_default,
    )


def normalize_digest_time(value: str) -> str:
    """`8:30` → `08:30`; anything that is not a time of day raises `InvalidSetting`."""
    try:
        return f"{parse_hhmm(value):%H:%M}"
    except ValueError as error:
        raise InvalidSetting(str(error)) from None


def normalize_quiet_hours(value: str) -> str:
    """`21:00 – 8:00` → `21:00-08:00`; `off` stays `off`; else `InvalidSetting`.

    A window that starts where it ends would never be quiet: refused rather than stored.
    """
    # People type dashes of every length and spaces around them.
    cleaned = "".join(value.split()).replace("–", "-").replace("—", "-")
    try:
        window = parse_quiet_hours(cleaned)
    except ValueError as error:
        raise InvalidSetting(str(error)) from None
    if window is None:
        return QUIET_OFF
    start, end = window
    if start == end:
        raise InvalidSetting("the quiet hours start where they end")
    return f"{start:%H:%M}-{end:%H:%M}"


async def set_digest_time(session: AsyncSession, person: Person, value: str) -> str:
    person.digest_time = normalize_digest_time(value)
    await session.flush()
    return person.digest_time


async def toggle_instant_cards(session: AsyncSession, person: Person) -> bool:
    """Instant cards on ↔ off (off: new applications only in the daily digest)."""
    person.instant_cards = not person.instant_cards
    await session.flush()
    return person.instant_cards


async def set_quiet_hours(session: AsyncSession, person: Person, value: str) -> str:
    """Store `HH:MM-HH:MM` or `off`; returns what was stored."""
    person.quiet_hours = normalize_quiet_hours(value)
    await session.flush()
    # What waits for the old quiet hours to end is due now: the sender decides with the new
    # ones when it is about to send (`handlers.render.outbox`), and holds it again if need be.
    await make_bulk_due(session, person.id)
    return person.quiet_hours


async def make_bulk_due(session: AsyncSession, person_id: int, now: datetime | None = None) -> int:
    """The person's scheduled messages (digests, reminders) waiting for later: due now."""
    now = now or utcnow()
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.person_id == person_id,
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.method.in_(BULK_METHODS),
            OutboxMessage.not_before > now,
            or_(OutboxMessage.held_until.is_(None), OutboxMessage.held_until <= now),
        )
        .values(not_before=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


async def gets_digests(session: AsyncSession, person: Person, today: date) -> bool:
    """Do the digest and the instant cards concern this person? Directors and staff, and a
    deputy now or later (`/settings` shows those options only to them; a teacher's screen has
    the quiet hours alone)."""
    if {Role.DIRECTOR, Role.STAFF} & person.roles:
        return True
    deputyship = await session.scalar(
        select(Deputy.id)
        .where(Deputy.deputy_id == person.id, Deputy.ends_on >= today, Deputy.revoked_at.is_(None))
        .limit(1)
    )
    return deputyship is not None
