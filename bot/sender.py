"""The outbox sender: delivers queued notifications within Telegram's limits (PRODUCT.md §6).

A pipeline of three tasks, none of which waits for the others' passes:
- the feeder claims due messages (a lease, see `services.outbox.claim_due`: interactive ones
  first, chats in turn) and renders them in one short read transaction, keeping about `batch`
  calls ready in hand;
- the dispatcher starts each call as soon as the limits allow, choosing among the chats that
  may get one now the most urgent message, and within a priority the chat claimed first; it
  never waits for a call to return or for an outcome to be written;
- the recorder writes the outcomes right after their calls return, those that came in
  together in one short transaction.
No transaction is open across a network call (an SQLite write lock must never be held across
one). A crash between a call and its record is the only window in which a message can go out
twice; a claimed message that was never sent waits for its lease to expire (a stop hands it
back at once).

Limits: no one-second window sees more than `rate_per_second` calls start (`CallPacer`: starts
evenly spaced, and time lost while there was work is made up within that bound), one call per
`per_chat_interval` per chat, and at most `concurrency` calls in flight (enough for the rate
with slow round trips). Messages of one chat go one after another, by priority, then by age.

Why updates cannot starve it: the dispatcher's only waits are the limits themselves; claiming,
rendering and writing happen in the other tasks. However busy the loop, a late start costs no
throughput: the pacer makes it up.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import math
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

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
from aiogram.types import Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.render.outgoing import Outgoing
from models import CardMessage, OutboxMessage, OutboxPriority, utcnow
from services import outbox

log = logging.getLogger(__name__)

# Calls in flight at once: 30/s with round trips up to ~500 ms needs this many.
DEFAULT_CONCURRENCY: Final = 16
# Attempts to write an outcome before giving up on it (the lease then sends it again).
RECORD_ATTEMPTS: Final = 3
# Outcomes written in one transaction at most.
RECORD_BATCH: Final = 200
MAX_ERROR_LENGTH: Final = 200
# Both limits keep this margin (seconds): a call reaches Telegram a few ms after it starts here,
# more on a busy loop, and one call too many in a second costs a 429 and its retry_after (3 %
# of the rate buys room for 30 ms of such jitter).
LIMIT_SLACK: Final = 0.03
# How much lost time (seconds of calls) the pacer may make up at once.
CATCH_UP: Final = 0.5
# While running, messages claimed per chat at once: enough for the chat's next second or two;
# more would sit in hand while other chats wait to be claimed.
AHEAD_PER_CHAT: Final = 2
# While calls remain in hand but nothing more was due, look again this often (seconds): a
# chat's backlog is claimed two at a time.
REFILL_INTERVAL: Final = 0.5
# Claims at most this often (seconds), however often the sender is woken.
CLAIM_GAP: Final = 0.05
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'|«[^»]*»")

Write = Callable[[AsyncSession], Awaitable[None]]


class Renderer(Protocol):
    """Turns an outbox message into its call; None means "nothing to send any more".

    `message` is a detached snapshot of the claimed row; the session is a short read
    transaction (changes made through it are kept, but a renderer has no reason to make any).
    """

    async def __call__(self, session: AsyncSession, message: OutboxMessage) -> Outgoing | None: ...


class CallPacer:
    """When the next call may start: `rate` a second, never more in any window, no time lost.

    A log of the last ⌊rate⌋ starts: the next may start one window (a second, plus
    `LIMIT_SLACK`) after the oldest of them, so no window sees more. Starts are also spaced
    evenly, so that the calls of a second do not bunch up at its beginning (Telegram sees a
    steady flow, and an urgent message never waits long for a gap). Time lost while there was
    work to send (a busy loop, a slow render) is made up afterwards, up to `catch_up` seconds
    of calls at once, still within the window; time with nothing to send (`idle()`) earns none.
    """

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float],
        *,
        slack: float = LIMIT_SLACK,
        catch_up: float = CATCH_UP,
    ) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.limit = max(1, math.floor(rate))
        self.window = max(1.0, self.limit / rate) + slack
        self.interval = self.window / self.limit
        self._clock = clock
        self._catch_up = catch_up
        self._starts: deque[float] = deque(maxlen=self.limit)
        self._next: float | None = None

    def delay(self) -> float:
        """Seconds until a call may start (0: now)."""
        now = self._clock()
        at = now if self._next is None else max(now, self._next)
        if len(self._starts) == self.limit:
            at = max(at, self._starts[0] + self.window)
        return at - now

    def take(self) -> None:
        """A call starts now."""
        now = self._clock()
        base = now if self._next is None else max(self._next, now - self._catch_up)
        self._next = base + self.interval
        self._starts.append(now)

    def idle(self) -> None:
        """Nothing may be sent now: the time until there is earns no catch-up."""
        if self._next is not None:
            self._next = max(self._next, self._clock())


@dataclass(frozen=True)
class _Job:
    message_id: int
    person_id: int | None
    attempts: int
    priority: int
    seq: int  # claim order: within a priority, who is served first
    start_by: float  # clock time by which the call must start, for the lease
    outgoing: Outgoing


def _in_chat_order(job: _Job) -> tuple[int, int]:
    return job.priority, job.message_id


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
        to the database. Tests pass both from one controllable clock.

        `batch`: the calls kept ready in hand while running (and claimed by one pass)."""
        self._bot = bot
        self._sessionmaker = sessionmaker
        self._render = render
        self._per_chat_interval = per_chat_interval
        self._lease = lease
        self._poll_interval = poll_interval
        self._batch = batch
        self._low_water = batch // 2
        self._max_backoff = max_backoff
        self._clock = clock
        self._now = now
        self._concurrency = concurrency
        self._pacer = CallPacer(rate_per_second, clock)
        # A call must start early enough in the lease to end (request timeout included) before
        # the lease does; otherwise another replica could claim and send the message too.
        lease_seconds = lease.total_seconds()
        self._start_window = lease_seconds / 3
        self._request_timeout = max(1, math.floor(lease_seconds / 2))
        # One pass claims per chat what can start within the lease, one interval apart.
        self._pass_per_chat = (
            max(1, math.ceil(self._start_window / per_chat_interval))
            if per_chat_interval > 0
            else None
        )
        # Ready calls by chat, in chat order (priority, then id); chats with a call in flight.
        self._chats: dict[int, list[_Job]] = {}
        self._busy: set[int] = set()
        self._calls: set[asyncio.Task[None]] = set()
        self._seq = 0
        # When each chat may get its next call (clock time), one interval after the last.
        self._chat_free: dict[int, float] = {}
        # Chats waiting for an earlier message that is to be retried (after a 429, a 5xx, a
        # network error), and until when (database time, that message's not_before): a later
        # message of the chat is handed back to the same instant, and the claim's order then
        # sends the earlier one first. While running, their people are not claimed meanwhile.
        self._chat_held: dict[int, datetime] = {}
        self._people_held: dict[int, datetime] = {}
        # Outcomes to write, in the order they happened.
        self._outcomes: list[tuple[Write, list[int]]] = []
        self._outcome_added = asyncio.Event()
        self._recording_done = False
        # One transaction of the sender at a time: on SQLite concurrent writers only queue on
        # the lock, with the busy handler's sleeps in between.
        self._db_lock = asyncio.Lock()
        self._pass_lock = asyncio.Lock()
        # Set by wake() (with _woken) and when the calls in hand run low: the feeder looks.
        self._wakeup = asyncio.Event()
        self._woken = False
        self._waiting_for_room = False
        # Set when the dispatcher's choice may have changed: new calls, a call returned, a stop.
        self._changed = asyncio.Event()
        self._stop_requested = asyncio.Event()
        self._stopped = asyncio.Event()
        self._running = False
        self._last_claim: float | None = None
        # The earliest not_before this process wrote, to look again then.
        self._next_due: datetime | None = None

    # -- control -----------------------------------------------------------------------------

    def wake(self) -> None:
        """Something was committed to the outbox: look now instead of at the next poll."""
        self._woken = True
        self._wakeup.set()

    async def run(self) -> None:
        """Send until `stop()`. Never dies of an exception: logs its type, backs off, goes on.

        One run per sender: after `stop()`, `run()` returns at once.
        """
        if self._stop_requested.is_set():
            return
        self._running = True
        self._stopped.clear()
        try:
            async with self._pass_lock:
                recorder = asyncio.create_task(self._record_loop(), name="outbox-recorder")
                feeder = asyncio.create_task(self._feed_loop(), name="outbox-feeder")
                try:
                    await self._dispatch_loop()
                finally:
                    # Shielded: a cancelled run must still let its calls end and write what
                    # happened, or those messages would go out again when their lease ends.
                    await asyncio.shield(self._shutdown(feeder, recorder))
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
        self._changed.set()
        if self._running:
            await self._stopped.wait()

    async def drain_once(self) -> int:
        """One pass: claim a batch, send what the limits allow within its lease, record.

        Returns the calls made. For tests and benchmarks: `run()` never waits for a pass.
        """
        async with self._pass_lock:
            recorder = asyncio.create_task(self._record_loop(), name="outbox-recorder")
            try:
                await self._feed(limit=self._batch, per_chat=self._pass_per_chat)
                return await self._dispatch(until_empty=True)
            finally:
                await asyncio.shield(self._finish(recorder))

    async def _shutdown(self, feeder: asyncio.Task[None], recorder: asyncio.Task[None]) -> None:
        self._stop_requested.set()
        self._wakeup.set()
        with contextlib.suppress(Exception):
            await feeder
        await self._finish(recorder)

    async def _finish(self, recorder: asyncio.Task[None]) -> None:
        """The calls in flight end, what is still in hand goes back due now, all is written."""
        if self._calls:
            await asyncio.gather(*list(self._calls), return_exceptions=True)
        for chat_id in list(self._chats):
            self._give_back_chat(chat_id, self._now())
        self._recording_done = True
        self._outcome_added.set()
        try:
            await recorder
        finally:
            self._recording_done = False

    # -- feeding: claim and render ahead ---------------------------------------------------------

    async def _feed_loop(self) -> None:
        failures = 0
        while not self._stop_requested.is_set():
            woken, self._woken = self._woken, False
            self._wakeup.clear()
            in_hand = self._in_hand()
            low = in_hand <= self._low_water
            if not low and not woken:
                self._waiting_for_room = True
                try:
                    await self._wakeup.wait()
                finally:
                    self._waiting_for_room = False
                continue
            if await self._pause(self._claim_gap()):
                return
            try:
                if low:
                    asked = self._batch - in_hand
                    got = await self._feed(
                        limit=asked, per_chat=AHEAD_PER_CHAT, skip_people=self._people_in_hand()
                    )
                else:
                    # Plenty in hand, but something was queued: perhaps a card edit, which
                    # must not wait for the bulk in hand to be sent first.
                    asked = None
                    got = await self._feed(
                        limit=self._batch,
                        per_chat=AHEAD_PER_CHAT,
                        skip_people=self._people_in_hand(),
                        max_priority=OutboxPriority.INTERACTIVE,
                    )
            except Exception as exc:
                failures += 1
                delay = min(self._max_backoff, self._poll_interval * 2 ** (failures - 1))
                log.error("outbox claim failed (%s); next in %.0fs", type(exc).__name__, delay)
                log.debug("outbox claim failure", exc_info=True)
                await self._idle(delay)
                continue
            failures = 0
            if asked is not None and got < asked:
                # Nothing more is due now, or only for chats with calls in hand.
                wait = self._idle_time()
                if self._chats:
                    wait = min(wait, REFILL_INTERVAL)
                await self._idle(wait)

    def _claim_gap(self) -> float:
        if self._last_claim is None:
            return 0.0
        return max(0.0, self._last_claim + CLAIM_GAP - self._clock())

    def _in_hand(self) -> int:
        # A chat's calls beyond its next two are not soon to go: they do not fill the hand.
        return sum(min(len(jobs), AHEAD_PER_CHAT) for jobs in self._chats.values())

    def _people_in_hand(self) -> set[int]:
        now = self._now()
        people = {person for person, until in self._people_held.items() if until > now}
        for jobs in self._chats.values():
            people.update(job.person_id for job in jobs if job.person_id is not None)
        return people

    async def _feed(
        self,
        *,
        limit: int,
        per_chat: int | None,
        skip_people: Collection[int] = (),
        max_priority: OutboxPriority | None = None,
    ) -> int:
        """Claim and render; the calls join those in hand. Returns the messages claimed."""
        self._forget_idle_chats()
        self._last_claim = self._clock()
        now = self._now()
        if self._next_due is not None and self._next_due <= now:
            self._next_due = None
        async with self._db_lock, self._sessionmaker.begin() as session:
            claimed = await outbox.claim_due(
                session,
                limit=limit,
                lease=self._lease,
                now=now,
                per_chat=per_chat,
                skip_people=skip_people,
                max_priority=max_priority,
            )
        if not claimed:
            return 0
        start_by = self._clock() + self._start_window
        for job in await self._render_all(claimed, start_by):
            bisect.insort(self._chats.setdefault(job.outgoing.chat_id, []), job, key=_in_chat_order)
        self._changed.set()
        return len(claimed)

    async def _render_all(self, claimed: Sequence[OutboxMessage], start_by: float) -> list[_Job]:
        jobs: list[_Job] = []
        nothing: list[int] = []
        broken: list[tuple[OutboxMessage, str]] = []
        async with self._db_lock, self._sessionmaker.begin() as session:
            for message in claimed:  # in the claim's order: the order to serve
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
                    continue
                self._seq += 1
                jobs.append(
                    _Job(
                        message.id,
                        message.person_id,
                        message.attempts,
                        message.priority,
                        self._seq,
                        start_by,
                        outgoing,
                    )
                )
        if nothing or broken:
            now = self._now()

            async def write(session: AsyncSession) -> None:
                for message_id in nothing:
                    await outbox.mark_failed(session, message_id, error="nothing to send")
                for message, error in broken:
                    await outbox.mark_retry(
                        session,
                        message.id,
                        delay=timedelta(seconds=self._backoff(message.attempts)),
                        error=error,
                        now=now,
                    )

            self._record(write, [*nothing, *(m.id for m, _ in broken)])
        return jobs

    # -- dispatching: start calls as the limits allow --------------------------------------------

    async def _dispatch_loop(self) -> None:
        failures = 0
        while not self._stop_requested.is_set():
            try:
                await self._dispatch(until_empty=False)
            except Exception as exc:  # a bug: log it, and keep delivering
                failures += 1
                delay = min(self._max_backoff, self._poll_interval * 2 ** (failures - 1))
                log.error("outbox dispatch failed (%s); next in %.0fs", type(exc).__name__, delay)
                log.debug("outbox dispatch failure", exc_info=True)
                await self._pause(delay)

    async def _dispatch(self, *, until_empty: bool) -> int:
        """Start calls until a stop (or, for a pass, until nothing is left); the calls made."""
        started = 0
        while not self._stop_requested.is_set():
            if len(self._calls) >= self._concurrency:
                await self._wait_for_change(None)
                continue
            job, wait = self._pick()
            if job is None:
                if until_empty and not self._chats and not self._calls:
                    break
                self._pacer.idle()
                await self._wait_for_change(wait)
                continue
            delay = self._pacer.delay()
            if delay > 0:
                # Then choose again: something more urgent may have come meanwhile.
                await self._pause(delay)
                continue
            self._start(job)
            started += 1
        return started

    def _pick(self) -> tuple[_Job | None, float | None]:
        """The call to start now, or None and how long until a chat may get one (if known).

        Calls that can no longer start within their lease are handed back on the way.
        """
        clock, now = self._clock(), self._now()
        best: _Job | None = None
        soonest: float | None = None
        for chat_id in list(self._chats):
            if chat_id in self._busy:
                continue  # its previous call has not returned yet
            head = self._chats[chat_id][0]
            held = self._chat_held.get(chat_id)
            if held is not None and held > now:
                self._give_back_chat(chat_id, held)
                continue
            if head.start_by < clock:
                self._give_back_chat(chat_id, now)
                continue
            free = self._chat_free.get(chat_id, 0.0)
            if free > clock:
                if free > head.start_by:
                    # Too long for this lease: due again when the chat is free.
                    self._give_back_chat(chat_id, now + timedelta(seconds=free - clock))
                elif soonest is None or free < soonest:
                    soonest = free
                continue
            if best is None or (head.priority, head.seq) < (best.priority, best.seq):
                best = head
        return best, None if soonest is None else soonest - clock

    def _start(self, job: _Job) -> None:
        chat_id = job.outgoing.chat_id
        jobs = self._chats[chat_id]
        jobs.pop(0)
        if not jobs:
            del self._chats[chat_id]
        self._busy.add(chat_id)
        self._chat_free[chat_id] = self._clock() + self._per_chat_interval + LIMIT_SLACK
        self._pacer.take()
        task = asyncio.create_task(self._call(job), name=f"outbox-{job.message_id}")
        self._calls.add(task)
        task.add_done_callback(self._calls.discard)
        self._ran_low()

    async def _call(self, job: _Job) -> None:
        chat_id = job.outgoing.chat_id
        try:
            await self._deliver(job)
        except Exception as exc:  # a bug: the lease sends it again
            log.error("outbox %s: delivery failed (%s)", job.message_id, type(exc).__name__)
        finally:
            # Here rather than only in a done callback: the dispatcher, woken below, must see
            # this call gone.
            task = asyncio.current_task()
            if task is not None:
                self._calls.discard(task)
            self._busy.discard(chat_id)
            self._changed.set()

    def _ran_low(self) -> None:
        # Only a feeder waiting for room is told (once): below the low-water mark after a short
        # claim it looks again on its own, and a call each would make a claim each.
        if self._waiting_for_room and self._in_hand() <= self._low_water:
            self._waiting_for_room = False
            self._wakeup.set()

    async def _deliver(self, job: _Job) -> None:
        """Make the call and queue its outcome."""
        outgoing = job.outgoing
        message_id = job.message_id
        try:
            result = await self._bot(outgoing.method, request_timeout=self._request_timeout)
        except TelegramRetryAfter as exc:
            # Flood control: honour retry_after exactly; the whole chat waits until then.
            delay = float(exc.retry_after)
            log.info("outbox %s: %s, retry in %ss", message_id, type(exc).__name__, delay)
            self._retry(job, delay, describe(exc))
            return
        except TelegramForbiddenError as exc:
            log.info("outbox %s: %s, recipient unreachable", message_id, type(exc).__name__)
            self._record_forbidden(job, describe(exc))
            # The rest of the chat goes back; `mark_unreachable` holds it meanwhile.
            if outgoing.chat_id in self._chats:
                self._give_back_chat(outgoing.chat_id, self._now())
            return
        except TelegramBadRequest as exc:
            if _not_modified(exc):
                log.debug("outbox %s: not modified, taken as sent", message_id)
                self._record_sent(job, None)
                return
            log.info("outbox %s: %s, failed", message_id, type(exc).__name__)
            self._record_failed(job, describe(exc))
            return
        except (TelegramMigrateToChat, TelegramEntityTooLarge) as exc:
            log.info("outbox %s: %s, failed", message_id, type(exc).__name__)
            self._record_failed(job, describe(exc))
            return
        except (
            TelegramServerError,
            TelegramNetworkError,
            aiohttp.ClientError,
            TimeoutError,
        ) as exc:
            delay = self._backoff(job.attempts)
            log.info("outbox %s: %s, retry in %ss", message_id, type(exc).__name__, delay)
            self._retry(job, delay, describe(exc))
            return
        except Exception as exc:
            # 401, 404, 409, an undecodable answer, a bug: nothing says the message is wrong,
            # so it is retried like a server error (and the log says what happened).
            delay = self._backoff(job.attempts)
            log.warning("outbox %s: %s, retry in %ss", message_id, type(exc).__name__, delay)
            self._retry(job, delay, describe(exc))
            return
        log.debug("outbox %s: sent", message_id)
        self._record_sent(job, result.message_id if isinstance(result, Message) else None)

    # -- outcomes ----------------------------------------------------------------------------

    def _record_sent(self, job: _Job, telegram_message_id: int | None) -> None:
        outgoing = job.outgoing
        sent_at = self._now()

        async def write(session: AsyncSession) -> None:
            await outbox.mark_sent(
                session, job.message_id, telegram_message_id=telegram_message_id, now=sent_at
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

        self._record(write, [job.message_id])

    def _retry(self, job: _Job, delay: float, error: str) -> None:
        now = self._now()
        due = now + timedelta(seconds=delay)
        chat_id = job.outgoing.chat_id
        self._chat_held[chat_id] = max(due, self._chat_held.get(chat_id, due))
        if job.person_id is not None:
            person_id = job.person_id
            self._people_held[person_id] = max(due, self._people_held.get(person_id, due))
        self._due_at(due)

        async def write(session: AsyncSession) -> None:
            await outbox.mark_retry(
                session, job.message_id, delay=timedelta(seconds=delay), error=error, now=now
            )

        self._record(write, [job.message_id])

    def _record_forbidden(self, job: _Job, error: str) -> None:
        person_id = job.person_id

        async def write(session: AsyncSession) -> None:
            if person_id is None:
                # Addressed to a chat, not a person: nobody to wait for.
                await outbox.mark_failed(session, job.message_id, error=error)
                return
            # Held, not retried: `mark_reachable` re-queues it when the person writes again.
            await outbox.mark_unreachable(session, person_id)
            await outbox.mark_held(session, job.message_id, error=error)

        self._record(write, [job.message_id])

    def _record_failed(self, job: _Job, error: str) -> None:
        async def write(session: AsyncSession) -> None:
            await outbox.mark_failed(session, job.message_id, error=error)

        self._record(write, [job.message_id])

    def _give_back_chat(self, chat_id: int, not_before: datetime) -> None:
        """Hand a chat's calls in hand back unsent (uncounted), due at `not_before`."""
        jobs = self._chats.pop(chat_id, [])
        if not jobs:
            return
        self._due_at(not_before)
        ids = [job.message_id for job in jobs]
        log.debug("outbox %s: handed back", ids)

        async def write(session: AsyncSession) -> None:
            await outbox.release_claim(session, ids, not_before=not_before)

        self._record(write, ids)
        self._ran_low()

    def _record(self, write: Write, message_ids: list[int]) -> None:
        self._outcomes.append((write, message_ids))
        self._outcome_added.set()

    async def _record_loop(self) -> None:
        """Write outcomes as they come, until `_finish` says no more will."""
        while True:
            if not self._outcomes:
                if self._recording_done:
                    return
                self._outcome_added.clear()
                await self._outcome_added.wait()
                continue
            batch = self._outcomes[:RECORD_BATCH]
            del self._outcomes[:RECORD_BATCH]
            await self._write_batch(batch)

    async def _write_batch(self, batch: Sequence[tuple[Write, list[int]]]) -> None:
        # Those that came in together share a transaction: fewer, shorter write locks than one
        # each, and the calls meanwhile go on. Should it fail, each is written on its own.
        if len(batch) > 1:
            try:
                async with self._db_lock, self._sessionmaker.begin() as session:
                    for write, _ in batch:
                        await write(session)
                return
            except Exception as exc:
                log.warning(
                    "outbox: writing %s outcomes failed (%s)", len(batch), type(exc).__name__
                )
        for write, message_ids in batch:
            await self._write_with_retries(write, message_ids)

    async def _write_with_retries(self, write: Write, message_ids: Sequence[int]) -> None:
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            try:
                async with self._db_lock, self._sessionmaker.begin() as session:
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
        for person_id in [p for p, until in self._people_held.items() if until <= now]:
            del self._people_held[person_id]

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
        """Wait for a wake (or a stop), at most `seconds`."""
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), seconds)

    async def _wait_for_change(self, seconds: float | None) -> None:
        """Wait until the dispatcher's choice may differ (or a stop), at most `seconds`."""
        self._changed.clear()
        if seconds is None:
            await self._changed.wait()
        elif seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), seconds)
