"""A claimed, rendered message waiting for its call (`Job`), its order within a chat, and the
renderer that turns a claimed message into its call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.render.outgoing import Deferred, Outgoing
from models import OutboxMessage

Write = Callable[[AsyncSession], Awaitable[None]]


class Renderer(Protocol):
    """Turns an outbox message into its call; None means "nothing to send any more", a
    `Deferred` "not before then" (the claim is handed back, the attempt not counted).

    `message` is a detached snapshot of the claimed row; the session is a short read
    transaction (changes made through it are kept, but a renderer has no reason to make any).
    """

    async def __call__(
        self, session: AsyncSession, message: OutboxMessage
    ) -> Outgoing | Deferred | None: ...


@dataclass(frozen=True)
class Job:
    message_id: int
    person_id: int | None
    attempts: int
    priority: int
    seq: int  # claim order: within a priority, who is served first
    start_by: float  # clock time by which the call must start, for the lease
    outgoing: Outgoing


def in_chat_order(job: Job) -> tuple[int, int]:
    return job.priority, job.message_id
