"""The outbox sender (`OutboxSender`): its three tasks started, stopped, or run as one pass."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.sender.dispatching import Dispatcher
from bot.sender.feeding import Feeder

log = logging.getLogger("bot.sender")


class OutboxSender(Feeder, Dispatcher):
    """Delivers queued notifications within Telegram's limits (see the package's docstring)."""

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
