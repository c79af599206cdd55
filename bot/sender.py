"""The outbox sender: delivers queued notifications within Telegram's limits (PRODUCT.md §6).

One pass: claim due messages (a lease, see `services.outbox.claim_due`), render them in one short
read transaction, send them with no transaction open (an SQLite write lock must never be held
across a network call), and record each outcome in its own short transaction right after its call
returns. A crash between a call and its record is the only window in which a message can go out
twice; a claimed message that was never sent waits for its lease to expire.

Limits: `rate_per_second` calls in all (a token bucket holding one token, so calls are spaced
evenly and no one-second window sees more than the rate) and one call per `per_chat_interval`
per chat. Messages of one chat go out one after another in claim (id) order; different chats go
concurrently, `concurrency` calls at a time, so the rate is reachable with slow round trips.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import CardMessage, OutboxMessage, utcnow
from services import outbox

log = logging.getLogger(__name__)

# Calls in flight at once: 30/s with ~100-300 ms round trips needs several.
DEFAULT_CONCURRENCY = 10
# Attempts to write an outcome before giving up on it (the lease then sends it again).
RECORD_ATTEMPTS = 3
MAX_ERROR_LENGTH = 200
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'|«[^»]*»")


@dataclass(frozen=True)
class Outgoing:
    """The Telegram call that delivers one outbox message."""

    method: TelegramMethod[Any]  # e.g. SendMessage(chat_id=..., text=..., reply_markup=...)
    chat_id: int
    # When set and the call returns a Message, a CardMessage(application_id, chat_id,
    # message_id, note=card_note) is recorded in the transaction that marks the message sent.
    card_application_id: int | None = None
    card_note: str | None = None


class Renderer(Protocol):
    """Turns an outbox message into its call; None means "nothing to send any more".

    `message` is a detached snapshot of the claimed row; the session is a short read
    transaction (changes made through it are kept, but a renderer has no reason to make any).
    """

    async def __call__(self, session: AsyncSession, message: OutboxMessage) -> Outgoing | None: ...


class TokenBucket:
    """`rate` tokens a second, at most `capacity` saved up.

    `reserve()` takes a token now, going into debt if there is none, and returns how long to
    wait before using it: concurrent callers are queued fairly with no lock.
    """

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float]) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("the rate must be positive and the capacity at least one token")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._updated = clock()

    def reserve(self) -> float:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        self._tokens -= 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate


@dataclass(frozen=True)
class _Job:
    message_id: int
    person_id: int | None
    attempts: int
    outgoing: Outgoing


@dataclass(frozen=True)
class _PassResult:
    claimed: int
    attempted: int


def describe(error: BaseException) -> str:
    """A short error for `OutboxMessage.last_error`: the class and Telegram's description.

    Quoted fragments are dropped: Telegram quotes pieces of the message it refused (an HTML
    tag, an entity), which may be someone's name. Network errors keep only their kind (their
    text may carry the request's URL, with the token).
    """
    name = type(error).__name__
    if isinstance(error, TelegramRetryAfter):
        return f"{name}: retry after {error.retry_after}s"
    if isinstance(error, TelegramNetworkError):
        return f"{name}: {error.message.split(':', 1)[0]}"[:MAX_ERROR_LENGTH]
    if isinstance(error, TelegramMigrateToChat) or not isinstance(error, TelegramAPIError):
        return name
    return f"{name}: {_QUOTED.sub('…', error.message)}"[:MAX_ERROR_LENGTH]


def _not_modified(error: TelegramBadRequest) -> bool:
    # An edit that changes nothing: the message already shows what it should.
    return "message is not modified" in error.message


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        render: Renderer,
        *,
        rate_per_second: float = 30.0,
        per_chat_interval: float = 1.0,
        lease: timedelta = timedelta(seconds=30),
        poll_interval: float = 2.0,
        batch: int = 50,
        max_backoff: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utcnow,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        """`clock` (seconds, monotonic) paces the calls; `now` (aware UTC) is what is written
        to the database. Tests pass both from one controllable clock."""
        self._bot = bot
        self._sessionmaker = sessionmaker
        self._render = render
        self._per_chat_interval = per_chat_interval
        self._lease = lease
        self._poll_interval = poll_interval
        self._batch = batch
        self._max_backoff = max_backoff
        self._clock = clock
        self._now = now
        self._bucket = TokenBucket(rate_per_second, 1.0, clock)
        self._slots = asyncio.Semaphore(concurrency)
        # A call must start early enough in the lease to end (request timeout included) before
        # the lease does; otherwise another replica could claim and send the message too.
        lease_seconds = lease.total_seconds()
        self._start_window = lease_seconds / 3
        self._request_timeout = max(1, math.floor(lease_seconds / 2))
        # When each chat may get its next call (clock time), one interval after the last.
        self._chat_free: dict[int, float] = {}
        # Chats waiting for an earlier message that is to be retried (after a 429, a 5xx, a
        # network error), and until when (database time, that message's not_before): a later
        # message of the chat is handed back to the same instant, and the claim's id order
        # then sends the earlier one first.
        self._chat_held: dict[int, datetime] = {}
        self._pass_lock = asyncio.Lock()
        # One outcome written at a time: on SQLite concurrent writers only queue on the lock,
        # with the busy handler's sleeps in between.
        self._write_lock = asyncio.Lock()
        self._wakeup = asyncio.Event()
        self._stop_requested = asyncio.Event()
        self._stopped = asyncio.Event()
        self._running = False
        # The earliest not_before this process wrote in the last pass, to look again then.
        self._next_due: datetime | None = None

    # -- control -----------------------------------------------------------------------------

    def wake(self) -> None:
        """Something was committed to the outbox: look now instead of at the next poll."""
        self._wakeup.set()

    async def run(self) -> None:
        """Send until `stop()`. Never dies of an exception: logs its type, backs off, goes on.

        One run per sender: after `stop()`, `run()` returns at once.
        """
        if self._stop_requested.is_set():
            return
        self._running = True
        self._stopped.clear()
        failures = 0
        try:
            while not self._stop_requested.is_set():
                self._wakeup.clear()
                try:
                    result = await self._locked_pass()
                except Exception as exc:
                    failures += 1
                    delay = min(self._max_backoff, self._poll_interval * 2 ** (failures - 1))
                    log.error("outbox pass failed (%s); next in %.0fs", type(exc).__name__, delay)
                    log.debug("outbox pass failure", exc_info=True)
                    await self._idle(delay)
                    continue
                failures = 0
                if result.claimed >= self._batch:
                    continue  # more may be due right now
                await self._idle(self._idle_time())
        finally:
            self._running = False
            self._stopped.set()
            log.info("outbox sender stopped")

    async def stop(self) -> None:
        """Stop claiming, let the calls in flight finish and their outcomes be written, return.

        Messages claimed but not yet sent are handed back, due at once, for the next start.
        """
        self._stop_requested.set()
        self._wakeup.set()
        if self._running:
            await self._stopped.wait()

    async def drain_once(self) -> int:
        """One pass: claim, send what the limits allow, record. Returns the calls made."""
        return (await self._locked_pass()).attempted

    # -- one pass ----------------------------------------------------------------------------

    async def _locked_pass(self) -> _PassResult:
        async with self._pass_lock:
            return await self._pass()

    async def _pass(self) -> _PassResult:
        self._forget_idle_chats()
        self._next_due = None
        async with self._sessionmaker.begin() as session:
            claimed = await outbox.claim_due(
                session, limit=self._batch, lease=self._lease, now=self._now()
            )
        if not claimed:
            return _PassResult(0, 0)
        start_by = self._clock() + self._start_window
        jobs = await self._render_all(claimed)
        chains: dict[int, list[_Job]] = {}
        for job in jobs:  # claim order, hence id order within each chat
            chains.setdefault(job.outgoing.chat_id, []).append(job)
        results = await asyncio.gather(
            *(self._send_chain(chain, start_by) for chain in chains.values()),
            return_exceptions=True,
        )
        attempted = 0
        for result in results:
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result
                log.error("outbox chain failed (%s)", type(result).__name__)
            else:
                attempted += result
        return _PassResult(len(claimed), attempted)

    async def _render_all(self, claimed: Sequence[OutboxMessage]) -> list[_Job]:
        jobs: list[_Job] = []
        nothing: list[int] = []
        broken: list[tuple[OutboxMessage, str]] = []
        async with self._sessionmaker.begin() as session:
            for message in claimed:
                try:
                    # A savepoint each, so that one renderer's database error leaves the
                    # session usable for the others.
                    async with session.begin_nested():
                        outgoing = await self._render(session, message)
                except Exception as exc:
                    log.warning("outbox %s: rendering failed (%s)", message.id, type(exc).__name__)
                    broken.append((message, f"render: {type(exc).__name__}"))
                    continue
                if outgoing is None:
                    log.info("outbox %s: nothing to send", message.id)
                    nothing.append(message.id)
                else:
                    jobs.append(_Job(message.id, message.person_id, message.attempts, outgoing))
        if nothing or broken:

            async def write(session: AsyncSession) -> None:
                for message_id in nothing:
                    await outbox.mark_failed(session, message_id, error="nothing to send")
                for message, error in broken:
                    await outbox.mark_retry(
                        session,
                        message.id,
                        delay=timedelta(seconds=self._backoff(message.attempts)),
                        error=error,
                        now=self._now(),
                    )

            await self._write(write, [*nothing, *(m.id for m, _ in broken)])
        return jobs

    async def _send_chain(self, chain: Sequence[_Job], start_by: float) -> int:
        """Send one chat's messages in order, each after the chat's interval; the calls made."""
        attempted = 0
        chat_id = chain[0].outgoing.chat_id
        for index, job in enumerate(chain):
            rest = chain[index:]
            held = self._chat_held.get(chat_id)
            if held is not None and held > self._now():
                await self._give_back(rest, held)
                return attempted
            wait = max(0.0, self._chat_free.get(chat_id, 0.0) - self._clock())
            if self._clock() + wait > start_by:
                # Too long for this lease: due again when the chat is free, for the next pass.
                await self._give_back(rest, self._now() + timedelta(seconds=wait))
                return attempted
            if await self._pause(wait):
                await self._give_back(rest, self._now())
                return attempted
            async with self._slots:
                if await self._pause(self._bucket.reserve()) or self._clock() > start_by:
                    await self._give_back(rest, self._now())
                    return attempted
                self._chat_free[chat_id] = self._clock() + self._per_chat_interval
                attempted += 1
                go_on = await self._deliver(job)
            if not go_on:
                # The rest of the chat waits for this one (held) or for its own turn.
                now = self._now()
                held = self._chat_held.get(chat_id)
                await self._give_back(chain[index + 1 :], max(now, held or now))
                return attempted
        return attempted

    async def _deliver(self, job: _Job) -> bool:
        """Make the call and write its outcome; False when the chat's next must not follow."""
        outgoing = job.outgoing
        message_id = job.message_id
        try:
            result = await self._bot(outgoing.method, request_timeout=self._request_timeout)
        except TelegramRetryAfter as exc:
            # Flood control: honour retry_after exactly; the whole chat waits until then.
            delay = float(exc.retry_after)
            log.info("outbox %s: %s, retry in %ss", message_id, type(exc).__name__, delay)
            await self._retry(job, delay, describe(exc))
            return False
        except TelegramForbiddenError as exc:
            log.info("outbox %s: %s, recipient unreachable", message_id, type(exc).__name__)
            await self._record_forbidden(job, describe(exc))
            return False
        except TelegramBadRequest as exc:
            if _not_modified(exc):
                log.debug("outbox %s: not modified, taken as sent", message_id)
                await self._record_sent(job, None)
                return True
            log.info("outbox %s: %s, failed", message_id, type(exc).__name__)
            await self._record_failed(job, describe(exc))
            return True
        except (TelegramMigrateToChat, TelegramEntityTooLarge) as exc:
            log.info("outbox %s: %s, failed", message_id, type(exc).__name__)
            await self._record_failed(job, describe(exc))
            return True
        except (
            TelegramServerError,
            TelegramNetworkError,
            aiohttp.ClientError,
            TimeoutError,
        ) as exc:
            delay = self._backoff(job.attempts)
            log.info("outbox %s: %s, retry in %ss", message_id, type(exc).__name__, delay)
            await self._retry(job, delay, describe(exc))
            return False
        except Exception as exc:
            # 401, 404, 409, an undecodable answer, a bug: nothing says the message is wrong,
            # so it is retried like a server error (and the log says what happened).
            delay = self._backoff(job.attempts)
            log.warning("outbox %s: %s, retry in %ss", message_id, type(exc).__name__, delay)
            await self._retry(job, delay, describe(exc))
            return False
        log.debug("outbox %s: sent", message_id)
        await self._record_sent(job, result.message_id if isinstance(result, Message) else None)
        return True

    # -- outcomes ----------------------------------------------------------------------------

    async def _record_sent(self, job: _Job, telegram_message_id: int | None) -> None:
        outgoing = job.outgoing

        async def write(session: AsyncSession) -> None:
            await outbox.mark_sent(
                session, job.message_id, telegram_message_id=telegram_message_id, now=self._now()
            )
            if outgoing.card_application_id is None or telegram_message_id is None:
                return
            known = await session.scalar(
                select(CardMessage.id).where(
                    CardMessage.application_id == outgoing.card_application_id,
                    CardMessage.chat_id == outgoing.chat_id,
                    CardMessage.message_id == telegram_message_id,
                )
            )
            if known is None:
                session.add(
                    CardMessage(
                        application_id=outgoing.card_application_id,
                        chat_id=outgoing.chat_id,
                        message_id=telegram_message_id,
                        note=outgoing.card_note,
                    )
                )

        await self._write(write, [job.message_id])

    async def _retry(self, job: _Job, delay: float, error: str) -> None:
        now = self._now()
        due = now + timedelta(seconds=delay)
        chat_id = job.outgoing.chat_id
        self._chat_held[chat_id] = max(due, self._chat_held.get(chat_id, due))
        self._due_at(due)

        async def write(session: AsyncSession) -> None:
            await outbox.mark_retry(
                session, job.message_id, delay=timedelta(seconds=delay), error=error, now=now
            )

        await self._write(write, [job.message_id])

    async def _record_forbidden(self, job: _Job, error: str) -> None:
        person_id = job.person_id

        async def write(session: AsyncSession) -> None:
            if person_id is None:
                # Addressed to a chat, not a person: nobody to wait for.
                await outbox.mark_failed(session, job.message_id, error=error)
                return
            # Held, not retried: `mark_reachable` re-queues it when the person writes again.
            await outbox.mark_unreachable(session, person_id)
            await outbox.mark_held(session, job.message_id, error=error)

        await self._write(write, [job.message_id])

    async def _record_failed(self, job: _Job, error: str) -> None:
        async def write(session: AsyncSession) -> None:
            await outbox.mark_failed(session, job.message_id, error=error)

        await self._write(write, [job.message_id])

    async def _give_back(self, jobs: Sequence[_Job], not_before: datetime) -> None:
        """Hand claimed messages back unsent (uncounted), due at `not_before`."""
        if not jobs:
            return
        self._due_at(not_before)
        ids = [job.message_id for job in jobs]
        log.debug("outbox %s: handed back", ids)

        async def write(session: AsyncSession) -> None:
            await outbox.release_claim(session, ids, not_before=not_before)

        await self._write(write, ids)

    async def _write(
        self, write: Callable[[AsyncSession], Awaitable[None]], message_ids: Sequence[int]
    ) -> None:
        # Shielded: once a call has gone out, a cancelled sender must still write what happened,
        # or the message would go out again when its lease ends.
        await asyncio.shield(self._write_with_retries(write, message_ids))

    async def _write_with_retries(
        self, write: Callable[[AsyncSession], Awaitable[None]], message_ids: Sequence[int]
    ) -> None:
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            try:
                async with self._write_lock, self._sessionmaker.begin() as session:
                    await write(session)
                return
            except Exception as exc:
                log.warning(
                    "outbox %s: writing the outcome failed (%s), attempt %s",
                    list(message_ids),
                    type(exc).__name__,
                    attempt,
                )
                if attempt < RECORD_ATTEMPTS:
                    await asyncio.sleep(0.2 * 2**attempt)
        log.error("outbox %s: outcome not written; the lease will retry", list(message_ids))

    # -- timing ------------------------------------------------------------------------------

    def _backoff(self, attempts: int) -> float:
        """1 s, 2 s, 4 s ... by attempts made so far (the claim counts one), capped."""
        return float(min(self._max_backoff, 2 ** max(0, attempts - 1)))

    def _forget_idle_chats(self) -> None:
        clock, now = self._clock(), self._now()
        for chat_id in [chat for chat, free in self._chat_free.items() if free <= clock]:
            del self._chat_free[chat_id]
        for chat_id in [chat for chat, until in self._chat_held.items() if until <= now]:
            del self._chat_held[chat_id]

    def _due_at(self, due: datetime) -> None:
        if self._next_due is None or due < self._next_due:
            self._next_due = due

    def _idle_time(self) -> float:
        """Until the next poll, or sooner when this process knows something falls due."""
        if self._next_due is None:
            return self._poll_interval
        return max(0.0, min(self._poll_interval, (self._next_due - self._now()).total_seconds()))

    async def _pause(self, seconds: float) -> bool:
        """Sleep, cut short by a stop; True if stopping."""
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop_requested.wait(), seconds)
        return self._stop_requested.is_set()

    async def _idle(self, seconds: float) -> None:
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), seconds)
