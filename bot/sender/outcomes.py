"""Recording outcomes: what each call's answer writes to the outbox, written in short batched
transactions by the recorder task."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sender.core import SenderCore
from bot.sender.jobs import Job, Write
from models import CardMessage
from services import outbox

log = logging.getLogger("bot.sender")

# Attempts to write an outcome before giving up on it (the lease then sends it again).
RECORD_ATTEMPTS: Final = 3
# Outcomes written in one transaction at most.
RECORD_BATCH: Final = 200


class Recorder(SenderCore):
    """Queues each outcome as a write and the recorder task writes them."""

    # -- outcomes ----------------------------------------------------------------------------

    def _record_sent(self, job: Job, telegram_message_id: int | None) -> None:
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

    def _retry(self, job: Job, delay: float, error: str) -> None:
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

    def _record_forbidden(self, job: Job, error: str) -> None:
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

    def _record_failed(self, job: Job, error: str) -> None:
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
