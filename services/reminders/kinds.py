"""The kinds of `DigestLog` and `ReminderLog` rows the passes write, and an application's age."""

from __future__ import annotations

from datetime import date
from typing import Final

from services.digest import Schedule, Waiting

# DigestLog kinds.
REMIND: Final = "remind"
ESCALATION: Final = "escalation"
# ReminderLog kinds.
REMINDER: Final = "reminder"
DEADLINE: Final = "deadline"


def working_age(schedule: Schedule, app: Waiting, today: date) -> int:
    return schedule.calendar.working_days_between(app.since, today)
