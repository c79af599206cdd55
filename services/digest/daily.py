"""The daily digest pass: to each decider due now, the `new` applications of their schools."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from services.digest.queueing import PassReport, Queued, enqueue_scheduled, split
from services.digest.roster import Roster, done_today, record_done, select_due
from services.digest.schedule import Schedule
from services.digest.waiting import by_school, of_person, waiting_applications
from services.outbox import OutboxItem

# DigestLog kinds: the daily passes.
DIGEST: Final = "digest"


async def send_digests(
    session: AsyncSession,
    schedule: Schedule,
    now: datetime,
    *,
    roster: Roster,
    anytime: bool = False,
    force: bool = False,
) -> PassReport:
    """Queue the digests of everyone of `roster` due now (the scheduler) or of every decider
    (`anytime`). The roster is of one place and `schedule` is localised to it
    (`Schedule.local`; bot.passes.run_passes does both).

    `anytime` (the `digest` command) ignores the time and the day but keeps the once-a-day rule
    and the quiet hours (messages are then due when they end); `force` sends again to people who
    already had today's digest.
    """
    today = schedule.today(now)
    if not anytime and not schedule.calendar.is_working_day(today):
        return PassReport()
    done = await done_today(session, DIGEST, today, roster.schools)
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
        not_before = who.not_before(now)
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
