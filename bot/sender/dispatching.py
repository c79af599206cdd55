"""Dispatching: starting the most urgent call a chat may get now, as the limits allow, without
waiting for calls to return."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.sender.budget import counted, drawn
from bot.sender.delivery import Delivery
from bot.sender.jobs import Job
from bot.sender.pacing import LIMIT_SLACK

log = logging.getLogger("bot.sender")


class Dispatcher(Delivery):
    """Starts the calls in hand as the limits allow."""

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
            chat_id = job.outgoing.chat_id
            refusal = await self._budget.shared.reserve(
                chat_id, new_message=counted(job.outgoing.method)[1]
            )
            if refusal is not None:  # another replica's call took the slot or the chat
                if refusal.chat:
                    self._chat_free[chat_id] = self._clock() + refusal.seconds
                else:
                    await self._pause(refusal.seconds)
                continue
            jobs = self._chats.get(chat_id)
            if not jobs or jobs[0] is not job or chat_id in self._busy:
                continue  # changed while the shared budget answered: choose again
            self._start(job)
            started += 1
        return started

    def _pick(self) -> tuple[Job | None, float | None]:
        """The call to start now, or None and how long until a chat may get one (if known).

        Calls that can no longer start within their lease are handed back on the way.
        """
        clock, now = self._clock(), self._now()
        best: Job | None = None
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
            if counted(head.outgoing.method)[1]:
                # A handler's reply into this chat counts too.
                free = max(free, self._budget.chat_free_at(chat_id))
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

    def _start(self, job: Job) -> None:
        chat_id = job.outgoing.chat_id
        jobs = self._chats[chat_id]
        jobs.pop(0)
        if not jobs:
            del self._chats[chat_id]
        self._busy.add(chat_id)
        self._chat_free[chat_id] = self._clock() + self._per_chat_interval + LIMIT_SLACK
        self._budget.take(chat_id, new_message=counted(job.outgoing.method)[1])
        task = asyncio.create_task(self._call(job), name=f"outbox-{job.message_id}")
        self._calls.add(task)
        task.add_done_callback(self._calls.discard)
        self._ran_low()

    async def _call(self, job: Job) -> None:
        chat_id = job.outgoing.chat_id
        drawn.set(True)  # this task's call is counted: `PacedReplies` lets it through
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
