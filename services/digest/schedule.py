"""When a person is due for scheduled messages: the operator's schedule and each recipient's
digest time, moved out of their quiet hours.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.calendar import WorkCalendar
from services.locality import zone_of
from services.quiet import Window, is_quiet, parse_hhmm, window_of


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

    def local(self, tz: ZoneInfo | None, region: str | None) -> Schedule:
        """The schedule as the people of one place live it: their clock (None: this one's)
        and their region's working days (services.locality)."""
        tz = tz or self.tz
        calendar = self.calendar.of(region)
        if tz == self.tz and calendar is self.calendar:
            return self
        return replace(self, tz=tz, calendar=calendar)


@dataclass(frozen=True)
class Recipient:
    """A linked, reachable person with their scheduled-message settings, in their own zone
    and region (their school's, or the operator's defaults)."""

    person_id: int
    at: time
    quiet: Window
    tz: ZoneInfo
    region: str | None = None

    def today(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    def moment(self) -> time:
        """The digest time, or the end of the quiet hours when it falls inside them."""
        if self.quiet is not None and _inside(self.at, self.quiet):
            return self.quiet[1]
        return self.at

    def due(self, now: datetime) -> bool:
        local = now.astimezone(self.tz).time()
        return local >= self.moment() and not is_quiet(now, self.tz, self.quiet)

    def not_before(self, now: datetime) -> datetime:
        """Now, or the end of the quiet hours when now is inside them.

        Payloads carry the local day of this moment as their `day`: the day the message is
        for, after which the renderer drops it as stale.
        """
        if self.quiet is None or not is_quiet(now, self.tz, self.quiet):
            return now
        local = now.astimezone(self.tz)
        end = datetime.combine(local.date(), self.quiet[1], tzinfo=self.tz)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(UTC)


def _inside(moment: time, window: tuple[time, time]) -> bool:
    start, end = window
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def recipient(
    person_id: int,
    digest_time: str | None,
    quiet_hours: str | None,
    schedule: Schedule,
    *,
    timezone: str | None = None,
    region: str | None = None,
) -> Recipient:
    """A person's settings over the operator's defaults; `timezone` and `region` are their
    school's (see services.locality)."""
    at = schedule.digest_at
    if digest_time:
        # A broken personal setting falls back to the operator's default.
        with contextlib.suppress(ValueError):
            at = parse_hhmm(digest_time)
    return Recipient(
        person_id,
        at,
        window_of(quiet_hours, schedule.quiet),
        zone_of(timezone, schedule.tz),
        region,
    )
