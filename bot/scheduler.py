"""Scheduled work of `dpo-bot run`: one job a minute runs the daily passes (PRODUCT.md §5).

Not one job per director: the tick selects everyone due now (services.digest) in a constant
number of statements, so 1,000 directors with different digest times cost the same as ten. The
job takes a plain name and opens its own session; the objects it needs are looked up by that
name, so nothing but strings would ever go into a job store.

APScheduler's defaults would silently skip a run delayed by more than a second (a busy loop, a
suspended VM); here a late tick still runs within MISFIRE_GRACE_SECONDS, missed ticks are
coalesced into one, and one tick never overlaps another. A tick that still missed its window
loses nothing: the next one finds the same people due. On start a tick runs at once: the
catch-up of what fell due while the bot was down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Final

from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.leader import Leadership
from bot.passes import PassesReport, run_passes, schedule_from_settings
from bot.retention import (
    DEFAULT_CARD_RETENTION_DAYS,
    DEFAULT_OUTBOX_RETENTION_DAYS,
    prune_records,
)
from bot.settings import Settings
from models import utcnow
from services import digest

log = logging.getLogger(__name__)

JOB_ID: Final = "scheduled-passes"
MISFIRE_GRACE_SECONDS: Final = 50
# How long a stop waits for a tick in progress (its transaction is short).
STOP_GRACE_SECONDS: Final = 10.0

# Running schedulers by name: what a job's plain argument refers to.
_running: dict[str, ScheduledWork] = {}


async def tick(name: str) -> None:
    """The job: run the passes of the scheduler registered as `name`."""
    work = _running.get(name)
    if work is not None:
        await work.tick()


class ScheduledWork:
    """The AsyncIOScheduler and its one job, started and stopped with the bot."""

    def __init__(
        self,
        schedule: digest.Schedule,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        wake: Callable[[], None] | None = None,
        name: str = "default",
        now: Callable[[], datetime] = utcnow,
        card_retention_days: int = DEFAULT_CARD_RETENTION_DAYS,
        outbox_retention_days: int = DEFAULT_OUTBOX_RETENTION_DAYS,
        leadership: Leadership | None = None,
    ) -> None:
        """`wake` tells the outbox sender that messages were queued; `now` is for tests;
        with `leadership`, a tick runs the passes only while this process holds the lease."""
        self._leadership = leadership
        self.schedule = schedule
        self._sessionmaker = sessionmaker
        self._wake = wake
        self._name = name
        self._now = now
        self._card_retention_days = card_retention_days
        self._outbox_retention_days = outbox_retention_days
        self._scheduler: AsyncIOScheduler | None = None
        self._ticking: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        wake: Callable[[], None] | None = None,
        leadership: Leadership | None = None,
    ) -> ScheduledWork:
        return cls(
            schedule_from_settings(settings),
            sessionmaker,
            wake=wake,
            leadership=leadership,
            card_retention_days=settings.card_retention_days,
            outbox_retention_days=settings.outbox_retention_days,
        )

    @property
    def job(self) -> Job | None:
        """The one job, while started."""
        return self._scheduler.get_job(JOB_ID) if self._scheduler is not None else None

    def start(self) -> None:
        """Start ticking at the top of every minute, with a first tick right now (catch-up)."""
        if self._scheduler is not None:
            return
        tz = self.schedule.tz
        scheduler = AsyncIOScheduler(
            timezone=tz,
            job_defaults={
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
                "coalesce": True,
                "max_instances": 1,
            },
        )
        scheduler.add_job(
            tick,
            CronTrigger(second=0, timezone=tz),
            args=[self._name],
            id=JOB_ID,
            name="scheduled passes",
            replace_existing=True,
            next_run_time=datetime.now(tz),
        )
        _running[self._name] = self
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler started (time zone %s)", tz.key)

    async def shutdown(self) -> None:
        """Stop the job, wait (briefly) for a tick in progress to commit, give the lease up."""
        if self._scheduler is not None:
            # No new ticks; a tick in progress finishes first: shutting APScheduler down cancels
            # the coroutine jobs it is running, and a cancelled tick would log a traceback.
            self._scheduler.pause()
            if self._ticking is not None and not self._ticking.done():
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(asyncio.shield(self._ticking), STOP_GRACE_SECONDS)
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
            if _running.get(self._name) is self:
                del _running[self._name]
            log.info("scheduler stopped")
        if self._leadership is not None:
            await self._leadership.release()

    async def tick(self) -> None:
        """Run the passes once; never raises (a failed tick is retried by the next one)."""
        self._ticking = asyncio.current_task()
        try:
            if self._leadership is not None and not await self._leadership.check():
                return  # another replica runs the passes
            now = self._now()
            report = await run_passes(
                self._sessionmaker, self.schedule, now, committed=self._part_committed
            )
            await prune_records(
                self._sessionmaker,
                now,
                card_retention_days=self._card_retention_days,
                outbox_retention_days=self._outbox_retention_days,
            )
        except IntegrityError:
            # Another replica recorded the same pass first; its messages are queued.
            log.info("scheduled passes: done meanwhile by another process")
            return
        except Exception as exc:
            log.error("scheduled passes failed (%s)", type(exc).__name__)
            log.debug("scheduled passes failure", exc_info=True)
            return
        finally:
            self._ticking = None
        if report.messages:
            log.info("scheduled passes queued %d messages", report.messages)

    def _part_committed(self, _report: PassesReport) -> None:
        # What a part of the pass queued is committed: the sender starts on it at once.
        if self._wake is not None:
            self._wake()
