"""The `new` applications scheduled work looks at, read once per pass and grouped by school."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Group, Status
from services.digest.schedule import Schedule
from services.outbox.chunks import chunks

# Ids per `IN (...)`, as in services.notifications.
IN_CHUNK: Final = 5000


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
