"""The real APScheduler, with the clock moved by time-machine: time zone, catch-up, restarts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, time
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.passes import schedule_from_settings
from bot.scheduler import (
    JOB_ID,
    MISFIRE_GRACE_SECONDS,
    ScheduledWork,
)
from bot.settings import load_settings
from models import DigestLog
from models.engine import create_engine, create_sessionmaker
from tests.test_digest import MONDAY, YEKT, make_schedule, rows, school_with


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_the_digest_goes_at_nine_in_yekaterinburg(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    director_id, _ = await school_with(sqlite_sessionmaker)
    woken: list[bool] = []
    start = datetime.combine(MONDAY, time(8, 59, 58, 500_000), tzinfo=YEKT)
    with time_machine.travel(start, tick=True):
        work = ScheduledWork(make_schedule(), sqlite_sessionmaker, wake=lambda: woken.append(True))
        work.start()
        try:
            await asyncio.sleep(0.5)  # the start-up tick ran at 08:59:58: nothing due yet
            assert await rows(sqlite_sessionmaker) == []
            assert await eventually(lambda: _has_rows(sqlite_sessionmaker), timeout=4)
        finally:
            await work.shutdown()
    [row] = await rows(sqlite_sessionmaker)
    assert row.person_id == director_id
    assert row.created_at.astimezone(YEKT).time() >= time(9, 0)
    assert woken == [True]


async def _has_rows(sessionmaker: async_sessionmaker[AsyncSession]) -> bool:
    return bool(await rows(sessionmaker))


async def test_catch_up_after_downtime_and_none_twice_after_a_restart(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    await school_with(sqlite_sessionmaker)
    # The bot was down at 09:00 and starts at 11:30 the same day.
    with time_machine.travel(datetime.combine(MONDAY, time(11, 30), tzinfo=YEKT), tick=True):
        first = ScheduledWork(make_schedule(), sqlite_sessionmaker)
        first.start()
        try:
            assert await eventually(lambda: _has_rows(sqlite_sessionmaker), timeout=3)
        finally:
            await first.shutdown()
        again = Counting(make_schedule(), sqlite_sessionmaker)
        again.start()
        try:
            assert await eventually(lambda: _ticked(again), timeout=3)  # its start-up tick
        finally:
            await again.shutdown()
    assert len(await rows(sqlite_sessionmaker)) == 1
    async with sqlite_sessionmaker() as session:
        digests = select(func.count()).where(DigestLog.kind == "digest")
        assert await session.scalar(digests) == 1


class Counting(ScheduledWork):
    ticks = 0

    async def tick(self) -> None:
        await super().tick()
        self.ticks += 1


async def _ticked(work: Counting) -> bool:
    return work.ticks > 0


async def test_one_job_with_an_explicit_time_zone_misfire_grace_and_coalescing(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
):
    work = ScheduledWork(make_schedule(), sqlite_sessionmaker)
    work.start()
    try:
        job = work.job
        assert job is not None and job.id == JOB_ID
        assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS
        assert job.coalesce is True
        assert job.max_instances == 1
        assert str(job.trigger.timezone) == "Asia/Yekaterinburg"
        assert job.args == ("default",)  # a plain name, nothing that needs pickling
    finally:
        await work.shutdown()
    assert work.job is None


async def test_a_failing_tick_is_logged_without_personal_data_and_survives(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")  # no tables
    try:
        work = ScheduledWork(make_schedule(), create_sessionmaker(engine))
        with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
            await work.tick()
    finally:
        await engine.dispose()
    assert "scheduled passes failed (OperationalError)" in caplog.text


def test_settings_give_the_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMEZONE", "Asia/Yekaterinburg")
    monkeypatch.setenv("DIGEST_TIME", "07:45")
    monkeypatch.setenv("QUIET_HOURS", "off")
    monkeypatch.setenv("REMINDER_AFTER_DAYS", "4")
    schedule = schedule_from_settings(load_settings(_env_file=None))
    assert (schedule.digest_at, schedule.quiet, schedule.reminder_after_days) == (
        time(7, 45),
        None,
        4,
    )
    assert schedule.tz == YEKT
