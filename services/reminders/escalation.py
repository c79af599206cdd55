"""The staff's pass: one escalation digest a working day of the applications waiting too long."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Organization
from services.digest import (
    IN_CHUNK,
    PassReport,
    Queued,
    Roster,
    Schedule,
    done_today,
    enqueue_scheduled,
    record_done,
    select_due,
    split,
    waiting_applications,
)
from services.outbox import OutboxItem
from services.outbox.chunks import chunks
from services.reminders.kinds import ESCALATION, working_age


async def _escalation_pass(
    session: AsyncSession,
    schedule: Schedule,
    roster: Roster,
    now: datetime,
    today: date,
    anytime: bool,
) -> PassReport:
    done = await done_today(session, ESCALATION, today, roster.staff)
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
            not_before = who.not_before(now)
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
