"""Who scheduled work may write to today (directors, active deputies, staff; linked and
reachable), and the log of each person's pass of the day.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Deputy, DigestLog, Person, PersonRole, Role
from services.digest.schedule import Recipient, Schedule, recipient
from services.outbox.chunks import READ_CHUNK, chunks


@dataclass
class Roster:
    """Everyone scheduled work may write to today, read once per tick."""

    recipients: dict[int, Recipient] = field(default_factory=dict)
    # Decider → the schools they decide on today (own school as director, deputyships).
    schools: dict[int, set[int]] = field(default_factory=dict)
    staff: set[int] = field(default_factory=set)

    def parts(self, size: int) -> list[Roster]:
        """The roster in pieces of at most `size` people, each a pass's transaction: the staff
        first, together (their escalation digest reads the whole region's waiting list once),
        then the deciders in the order of their ids."""
        deciders = sorted(set(self.recipients) - self.staff)
        groups = [sorted(self.staff)] if self.staff else []
        groups += [deciders[start : start + size] for start in range(0, len(deciders), size)]
        return [
            Roster(
                recipients={person: self.recipients[person] for person in group},
                schools={
                    person: self.schools[person] for person in group if person in self.schools
                },
                staff=self.staff.intersection(group),
            )
            for group in groups
        ]


async def load_roster(session: AsyncSession, schedule: Schedule, today: date) -> Roster:
    """Directors, active deputies and staff who are linked and reachable: three statements.

    People the bot cannot reach get nothing queued: a digest would only wait and go stale.
    """
    roster = Roster()
    reachable = (Person.telegram_id.is_not(None), Person.reachable.is_(True))
    people = await session.execute(
        select(
            Person.id,
            Person.organization_id,
            Person.digest_time,
            Person.quiet_hours,
            PersonRole.role,
        )
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role.in_([Role.DIRECTOR, Role.STAFF]), *reachable)
    )
    for person_id, org_id, digest_time, quiet_hours, role in people:
        roster.recipients[person_id] = recipient(person_id, digest_time, quiet_hours, schedule)
        if role == Role.STAFF:
            roster.staff.add(person_id)
        elif org_id is not None:
            roster.schools.setdefault(person_id, set()).add(org_id)
    deputies = await session.execute(
        select(Person.id, Deputy.organization_id, Person.digest_time, Person.quiet_hours)
        .join(Deputy, Deputy.deputy_id == Person.id)
        .where(
            Deputy.starts_on <= today,
            Deputy.ends_on >= today,
            Deputy.revoked_at.is_(None),
            *reachable,
        )
    )
    for person_id, org_id, digest_time, quiet_hours in deputies:
        roster.recipients[person_id] = recipient(person_id, digest_time, quiet_hours, schedule)
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
        if anytime or who.due(now, schedule.tz):
            chosen.append(who)
    return chosen
