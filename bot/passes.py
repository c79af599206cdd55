"""The scheduled passes themselves: the digests, then the reminders, deadlines and escalations,
run by the scheduler's tick (`bot.scheduler`), `dpo-bot digest` / `remind` and the demo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from models import utcnow
from models.engine import AdvisoryLock, serialize
from services import digest, reminders
from services.calendar import WorkCalendar


def schedule_from_settings(settings: Settings) -> digest.Schedule:
    """The plain values of the passes; the working-day overrides file is read here, once."""
    # Settings.workdays_file (WORKDAYS_FILE) is optional: read it when the setting exists.
    path: Path | None = settings.workdays_file
    return digest.Schedule(
        tz=settings.tz,
        digest_at=settings.digest_at,
        quiet=settings.quiet,
        calendar=WorkCalendar.from_file(path),
        reminder_after_days=settings.reminder_after_days,
        reminder_every_days=settings.reminder_every_days,
        escalate_after_days=settings.escalate_after_days,
    )


@dataclass
class PassesReport:
    digests: digest.PassReport
    reminders: reminders.ReminderReport | None

    @property
    def messages(self) -> int:
        total = self.digests.messages
        if self.reminders is not None:
            total += (
                self.reminders.reminders.messages
                + self.reminders.deadlines.messages
                + self.reminders.escalations.messages
            )
        return total


async def run_passes(
    sessionmaker: async_sessionmaker[AsyncSession],
    schedule: digest.Schedule,
    now: datetime | None = None,
    *,
    digests: bool = True,
    remind: bool = True,
    anytime: bool = False,
    force: bool = False,
) -> PassesReport:
    """One transaction: the digests, then the reminders, deadlines and escalations.

    Passes of several processes (replicas, `dpo-bot digest` beside the bot) run one after
    another: the next one starts from what the last one committed and finds nothing left to do.
    """
    now = now or utcnow()
    async with sessionmaker.begin() as session:
        await serialize(session, AdvisoryLock.SCHEDULED_PASSES)
        roster = await digest.load_roster(session, schedule, schedule.today(now))
        digest_report = digest.PassReport()
        if digests:
            digest_report = await digest.send_digests(
                session, schedule, now, roster=roster, anytime=anytime, force=force
            )
        reminder_report = None
        if remind:
            reminder_report = await reminders.run_reminders(
                session, schedule, now, roster=roster, anytime=anytime
            )
    return PassesReport(digest_report, reminder_report)
