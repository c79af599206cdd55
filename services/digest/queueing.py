"""Queueing a pass's messages: the parts of a message, the messages of the pass, and their writing
to the outbox (due when the recipient's quiet hours end).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, TypeVar

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxMessage, OutboxState
from services.outbox import OutboxItem, enqueue_many
from services.outbox.chunks import chunks

# Message layout shared with the renderer (handlers.render.digest): a part holds at most
# PART_LINES lines below its head; the renderer keeps every line within LINE_CHARS characters of
# HTML and the head within HEAD_CHARS, so a part never exceeds Telegram's 4096 characters
# (400 + 28 x 121 = 3788). Deciding the parts here, when queueing, gives one outbox row per
# message, each with a stable key.
PART_LINES: Final = 28
LINE_CHARS: Final = 120
HEAD_CHARS: Final = 400

_T = TypeVar("_T")


def split(
    items: Sequence[_T], lines: Callable[[_T | None, _T], int] | None = None
) -> list[list[_T]]:
    """Parts of at most PART_LINES lines.

    `lines(previous, item)` counts the lines an item takes after `previous` (None at the top of
    a part, where headings are repeated); one line each by default.
    """
    parts: list[list[_T]] = []
    current: list[_T] = []
    used = 0
    for item in items:
        size = lines(current[-1] if current else None, item) if lines else 1
        if current and used + size > PART_LINES:
            parts.append(current)
            current, used = [], 0
            size = lines(None, item) if lines else 1
        current.append(item)
        used += size
    if current:
        parts.append(current)
    return parts


@dataclass
class Queued:
    """What a pass queued: per recipient, the messages and when they may go."""

    items: list[tuple[OutboxItem, datetime]] = field(default_factory=list)
    people: set[int] = field(default_factory=set)

    def add(self, item: OutboxItem, not_before: datetime) -> None:
        self.items.append((item, not_before))
        if item.person_id is not None:
            self.people.add(item.person_id)


async def enqueue_scheduled(session: AsyncSession, queued: Queued, now: datetime) -> int:
    """Write the messages; those of people in their quiet hours are due when the hours end.

    One `enqueue_many` (constant statements), then one UPDATE per distinct end of quiet hours
    (a handful: people share the operator's default or a few personal windows).
    """
    written = await enqueue_many(session, [item for item, _ in queued.items], now=now)
    later: dict[datetime, list[str]] = defaultdict(list)
    for item, not_before in queued.items:
        if not_before > now:
            later[not_before].append(item.key)
    for not_before, keys in sorted(later.items()):
        for chunk in chunks(keys, 1000):
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.key.in_(chunk), OutboxMessage.state == OutboxState.PENDING)
                .values(not_before=not_before)
                .execution_options(synchronize_session=False)
            )
    return written


@dataclass
class PassReport:
    people: int = 0  # recipients who were sent something
    messages: int = 0  # outbox rows written

    def __add__(self, other: PassReport) -> PassReport:
        return PassReport(self.people + other.people, self.messages + other.messages)
