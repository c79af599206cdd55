"""Reminders, deadline warnings and the escalation digest (PRODUCT.md §5).

All three run in each person's daily pass (see services.digest for the "due" rule):

* a decider is reminded of each application `new` for more than REMINDER_AFTER_DAYS working
  days, again every REMINDER_EVERY_DAYS working days while it stays `new` (working days only);
* a decider is warned once about an application still `new` whose study starts within
  `deadline_days` days. This runs on days off too: a start after the New Year holidays would
  otherwise never be warned about;
* staff get, on working days, one escalation digest of the applications `new` for more than
  ESCALATE_AFTER_DAYS working days, grouped by municipality and school.

What each person was told about each application is kept in `ReminderLog`, so "again every N
days" and "once" survive restarts; the pass itself is recorded in `DigestLog`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Organization, ReminderLog
from services.digest import (
    IN_CHUNK,
    PassReport,
    Queued,
    Roster,
    Schedule,
    Waiting,
    by_school,
    done_today,
    enqueue_scheduled,
    load_roster,
    of_person,
    record_done,
    select_due,
    split,
    waiting_applications,
)
from services.outbox import OutboxItem
from services.outbox.chunks import chunks

# DigestLog kinds.
REMIND: Final = "remind"
ESCALATION: Final = "escalation"
# ReminderLog kinds.
REMINDER: Final = "reminder"
DEADLINE: Final = "deadline"


@dataclass
class ReminderReport:
    reminders: PassReport
    deadlines: PassReport
    escalations: PassReport


async def run_reminders(
    session: AsyncSession,
    schedule: Schedule,
    now: datetime,
    *,
    roster: Roster | None = None,
    anytime: bool = False,
) -> ReminderReport:
    """Queue the reminders, deadline warnings and escalation digests of everyone due now.

    `anytime` (the `remind` command) takes everyone whatever the time and the day; the rules of
    "every N working days", "once" and "one escalation digest a day" still hold.
    """
    today = schedule.today(now)
    working = schedule.calendar.is_working_day(today)
    roster = roster or await load_roster(session, schedule, today)
    reminders, deadlines = await _decider_pass(session, schedule, roster, now, today, anytime)
    escalations = PassReport()
    if working or anytime:
        escalations = await _escalation_pass(session, schedule, roster, now, today, anytime)
    return ReminderReport(reminders, deadlines, escalations)


def working_age(schedule: Schedule, app: Waiting, today: date) -> int:
    return schedule.calendar.working_days_between(app.since, today)


async def _decider_pass(
    session: AsyncSession,
    schedule: Schedule,
    roster: Roster,
    now: datetime,
    today: date,
    anytime: bool,
) -> tuple[PassReport, PassReport]:
    done = await done_today(session, REMIND, today)
    chosen = select_due(roster, roster.schools, done, now, schedule, anytime=anytime, force=anytime)
    if not chosen:
        return PassReport(), PassReport()
    schools = {org_id for who in chosen for org_id in roster.schools[who.person_id]}
    apps = await waiting_applications(session, schedule, schools)
    remind_days = schedule.calendar.is_working_day(today) or anytime
    ages = {app.id: working_age(schedule, app, today) for app in apps}
    overdue = [app for app in apps if remind_days and ages[app.id] > schedule.reminder_after_days]
    near = [
        app
        for app in apps
        if app.study_start is not None
        and 0 <= (app.study_start - today).days <= schedule.deadline_days
    ]
    last = await _last_told(session, [app.id for app in overdue], REMINDER)
    warned = await _last_told(session, [app.id for app in near], DEADLINE)
    overdue_by_school = by_school(overdue)
    near_by_school = by_school(near)

    reminders, warnings = Queued(), Queued()
    told: list[dict[str, Any]] = []
    for who in chosen:
        person_id = who.person_id
        schools = roster.schools[person_id]
        to_remind = [
            app
            for app in of_person(schools, overdue_by_school)
            if (previous := last.get((app.id, person_id))) is None
            or (
                previous < today
                and schedule.calendar.working_days_between(previous, today)
                >= schedule.reminder_every_days
            )
        ]
        to_warn = [
            app for app in of_person(schools, near_by_school) if (app.id, person_id) not in warned
        ]
        not_before = who.not_before(now, schedule.tz)
        day = schedule.today(not_before).isoformat()
        for part_no, part, parts in _numbered(to_remind):
            reminders.add(
                OutboxItem(
                    key=f"remind:{person_id}:{today.isoformat()}:{part_no}",
                    person_id=person_id,
                    payload={
                        "type": "reminder",
                        "day": day,
                        "part": part_no,
                        "parts": parts,
                        "after": schedule.reminder_after_days,
                        "items": [[app.id, ages[app.id]] for app in part],
                    },
                    method="reminder",
                ),
                not_before,
            )
        for part_no, part, parts in _numbered(to_warn):
            warnings.add(
                OutboxItem(
                    key=f"deadline:{person_id}:{today.isoformat()}:{part_no}",
                    person_id=person_id,
                    payload={
                        "type": "deadline",
                        "day": day,
                        "part": part_no,
                        "parts": parts,
                        "ids": [app.id for app in part],
                    },
                    method="deadline",
                ),
                not_before,
            )
        told += [_told(app.id, person_id, REMINDER, today, now) for app in to_remind]
        told += [_told(app.id, person_id, DEADLINE, today, now) for app in to_warn]
    if told:
        await session.execute(insert(ReminderLog), told)
    await record_done(
        session, (who.person_id for who in chosen if who.person_id not in done), REMIND, today, now
    )
    # One write for both kinds: reminders first, so they go out before the warnings.
    both = Queued(reminders.items + warnings.items)
    written = await enqueue_scheduled(session, both, now)
    reminder_rows = len(reminders.items)
    return (
        PassReport(len(reminders.people), min(written, reminder_rows)),
        PassReport(len(warnings.people), max(0, written - reminder_rows)),
    )


def _numbered(apps: Sequence[Waiting]) -> list[tuple[int, list[Waiting], int]]:
    parts = split(apps)
    return [(index, part, len(parts)) for index, part in enumerate(parts, start=1)]


def _told(app_id: int, person_id: int, kind: str, today: date, now: datetime) -> dict[str, Any]:
    return {
        "application_id": app_id,
        "person_id": person_id,
        "kind": kind,
        "sent_on": today,
        "created_at": now,
    }


async def _last_told(
    session: AsyncSession, app_ids: Sequence[int], kind: str
) -> dict[tuple[int, int], date]:
    """(application, person) → the last day they were told of it (`kind`)."""
    last: dict[tuple[int, int], date] = {}
    for chunk in chunks(sorted(set(app_ids)), IN_CHUNK):
        rows = await session.execute(
            select(ReminderLog.application_id, ReminderLog.person_id, func.max(ReminderLog.sent_on))
            .where(ReminderLog.application_id.in_(chunk), ReminderLog.kind == kind)
            .group_by(ReminderLog.application_id, ReminderLog.person_id)
        )
        for app_id, person_id, sent_on in rows:
            last[(app_id, person_id)] = sent_on
    return last


async def _escalation_pass(
    session: AsyncSession,
    schedule: Schedule,
    roster: Roster,
    now: datetime,
    today: date,
    anytime: bool,
) -> PassReport:
    done = await done_today(session, ESCALATION, today)
    chosen = select_due(roster, roster.staff, done, now, schedule, anytime=anytime)
    if not chosen:
        return PassReport()
    apps = await waiting_applications(session, schedule)
    late = [
        (app, age)
        for app in apps
        if (age := working_age(schedule, app, today)) > schedule.escalate_after_days
    ]
    queued = Queued()
    if late:
        places = await _places(session, {app.organization_id for app, _ in late})
        # Municipality, school, then the longest waiting first.
        late.sort(key=lambda pair: (*places[pair[0].organization_id], -pair[1], pair[0].number))
        items = [[app.id, age, *places[app.organization_id]] for app, age in late]
        parts = split(items, _escalation_lines)
        for who in chosen:
            not_before = who.not_before(now, schedule.tz)
            for index, part in enumerate(parts, start=1):
                queued.add(
                    OutboxItem(
                        key=f"escalation:{who.person_id}:{today.isoformat()}:{index}",
                        person_id=who.person_id,
                        payload={
                            "type": "escalation",
                            "day": schedule.today(not_before).isoformat(),
                            "part": index,
                            "parts": len(parts),
                            "count": len(late),
                            "after": schedule.escalate_after_days,
                            "items": [item[:2] for item in part],
                        },
                        method="escalation",
                    ),
                    not_before,
                )
    await record_done(
        session,
        (who.person_id for who in chosen if who.person_id not in done),
        ESCALATION,
        today,
        now,
    )
    written = await enqueue_scheduled(session, queued, now)
    return PassReport(len(queued.people), written)


def _escalation_lines(previous: list[Any] | None, item: list[Any]) -> int:
    """An entry's line plus the headings the renderer writes before it.

    Items are [application id, age, municipality, school]; a part starts with both headings.
    """
    if previous is None or previous[2] != item[2]:
        return 3
    if previous[3] != item[3]:
        return 2
    return 1


async def _places(session: AsyncSession, org_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """School id → (municipality, school name)."""
    places: dict[int, tuple[str, str]] = {}
    for chunk in chunks(sorted(set(org_ids)), IN_CHUNK):
        rows = await session.execute(
            select(Organization.id, Organization.municipality, Organization.name).where(
                Organization.id.in_(chunk)
            )
        )
        for org_id, municipality, name in rows:
            places[org_id] = (municipality or "", name)
    return places
