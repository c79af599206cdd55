"""The sender's state: what is in hand, chats busy, free or held, outcomes to write, the
events its tasks wait on; and the timing helpers they share."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender.budget import SendBudget
from bot.sender.jobs import Job, Renderer, Write
from models import utcnow

# Calls in flight at once: 30/s with round trips up to ~500 ms needs this many.
DEFAULT_CONCURRENCY: Final = 16
# While running, messages claimed per chat at once: enough for the chat's next second or two;
# more would sit in hand while other chats wait to be claimed.
AHEAD_PER_CHAT: Final = 2


class SenderCore:
    """The state the feeder, the dispatcher and the recorder share, and their timing helpers."""

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
        budget: SendBudget | None = None,
    ) -> None:
        """`clock` (seconds, monotonic) paces the calls; `now` (aware UTC) is what is written
        to the database. Tests pass both from one controllable clock.

        `batch`: the calls kept ready in hand while running (and claimed by one pass).
        `budget`: Telegram's limits, shared with the handlers' replies (`bot.sender.budget`);
        by default one of this sender's own at `rate_per_second` and `per_chat_interval`."""
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
        self._budget = budget or SendBudget(rate_per_second, per_chat_interval, clock=clock)
        self._pacer = self._budget.pacer
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
        self._chats: dict[int, list[Job]] = {}
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

    # -- timing ------------------------------------------------------------------------------

    def _backoff(self, attempts: int) -> float:
        """1 s, 2 s, 4 s ... by attempts made so far (the claim counts one), capped."""
        return float(min(self._max_backoff, 2 ** max(0, attempts - 1)))

    def _forget_idle_chats(self) -> None:
        clock, now = self._clock(), self._now()
        for chat_id in [chat for chat, free in self._chat_free.items() if free <= clock]:
            del self._chat_free[chat_id]
        self._budget.forget_idle()
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

    def _in_hand(self) -> int:
        # A chat's calls beyond its next two are not soon to go: they do not fill the hand.
        return sum(min(len(jobs), AHEAD_PER_CHAT) for jobs in self._chats.values())

    def _ran_low(self) -> None:
        # Only a feeder waiting for room is told (once): below the low-water mark after a short
        # claim it looks again on its own, and a call each would make a claim each.
        if self._waiting_for_room and self._in_hand() <= self._low_water:
            self._waiting_for_room = False
            self._wakeup.set()
