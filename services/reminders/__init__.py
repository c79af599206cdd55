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

The package: `kinds` (what the logs record), `deciders` (reminders and deadline warnings),
`escalation` (the staff's digest); this module holds the entry point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.digest import PassReport, Roster, Schedule
from services.reminders.deciders import _decider_pass
from services.reminders.escalation import _escalation_pass
from services.reminders.kinds import DEADLINE, ESCALATION, REMIND, REMINDER, working_age

__all__ = [
    "DEADLINE",
    "ESCALATION",
    "REMIND",
    "REMINDER",
    "ReminderReport",
    "run_reminders",
    "working_age",
]


@dataclass
class ReminderReport:
    reminders: PassReport
    deadlines: PassReport
    escalations: PassReport

    def __add__(self, other: ReminderReport) -> ReminderReport:
        return ReminderReport(
            self.reminders + other.reminders,
            self.deadlines + other.deadlines,
            self.escalations + other.escalations,
        )


async def run_reminders(
    session: AsyncSession,
    schedule: Schedule,
    now: datetime,
    *,
    roster: Roster,
    anytime: bool = False,
) -> ReminderReport:
    """Queue the reminders, deadline warnings and escalation digests of everyone of `roster`
    due now; as for `services.digest.send_digests`, the roster is of one place and `schedule`
    is localised to it.

    `anytime` (the `remind` command) takes everyone whatever the time and the day; the rules of
    "every N working days", "once" and "one escalation digest a day" still hold.
    """
    today = schedule.today(now)
    working = schedule.calendar.is_working_day(today)
    reminders, deadlines = await _decider_pass(session, schedule, roster, now, today, anytime)
    escalations = PassReport()
    if working or anytime:
        escalations = await _escalation_pass(session, schedule, roster, now, today, anytime)
    return ReminderReport(reminders, deadlines, escalations)
