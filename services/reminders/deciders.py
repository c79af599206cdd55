"""The deciders' pass: reminders of applications left `new`, warnings of near study starts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ReminderLog
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
    of_person,
    record_done,
    select_due,
    split,
    waiting_applications,
)
from services.outbox import OutboxItem
from services.outbox.chunks import chunks
from services.reminders.kinds import DEADLINE, REMIND, REMINDER, working_age


async def _decider_pass(
    session: AsyncSession,
    schedule: Schedule,
    roster: Roster,
    now: datetime,
    today: date,
    anytime: bool,
) -> tuple[PassReport, PassReport]:
    done = await done_today(session, REMIND, today, roster.schools)
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
        not_before = who.not_before(now)
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
