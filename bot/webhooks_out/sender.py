"""The delivery loop (`WebhookSender`): claim, POST with no transaction open, record."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Final

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.webhooks_out.claiming import Job, claim
from bot.webhooks_out.signing import EVENT_HEADER, SIGNATURE_HEADER, encode, sign
from models import utcnow
from services import outbox

log = logging.getLogger("bot.webhooks_out")

CONCURRENCY: Final = 8


class WebhookSender:
    """Delivers webhook outbox rows until stopped; `wake()` makes it look at once."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        url: str,
        secret: str,
        *,
        poll_interval: float = 5.0,
        backoff_base: float = 1.0,
        max_backoff: float = 300.0,
        timeout: float = 10.0,
        lease: timedelta = timedelta(minutes=2),
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._url = url
        self._secret = secret
        self._poll_interval = poll_interval
        self._backoff_base = backoff_base
        self._max_backoff = max_backoff
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._lease = lease
        self._now = now
        self._wakeup = asyncio.Event()
        self._stop = asyncio.Event()
        self._http: aiohttp.ClientSession | None = None
        self._next_due: datetime | None = None

    def wake(self) -> None:
        self._wakeup.set()

    async def stop(self) -> None:
        self._stop.set()
        self._wakeup.set()

    async def run(self) -> None:
        """Passes until `stop()`; a failing pass is logged and retried after the poll interval."""
        self._http = aiohttp.ClientSession(timeout=self._timeout)
        try:
            while not self._stop.is_set():
                self._wakeup.clear()
                try:
                    busy = await self.run_once()
                except Exception as exc:
                    log.warning("webhooks: pass failed (%s)", type(exc).__name__)
                    busy = False
                if busy or self._stop.is_set():
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), self._idle_time())
        finally:
            await self._http.close()
            self._http = None

    async def run_once(self) -> bool:
        """One pass; True if something was claimed (there may be more to do at once)."""
        jobs = await claim(
            self._sessionmaker,
            lease=self._lease,
            now=self._now(),
            hold=timedelta(seconds=self._backoff_base),
        )
        if not jobs:
            return False
        by_application: dict[int | None, list[Job]] = defaultdict(list)
        singles: list[list[Job]] = []
        for job in jobs:
            if job.application_id is None:
                singles.append([job])
            else:
                by_application[job.application_id].append(job)
        chains = [*by_application.values(), *singles]
        semaphore = asyncio.Semaphore(CONCURRENCY)

        async def deliver(chain: list[Job]) -> None:
            async with semaphore:
                await self._deliver_chain(chain)

        await asyncio.gather(*(deliver(chain) for chain in chains))
        return True

    # -- delivering ----------------------------------------------------------------------------

    async def _deliver_chain(self, chain: list[Job]) -> None:
        """One application's events in order; after a failure the rest wait for it."""
        for index, job in enumerate(chain):
            failure = await self._post(job)
            if failure is None:
                await self._record(self._sent(job.message_id))
                continue
            delay, error = failure
            now = self._now()
            due = now + timedelta(seconds=delay)
            rest: list[int] = [later.message_id for later in chain[index + 1 :]]

            await self._record(self._retry(job.message_id, delay, error, now, rest))
            if self._next_due is None or due < self._next_due:
                self._next_due = due
            return

    def _retry(
        self, message_id: int, delay: float, error: str, now: datetime, rest: list[int]
    ) -> Callable[[AsyncSession], Awaitable[None]]:
        async def write(session: AsyncSession) -> None:
            await outbox.mark_retry(
                session, message_id, delay=timedelta(seconds=delay), error=error, now=now
            )
            if rest:
                # Later events of the application wait for this one.
                await outbox.release_claim(session, rest, not_before=now + timedelta(seconds=delay))

        return write

    def _sent(self, message_id: int) -> Callable[[AsyncSession], Awaitable[None]]:
        async def write(session: AsyncSession) -> None:
            await outbox.mark_sent(session, message_id, telegram_message_id=None, now=self._now())

        return write

    async def _post(self, job: Job) -> tuple[float, str] | None:
        """POST one event: None when acknowledged, else (delay before the next try, why)."""
        assert self._http is not None
        body = encode(job.payload)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(body, self._secret),
            EVENT_HEADER: str(job.payload.get("event_id", "")),
        }
        try:
            async with self._http.post(self._url, data=body, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    log.debug("webhook %s: delivered", job.message_id)
                    return None
                error = f"HTTP {response.status}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = type(exc).__name__
        delay = self._backoff(job.attempts)
        log.info("webhook %s: %s, retry in %.2fs", job.message_id, error, delay)
        return delay, error

    async def _record(self, write: Callable[[AsyncSession], Awaitable[None]]) -> None:
        # Shielded: once an event went out, a cancelled sender must still record it.
        async def run() -> None:
            for attempt in range(3):
                try:
                    async with self._sessionmaker.begin() as session:
                        await write(session)
                    return
                except Exception as exc:
                    log.warning("webhooks: recording failed (%s)", type(exc).__name__)
                    await asyncio.sleep(0.2 * 2**attempt)

        await asyncio.shield(run())

    def _backoff(self, attempts: int) -> float:
        return float(min(self._max_backoff, self._backoff_base * 2 ** max(0, attempts - 1)))

    def _idle_time(self) -> float:
        """Until the next poll, or sooner when a retry this process scheduled falls due."""
        if self._next_due is None:
            return self._poll_interval
        wait = (self._next_due - self._now()).total_seconds()
        self._next_due = None
        return max(0.0, min(self._poll_interval, wait))
