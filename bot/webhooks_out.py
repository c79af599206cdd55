"""The outbound webhook sender (PRODUCT.md §7.4): status events POSTed to WEBHOOK_OUT_URL.

Events are outbox rows of channel `webhook` (`services.notifications.status_webhook`), written in
the transaction of the change. One pass claims due rows (a lease, `services.outbox.claim_due`),
POSTs them with no transaction open, and records each outcome in its own short transaction.

Body: the stored JSON payload serialised once, compactly; header
`X-DPO-Signature: sha256=<hex HMAC-SHA256 of the body keyed by WEBHOOK_OUT_SECRET>`, and the
event id in `X-DPO-Event-Id` as in the body. Any 2xx acknowledges; anything else (or a network
error) is retried with exponential backoff, never given up. Events of one application go out in
the order they were written: a row waits while an earlier row of its application is unsent.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import aiohttp
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import OutboxChannel, OutboxMessage, OutboxState, utcnow
from services import outbox

log = logging.getLogger(__name__)

SIGNATURE_HEADER: Final = "X-DPO-Signature"
EVENT_HEADER: Final = "X-DPO-Event-Id"
BATCH: Final = 100
CONCURRENCY: Final = 8


def encode(payload: dict[str, Any]) -> bytes:
    """The exact bytes POSTed for a payload (what the signature covers)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sign(body: bytes, secret: str) -> str:
    """The value of X-DPO-Signature for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class _Job:
    message_id: int
    application_id: int | None
    attempts: int
    payload: dict[str, Any]


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
        jobs = await self._claim()
        if not jobs:
            return False
        by_application: dict[int | None, list[_Job]] = defaultdict(list)
        singles: list[list[_Job]] = []
        for job in jobs:
            if job.application_id is None:
                singles.append([job])
            else:
                by_application[job.application_id].append(job)
        chains = [*by_application.values(), *singles]
        semaphore = asyncio.Semaphore(CONCURRENCY)

        async def deliver(chain: list[_Job]) -> None:
            async with semaphore:
                await self._deliver_chain(chain)

        await asyncio.gather(*(deliver(chain) for chain in chains))
        return True

    # -- claiming ------------------------------------------------------------------------------

    async def _claim(self) -> list[_Job]:
        now = self._now()
        async with self._sessionmaker.begin() as session:
            claimed = await outbox.claim_due(
                session, limit=BATCH, lease=self._lease, now=now, channel=OutboxChannel.WEBHOOK
            )
            if not claimed:
                return []
            jobs = [_Job(m.id, m.application_id, m.attempts, dict(m.payload)) for m in claimed]
            blocked = await self._blocked(session, jobs)
            if blocked:
                # An earlier event of the same application is still unsent (waiting for its
                # retry): these wait too, handed back without counting an attempt.
                held = [job.message_id for job in jobs if job.application_id in blocked]
                await outbox.release_claim(
                    session, held, not_before=now + timedelta(seconds=self._backoff_base)
                )
                jobs = [job for job in jobs if job.application_id not in blocked]
        return jobs

    async def _blocked(self, session: AsyncSession, jobs: Sequence[_Job]) -> set[int]:
        first: dict[int, int] = {}
        for job in jobs:
            if job.application_id is not None:
                first.setdefault(job.application_id, job.message_id)
        if not first:
            return set()
        rows = await session.execute(
            select(OutboxMessage.application_id, func.min(OutboxMessage.id))
            .where(
                OutboxMessage.channel == OutboxChannel.WEBHOOK,
                OutboxMessage.state == OutboxState.PENDING,
                OutboxMessage.application_id.in_(list(first)),
            )
            .group_by(OutboxMessage.application_id)
        )
        return {
            app_id for app_id, earliest in rows if app_id is not None and earliest < first[app_id]
        }

    # -- delivering ----------------------------------------------------------------------------

    async def _deliver_chain(self, chain: list[_Job]) -> None:
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

    async def _post(self, job: _Job) -> tuple[float, str] | None:
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
