"""The daily digest, and what every scheduled pass shares (PRODUCT.md §5).

Each person has one moment a day for scheduled messages: their digest time (their own setting or
DIGEST_TIME), moved to the end of their quiet hours when it falls inside them. From that moment
on, until midnight, the person is *due*: the scheduler's tick a minute picks up everyone due whose
pass of the day is not yet recorded (`DigestLog`). That one rule gives the digest at its time, the
catch-up after a restart and the wait for the end of quiet hours.

A pass is recorded in the transaction that queues its messages, and also when it found nothing to
send: a director with nothing waiting at 09:00 does not get a digest at 10:00 for an application
that arrived meanwhile (its card went out at once).

Scale: a pass reads the roster (all deciders and staff with their settings) and the waiting
applications in a constant number of statements, whatever the number of people.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Application,
    Deputy,
    DigestLog,
    Group,
    OutboxMessage,
    OutboxState,
    Person,
    PersonRole,
    Role,
    Status,
)
from services.calendar import WorkCalendar
from services.outbox import OutboxItem, enqueue_many
from services.quiet import Window, is_quiet, parse_hhmm, window_of

# DigestLog kinds: the daily passes.
DIGEST: Final = "digest"

# Message layout shared with the renderer (handlers.render.digest): a part holds at most
# PART_LINES lines below its head; the renderer keeps every line within LINE_CHARS characters of
# HTML and the head within HEAD_CHARS, so a part never exceeds Telegram's 4096 characters
# (400 + 28 x 121 = 3788). Deciding the parts here, when queueing, gives one outbox row per
# message, each with a stable key.
PART_LINES: Final = 28
LINE_CHARS: Final = 120
HEAD_CHARS: Final = 400

# Ids per `IN (...)`, as in services.notifications.
IN_CHUNK: Final = 5000

_T = TypeVar("_T")


@dataclass(frozen=True)
class Schedule:
    """Plain values a pass needs (from Settings, see bot.scheduler)."""

    tz: ZoneInfo
    digest_at: time
    quiet: Window
    calendar: WorkCalendar
    reminder_after_days: int = 3
    reminder_every_days: int = 2
    escalate_after_days: int = 7
    deadline_days: int = 3

    def today(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()


@dataclass(frozen=True)
class Recipient:
    """A linked, reachable person with their scheduled-message settings."""

    person_id: int
    at: time
    quiet: Window

    def moment(self) -> time:
        """The digest time, or the end of the quiet hours when it falls inside them."""
        if self.quiet is not None and _inside(self.at, self.quiet):
            return self.quiet[1]
        return self.at

    def due(self, now: datetime, tz: ZoneInfo) -> bool:
        return now.astimezone(tz).time() >= self.moment() and not is_quiet(now, tz, self.quiet)

    def not_before(self, now: datetime, tz: ZoneInfo) -> datetime:
        """Now, or the end of the quiet hours when now is inside them.

        Payloads carry the local day of this moment as their `day`: the day the message is
        for, after which the renderer drops it as stale.
        """
        if self.quiet is None or not is_quiet(now, tz, self.quiet):
            return now
        local = now.astimezone(tz)
        end = datetime.combine(local.date(), self.quiet[1], tzinfo=tz)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(UTC)


def _inside(moment: time, window: tuple[time, time]) -> bool:
    start, end = window
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def recipient(
    person_id: int, digest_time: str | None, quiet_hours: str | None, schedule: Schedule
) -> Recipient:
    at = schedule.digest_at
    if digest_time:
        # A broken personal setting falls back to the operator's default.
        with contextlib.suppress(ValueError):
            at = parse_hhmm(digest_time)
    return Recipient(person_id, at, window_of(quiet_hours, schedule.quiet))


@dataclass
class Roster:
    """Everyone scheduled work may write to today, read once per tick."""

    recipients: dict[int, Recipient] = field(default_factory=dict)
    # Decider → the schools they decide on today (own school as director, deputyships).
    schools: dict[int, set[int]] = field(default_factory=dict)
    staff: set[int] = field(default_factory=set)


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


async def done_today(session: AsyncSession, kind: str, day: date) -> set[int]:
    """People whose pass of `kind` is recorded for `day` (one statement: the unique index)."""
    return set(
        await session.scalars(
            select(DigestLog.person_id).where(DigestLog.day == day, DigestLog.kind == kind)
        )
    )


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


@dataclass(frozen=True)
class Waiting:
    """A `new` application as scheduled work sees it."""

    id: int
    number: int
    organization_id: int
    since: date  # the day it was submitted (or arrived, when the date is unknown)
    study_start: date | None


async def waiting_applications(
    session: AsyncSession, schedule: Schedule, org_ids: Iterable[int] | None = None
) -> list[Waiting]:
    """`new` applications of these schools (None: of all), oldest first."""
    query = (
        select(
            Application.id,
            Application.number,
            Application.organization_id,
            Application.submitted_on,
            Application.created_at,
            Group.study_start,
        )
        .join(Group, Group.id == Application.group_id)
        .where(Application.status == Status.NEW)
    )
    rows: list[tuple[int, int, int, date | None, datetime, date | None]] = []
    if org_ids is None:
        rows.extend((await session.execute(query)).tuples())
    else:
        for chunk in chunks(sorted(set(org_ids)), IN_CHUNK):
            found = await session.execute(query.where(Application.organization_id.in_(chunk)))
            rows.extend(found.tuples())
    waiting = [
        Waiting(
            app_id,
            number,
            org_id,
            submitted_on or created_at.astimezone(schedule.tz).date(),
            study_start,
        )
        for app_id, number, org_id, submitted_on, created_at, study_start in rows
    ]
    waiting.sort(key=lambda app: (app.since, app.number))
    return waiting


def by_school(apps: Iterable[Waiting]) -> dict[int, list[Waiting]]:
    grouped: dict[int, list[Waiting]] = defaultdict(list)
    for app in apps:
        grouped[app.organization_id].append(app)
    return grouped


def of_person(schools: Iterable[int], grouped: dict[int, list[Waiting]]) -> list[Waiting]:
    """The applications of a decider's schools, oldest first."""
    apps = [app for org_id in schools for app in grouped.get(org_id, ())]
    apps.sort(key=lambda app: (app.since, app.number))
    return apps


def split(
    items: Sequence[_T], lines: Callable[[_T | None, _T], int] | None = None
) -> list[list[_T]]:
    """Parts of at most PART_LINES lines.

    `lines(previous, item)` counts the lines an item takes after `previous` (None at the top of
    a part, where headings are repeated); one line each by default.
    """
    parts: list[list[_T]] = []
    current: list[_T] = []
    used = 0
    for item in items:
        size = lines(current[-1] if current else None, item) if lines else 1
        if current and used + size > PART_LINES:
            parts.append(current)
            current, used = [], 0
            size = lines(None, item) if lines else 1
        current.append(item)
        used += size
    if current:
        parts.append(current)
    return parts


def chunks(items: Sequence[_T], size: int) -> Iterable[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Queued:
    """What a pass queued: per recipient, the messages and when they may go."""

    items: list[tuple[OutboxItem, datetime]] = field(default_factory=list)
    people: set[int] = field(default_factory=set)

    def add(self, item: OutboxItem, not_before: datetime) -> None:
        self.items.append((item, not_before))
        if item.person_id is not None:
            self.people.add(item.person_id)


async def enqueue_scheduled(session: AsyncSession, queued: Queued, now: datetime) -> int:
    """Write the messages; those of people in their quiet hours are due when the hours end.

    One `enqueue_many` (constant statements), then one UPDATE per distinct end of quiet hours
    (a handful: people share the operator's default or a few personal windows).
    """
    written = await enqueue_many(session, [item for item, _ in queued.items], now=now)
    later: dict[datetime, list[str]] = defaultdict(list)
    for item, not_before in queued.items:
        if not_before > now:
            later[not_before].append(item.key)
    for not_before, keys in sorted(later.items()):
        for chunk in chunks(keys, 1000):
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.key.in_(chunk), OutboxMessage.state == OutboxState.PENDING)
                .values(not_before=not_before)
                .execution_options(synchronize_session=False)
            )
    return written


@dataclass
class PassReport:
    people: int = 0  # recipients who were sent something
    messages: int = 0  # outbox rows written


async def send_digests(
    session: AsyncSession,
    schedule: Schedule,
    now: datetime,
    *,
    roster: Roster | None = None,
    anytime: bool = False,
    force: bool = False,
) -> PassReport:
    """Queue the digests of everyone due now (the scheduler) or of every decider (`anytime`).

    `anytime` (the `digest` command) ignores the time and the day but keeps the once-a-day rule
    and the quiet hours (messages are then due when they end); `force` sends again to people who
    already had today's digest.
    """
    today = schedule.today(now)
    if not anytime and not schedule.calendar.is_working_day(today):
        return PassReport()
    roster = roster or await load_roster(session, schedule, today)
    done = await done_today(session, DIGEST, today)
    chosen = select_due(roster, roster.schools, done, now, schedule, anytime=anytime, force=force)
    if not chosen:
        return PassReport()
    schools = {org_id for who in chosen for org_id in roster.schools[who.person_id]}
    grouped = by_school(await waiting_applications(session, schedule, schools))
    queued = Queued()
    # A forced digest gets keys of its own: the day's keys are taken by the first one.
    suffix = f":f{int(now.timestamp() * 1000)}" if force else ""
    for who in chosen:
        apps = of_person(roster.schools[who.person_id], grouped)
        if not apps:
            continue
        parts = split(apps)
        not_before = who.not_before(now, schedule.tz)
        for index, part in enumerate(parts, start=1):
            payload = {
                "type": "digest",
                "day": schedule.today(not_before).isoformat(),
                "part": index,
                "parts": len(parts),
                "count": len(apps),
                "oldest": apps[0].since.isoformat(),
                "ids": [app.id for app in part],
            }
            item = OutboxItem(
                key=f"digest:{who.person_id}:{today.isoformat()}:{index}{suffix}",
                person_id=who.person_id,
                payload=payload,
                method="digest",
            )
            queued.add(item, not_before)
    await record_done(
        session, (who.person_id for who in chosen if who.person_id not in done), DIGEST, today, now
    )
    written = await enqueue_scheduled(session, queued, now)
    return PassReport(people=len(queued.people), messages=written)
