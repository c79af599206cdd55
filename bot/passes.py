"""The scheduled passes themselves: the digests, then the reminders, deadlines and escalations,
run by the scheduler's tick (`bot.scheduler`), `dpo-bot digest` / `remind` and the demo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from models import utcnow
from models.engine import AdvisoryLock, read_only, serialize
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


# People per transaction of a pass: the 09:00 pass of a region is many short transactions, so
# neither the write lock nor a replica's connection is held for the whole region, and the first
# digests go out while the rest are still being written.
PASS_BATCH: Final = 200


@dataclass
class PassesReport:
    digests: digest.PassReport = field(default_factory=digest.PassReport)
    reminders: reminders.ReminderReport | None = None

    def add(self, other: PassesReport) -> None:
        self.digests = self.digests + other.digests
        if other.reminders is not None:
            mine = self.reminders
            self.reminders = other.reminders if mine is None else mine + other.reminders

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
    batch: int = PASS_BATCH,
    committed: Callable[[PassesReport], None] | None = None,
) -> PassesReport:
    """The digests, then the reminders, deadlines and escalations, `batch` people at a time.

    The roster is read first, without a write lock; then each part of it (people of one time
    zone and region, in that place's clock and calendar) gets one transaction
    (the staff's part first), after which `committed` is told what that part queued (the bot
    wakes its sender: the first digests go out while the others are written). Parts of several
    processes (replicas, `dpo-bot digest` beside the bot) run one after another under one lock,
    and each reads who is done today inside its transaction: whoever comes second finds
    nothing left to do for those people, and a pass that stops halfway is finished by the next.
    """
    now = now or utcnow()
    async with sessionmaker() as session:
        await read_only(session)
        roster = await digest.load_roster(session, schedule, now)
    total = PassesReport()
    for part in roster.parts(batch):
        # The part's people live by their school's clock and calendar (services.locality).
        local = schedule.local(part.tz, part.region)
        async with sessionmaker.begin() as session:
            await serialize(session, AdvisoryLock.SCHEDULED_PASSES)
            report = PassesReport()
            if digests:
                report.digests = await digest.send_digests(
                    session, local, now, roster=part, anytime=anytime, force=force
                )
            if remind:
                report.reminders = await reminders.run_reminders(
                    session, local, now, roster=part, anytime=anytime
                )
        total.add(report)
        if committed is not None and report.messages:
            committed(report)
    if remind and total.reminders is None:
        total.reminders = reminders.ReminderReport(
            digest.PassReport(), digest.PassReport(), digest.PassReport()
        )
    return total
