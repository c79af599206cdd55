"""The demo's region: the sample files of `bot/samples` imported into its database, an
invitation for everyone, and a Telegram user per person to play them with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import User
from models import Person
from services.importer import import_file
from services.invitations import create_invitations

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_FILES = ("people.csv", "applications.csv", "assessment.csv")
# Telegram ids of people whose code has no digits (or repeats another's) start here.
SPARE_IDS = 900_000


@dataclass(frozen=True)
class DemoPerson:
    """One person of the sample region, as the demo page lists them."""

    user: User
    code: str
    full_name: str
    roles: tuple[str, ...]
    organization: str | None
    phone: str | None
    invitation: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.user.id,
            "code": self.code,
            "name": self.full_name,
            "roles": list(self.roles),
            "organization": self.organization,
            "invitation": self.invitation,
        }


def telegram_user(full_name: str, user_id: int) -> User:
    """`Фамилия Имя Отчество` → first name `Имя`, last name `Фамилия` (as Telegram shows it)."""
    words = full_name.split()
    if len(words) >= 2:
        return User(id=user_id, first_name=words[1], last_name=words[0])
    return User(id=user_id, first_name=full_name or str(user_id))


def _user_ids(codes: list[str]) -> dict[str, int]:
    """Ids that follow the codes (P-1001 → 1001), so that the page and the logs agree."""
    ids: dict[str, int] = {}
    taken: set[int] = set()
    spare = SPARE_IDS
    for code in codes:
        digits = re.sub(r"\D", "", code)[:9]
        wanted = int(digits) if digits else 0
        if wanted == 0 or wanted in taken:
            spare += 1
            wanted = spare
        taken.add(wanted)
        ids[code] = wanted
    return ids


async def load_region(
    sessionmaker: async_sessionmaker[AsyncSession],
    samples: Path = SAMPLES,
    *,
    invite_ttl_days: int = 14,
) -> list[DemoPerson]:
    """Import the sample files (each in its own transaction, as `dpo-bot import` does) and
    issue an invitation for every person; return the people in the file's order."""
    for name in SAMPLE_FILES:
        async with sessionmaker.begin() as session:
            await import_file(session, samples / name)
    async with sessionmaker.begin() as session:
        people = list((await session.scalars(select(Person).order_by(Person.id))).all())
        issued = await create_invitations(
            session, codes=[person.code for person in people], ttl_days=invite_ttl_days
        )
        by_code = {item.person_code: item.code for item in issued}
        ids = _user_ids([person.code for person in people])
        return [
            DemoPerson(
                user=telegram_user(person.full_name, ids[person.code]),
                code=person.code,
                full_name=person.full_name,
                roles=tuple(sorted(role.value for role in person.roles)),
                organization=person.organization.name if person.organization else None,
                phone=person.phone,
                invitation=by_code[person.code],
            )
            for person in people
        ]
