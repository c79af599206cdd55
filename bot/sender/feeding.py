"""Feeding: claiming due messages (interactive first, chats in turn, a few per chat ahead) and
rendering them into calls kept in hand, in per-chat order."""

from __future__ import annotations

import bisect
import logging
from collections.abc import Collection, Sequence
from datetime import timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from bot.sender.core import AHEAD_PER_CHAT
from bot.sender.jobs import Job, in_chat_order
from bot.sender.outcomes import Recorder
from handlers.render.outgoing import Deferred
from models import OutboxMessage, OutboxPriority
from services import outbox

log = logging.getLogger("bot.sender")

# While calls remain in hand but nothing more was due, look again this often (seconds): a
# chat's backlog is claimed two at a time.
REFILL_INTERVAL: Final = 0.5
# Claims at most this often (seconds), however often the sender is woken.
CLAIM_GAP: Final = 0.05


class Feeder(Recorder):
    """Claims and renders ahead, keeping about `batch` calls in hand."""

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
            bisect.insort(self._chats.setdefault(job.outgoing.chat_id, []), job, key=in_chat_order)
        self._changed.set()
        return len(claimed)

    async def _render_all(self, claimed: Sequence[OutboxMessage], start_by: float) -> list[Job]:
        jobs: list[Job] = []
        nothing: list[int] = []
        deferred: list[tuple[int, Deferred]] = []
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
                if isinstance(outgoing, Deferred):
                    deferred.append((message.id, outgoing))
                    self._due_at(outgoing.until)
                    continue
                self._seq += 1
                jobs.append(
                    Job(
                        message.id,
                        message.person_id,
                        message.attempts,
                        message.priority,
                        self._seq,
                        start_by,
                        outgoing,
                    )
                )
        if nothing or broken or deferred:
            now = self._now()

            async def write(session: AsyncSession) -> None:
                for message_id, later in deferred:
                    await outbox.release_claim(session, [message_id], not_before=later.until)
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

            self._record(write, [*nothing, *(m.id for m, _ in broken), *(i for i, _ in deferred)])
        return jobs
