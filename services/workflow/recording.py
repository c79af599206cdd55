"""How every change is recorded: its history entry (and the comment given with it), flushed.

The entry's id keys the outbox rows the caller queues next (the notifications and the status
webhook differ per change, so each use case queues its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Comment, HistoryAction, HistoryEntry
from services.workflow.rules import Actor, Authority, Capacity


@dataclass
class Recorded:
    history: HistoryEntry
    comment: Comment | None = None


async def record_change(
    session: AsyncSession,
    application: Application,
    actor: Actor,
    capacity: Capacity,
    authority: Authority,
    action: HistoryAction,
    *,
    now: datetime,
    from_value: str | None = None,
    to_value: str | None = None,
    comment: str | None = None,
    reply_to_id: int | None = None,
) -> Recorded:
    """Add the change's history entry, and its comment (a checked text) if one was given.

    A deputy's entry names the director acted for. One flush, so the entry has its id.
    """
    saved_comment = None
    if comment is not None:
        saved_comment = Comment(
            application_id=application.id,
            author_id=actor.person_id,
            text=comment,
            reply_to_id=reply_to_id,
            created_at=now,
        )
        session.add(saved_comment)
    entry = HistoryEntry(
        application_id=application.id,
        created_at=now,
        actor_id=actor.person_id,
        on_behalf_of_id=authority.on_behalf_of_id if capacity is Capacity.DEPUTY else None,
        actor_role=capacity.value,
        channel=actor.channel,
        action=action,
        from_value=from_value,
        to_value=to_value,
        comment=comment,
    )
    session.add(entry)
    await session.flush()
    return Recorded(entry, saved_comment)
