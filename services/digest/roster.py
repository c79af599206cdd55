"""Who scheduled work may write to today (directors, active deputies, staff; linked and
reachable), and the log of each person's pass of the day.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Deputy, DigestLog, Organization, Person, PersonRole, Role
from services.digest.schedule import Recipient, Schedule, recipient
from services.outbox.chunks import READ_CHUNK, chunks

# How far apart two clocks' dates can be (UTC-12 and UTC+14): the deputyships read around the
# operator's today, each then checked against its deputy's own.
_DAYS_APART: Final = timedelta(days=2)


@dataclass
class Roster:
    """Everyone scheduled work may write to today, read once per tick.

    A part of it (`parts`) holds the people of one place: `tz` and `region` are theirs (None:
    the operator's), and a pass runs it with `Schedule.local(tz, region)`.
    """

    recipients: dict[int, Recipient] = field(default_factory=dict)
    # Decider → the schools they decide on today (own school as director, deputyships).
    schools: dict[int, set[int]] = field(default_factory=dict)
    staff: set[int] = field(default_factory=set)
    tz: ZoneInfo | None = None
    region: str | None = None

    def parts(self, size: int) -> list[Roster]:
        """The roster in pieces of at most `size` people of one time zone and region, each a
        pass's transaction: the staff first, together (their escalation digest reads the whole
        region's waiting list once), then the deciders in the order of their ids."""
        places: dict[tuple[str, str | None], list[int]] = {}
        for person in sorted(self.recipients):
            who = self.recipients[person]
            places.setdefault((who.tz.key, who.region), []).append(person)
        groups: list[list[int]] = []
        for people in places.values():
            staff = [person for person in people if person in self.staff]
            if staff:
                groups.append(staff)
        for people in places.values():
            deciders = [person for person in people if person not in self.staff]
            groups += [deciders[start : start + size] for start in range(0, len(deciders), size)]
        return [self._of(group) for group in groups]

    def _of(self, group: list[int]) -> Roster:
        first = self.recipients[group[0]]
        return Roster(
            recipients={person: self.recipients[person] for person in group},
            schools={person: self.schools[person] for person in group if person in self.schools},
            staff=self.staff.intersection(group),
            tz=first.tz,
            region=first.region,
        )


async def load_roster(session: AsyncSession, schedule: Schedule, now: datetime) -> Roster:
    """Directors, active deputies and staff who are linked and reachable, each with their
    school's time zone and region: two statements.

    People the bot cannot reach get nothing queued: a digest would only wait and go stale.
    """
    roster = Roster()
    reachable = (Person.telegram_id.is_not(None), Person.reachable.is_(True))
    columns = (
        Person.id,
        Person.digest_time,
        Person.quiet_hours,
        Organization.timezone,
        Organization.region,
    )
    people = await session.execute(
        select(*columns, Person.organization_id, PersonRole.role)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(PersonRole.role.in_([Role.DIRECTOR, Role.STAFF]), *reachable)
    )
    for person_id, digest_time, quiet_hours, zone, region, org_id, role in people:
        roster.recipients[person_id] = recipient(
            person_id, digest_time, quiet_hours, schedule, timezone=zone, region=region
        )
        if role == Role.STAFF:
            roster.staff.add(person_id)
        elif org_id is not None:
            roster.schools.setdefault(person_id, set()).add(org_id)
    today = schedule.today(now)
    deputies = await session.execute(
        select(*columns, Deputy.organization_id, Deputy.starts_on, Deputy.ends_on)
        .join(Deputy, Deputy.deputy_id == Person.id)
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(
            Deputy.starts_on <= today + _DAYS_APART,
            Deputy.ends_on >= today - _DAYS_APART,
            Deputy.revoked_at.is_(None),
            *reachable,
        )
    )
    for person_id, digest_time, quiet_hours, zone, region, org_id, starts, ends in deputies:
        who = roster.recipients.get(person_id) or recipient(
            person_id, digest_time, quiet_hours, schedule, timezone=zone, region=region
        )
        if starts <= who.today(now) <= ends:
            roster.recipients[person_id] = who
            roster.schools.setdefault(person_id, set()).add(org_id)
    return roster


async def done_today(
    session: AsyncSession, kind: str, day: date, people: Collection[int]
) -> set[int]:
    """Which of `people` have their pass of `kind` recorded for `day` (the unique index; a
    statement per thousand people)."""
    done: set[int] = set()
    for part in chunks(sorted(people), READ_CHUNK):
        done.update(
            await session.scalars(
                select(DigestLog.person_id).where(
                    DigestLog.day == day, DigestLog.kind == kind, DigestLog.person_id.in_(part)
                )
            )
        )
    return done


async def record_done(
    session: AsyncSession, person_ids: Iterable[int], kind: str, day: date, now: datetime
) -> None:
    """Record the passes (the caller left out those already recorded)."""
    rows = [
        {"person_id": person_id, "kind": kind, "day": day, "created_at": now}
        for person_id in sorted(set(person_ids))
    ]
    if rows:
        await session.execute(insert(DigestLog), rows)


def select_due(
    roster: Roster,
    people: Iterable[int],
    done: set[int],
    now: datetime,
    schedule: Schedule,
    *,
    anytime: bool,
    force: bool = False,
) -> list[Recipient]:
    """Who gets a pass now: due (or anyone, for the CLI), and not yet done today unless forced."""
    chosen = []
    for person_id in sorted(set(people)):
        who = roster.recipients.get(person_id)
        if who is None or (person_id in done and not force):
            continue
        if anytime or who.due(now):
            chosen.append(who)
    return chosen
