"""One-time invitation codes that link a Telegram account to a person (PRODUCT.md §4.1, §7.1).

A code is `secrets.token_urlsafe(24)`: 192 random bits in 32 characters of `[A-Za-z0-9_-]`, the
alphabet and well within the 64 characters Telegram allows in a `/start` deep-link parameter.

Redeeming decides two conflicts this way:

* the person is already linked to another Telegram account: the invitation wins and the person
  moves to the new account. Re-issuing an invitation is how an operator hands a person over to a
  new phone or account, and holding a fresh code is the proof the operator asked for. The old
  account is told and loses its menus and cards (`services.forgetting.moved_away`).
* the Telegram account is already linked to another person: refused with `AccountLinkedElsewhere`
  and the invitation stays unused, unless the caller passes `relink=True` (after asking the user
  to confirm). A director who opens a teacher's forwarded link must not silently stop being the
  director, nor use up the teacher's code.

Once redeemed, the person's other unused invitations expire: a stale link lying in a chat can no
longer take the account over.

Codes are stored as their SHA-256 (`code_digest`), never as they are: whoever reads the
database (a backup, a replica's disk) cannot link an unused invitation to their own Telegram.
A code is 192 random bits, so a plain hash is enough (nothing to guess from it); the code itself
exists only in the link the operator hands over.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from models import Invitation, Organization, Person, utcnow
from services.forgetting import moved_away
from services.labels import fold

CODE_BYTES: Final = 24  # 192 bits
# Telegram's limit for the `start` parameter of a deep link.
DEEP_LINK_MAX: Final = 64

Reason = Literal["unknown", "used", "expired"]


class InvitationError(Exception):
    """A refused invitation request. The message is English, for the operator's terminal; the chat
    says it in its own words (`handlers.texts`)."""


class UnknownInvitees(InvitationError):
    """Some of the people or the organization asked for do not exist; nothing was created."""

    def __init__(self, codes: Sequence[str] = (), organization: str | None = None) -> None:
        parts = []
        if codes:
            parts.append("unknown codes: " + ", ".join(codes))
        if organization is not None:
            parts.append(f"unknown organization: «{organization}»")
        super().__init__("; ".join(parts) or "no one to invite was given")
        self.codes = list(codes)
        self.organization = organization


class InvalidInvitation(InvitationError):
    """The code cannot be redeemed; `reason` is one of "unknown", "used", "expired"."""

    _TEXTS: Final[dict[str, str]] = {
        "unknown": "the invitation code was not found",
        "used": "the invitation code was used already",
        "expired": "the invitation code has expired",
    }

    def __init__(self, reason: Reason) -> None:
        super().__init__(self._TEXTS[reason])
        self.reason: Reason = reason


class AccountLinkedElsewhere(InvitationError):
    """The Telegram account already belongs to another person; the invitation was not used."""

    def __init__(self, linked_person_id: int) -> None:
        super().__init__("this Telegram account is linked to another person")
        self.linked_person_id = linked_person_id


@dataclass(frozen=True)
class IssuedInvitation:
    person_code: str
    full_name: str
    code: str
    expires_at: datetime


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def code_digest(code: str) -> str:
    """What is stored for an invitation code (64 hex characters)."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def invite_link(bot_username: str, code: str) -> str:
    """The deep link that opens the bot with `/start <code>`."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


async def create_invitations(
    session: AsyncSession,
    *,
    codes: Sequence[str] = (),
    organization: str | None = None,
    ttl_days: int,
    now: datetime | None = None,
) -> list[IssuedInvitation]:
    """One new invitation per person: those with the given external codes and/or everyone of
    the organization (by name). Unknown codes or organization → `UnknownInvitees`, nothing made.

    Earlier invitations of the same people stay valid until used or expired.
    """
    if ttl_days < 1:
        raise ValueError("ttl_days must be at least 1")
    now = now or utcnow()
    wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    if not wanted and organization is None:
        raise UnknownInvitees()

    people: list[Person] = []
    if wanted:
        found = {
            person.code: person
            for person in await session.scalars(select(Person).where(Person.code.in_(wanted)))
        }
        people.extend(found[code] for code in wanted if code in found)
        unknown = [code for code in wanted if code not in found]
    else:
        unknown = []
    unknown_organization: str | None = None
    if organization is not None:
        org_id = await _organization_id(session, organization)
        if org_id is None:
            unknown_organization = organization
        else:
            people.extend(
                await session.scalars(
                    select(Person)
                    .where(Person.organization_id == org_id)
                    .order_by(Person.name_key, Person.code)
                )
            )
    if unknown or unknown_organization is not None:
        raise UnknownInvitees(unknown, unknown_organization)

    expires_at = now + timedelta(days=ttl_days)
    issued: list[IssuedInvitation] = []
    seen: set[int] = set()
    for person in people:
        if person.id in seen:
            continue
        seen.add(person.id)
        code = new_code()
        session.add(
            Invitation(
                code=code_digest(code), person_id=person.id, created_at=now, expires_at=expires_at
            )
        )
        issued.append(IssuedInvitation(person.code, person.full_name, code, expires_at))
    await session.flush()
    return issued


async def _organization_id(session: AsyncSession, name: str) -> int | None:
    """By exact name, else by the name compared without case, ё and extra spaces."""
    exact = await session.scalar(select(Organization.id).where(Organization.name == name.strip()))
    if exact is not None:
        return exact
    key = fold(name)
    for org_id, org_name in await session.execute(
        select(Organization.id, Organization.name).order_by(Organization.id)
    ):
        if fold(org_name) == key:
            return int(org_id)
    return None


async def redeem_invitation(
    session: AsyncSession,
    code: str,
    telegram_id: int,
    now: datetime | None = None,
    *,
    relink: bool = False,
) -> Person:
    """Link `telegram_id` to the invitation's person and use the code up (see the module doc).

    Raises `InvalidInvitation` ("unknown", "used", "expired") or `AccountLinkedElsewhere`.
    Redeeming one's own already-used code again is still "used": codes are single-use.
    """
    now = now or utcnow()
    code = code.strip()
    invitation = (
        await session.scalar(select(Invitation).where(Invitation.code == code_digest(code)))
        if 0 < len(code) <= DEEP_LINK_MAX
        else None
    )
    if invitation is None:
        raise InvalidInvitation("unknown")
    if invitation.used_at is not None:
        raise InvalidInvitation("used")
    if invitation.expires_at <= now:
        raise InvalidInvitation("expired")

    other = await session.scalar(
        select(Person).where(Person.telegram_id == telegram_id, Person.id != invitation.person_id)
    )
    if other is not None and not relink:
        raise AccountLinkedElsewhere(other.id)

    # Compare-and-set: of two redemptions racing (a double tap on /start), exactly one wins.
    used = await session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now, used_by_telegram_id=telegram_id)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidInvitation("used")

    if other is not None:
        other.telegram_id = None
        other.updated_at = now
        await session.flush()  # free the unique telegram_id before giving it to the person
    person = await session.get_one(Person, invitation.person_id)
    previous = person.telegram_id
    person.telegram_id = telegram_id
    person.reachable = True
    person.updated_at = now
    await session.execute(
        update(Invitation)
        .where(
            Invitation.person_id == person.id,
            Invitation.id != invitation.id,
            Invitation.used_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    if previous is not None and previous != telegram_id:
        await moved_away(session, previous, person.id, str(invitation.id))
    set_committed_value(invitation, "used_at", now)
    set_committed_value(invitation, "used_by_telegram_id", telegram_id)
    return person
