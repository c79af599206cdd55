"""«Вернуть»: a decider takes back their own cancellation, for a short time after it.

A director (or deputy) who pressed «❌ Отменить» by mistake gets «Вернуть» under the result. It
restores the status the application had before, only

- for the person who cancelled, still deciding for the school (authority read again);
- within the window (UNDO_CANCEL_MINUTES, default 10) from the cancellation;
- while nobody else has acted on the application since: the cancellation is still its latest
  history entry and its status still «Отменена».

The history keeps both entries (the cancellation and the return, «Отменена» → the status
before), the applicant is told of the new status, and every card shown is refreshed, like any
status change.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, HistoryAction, HistoryEntry, Status, utcnow
from services.locality import school_today
from services.region import DEFAULT_TZ
from services.workflow.authority import get_application, standing_of
from services.workflow.errors import (
    NotAllowed,
    StaleStatus,
    UndoExpired,
    UndoOvertaken,
    names_the_application,
)
from services.workflow.rules import Actor, Capacity, pick_capacity
from services.workflow.status import StatusChange, apply_status_change

# Who gets «Вернуть»: a decider of the school (staff and applicants cancel for good).
UNDO_CAPACITIES = frozenset({Capacity.DIRECTOR, Capacity.DEPUTY})


@names_the_application
async def undo_cancellation(
    session: AsyncSession,
    application: Application | int,
    history_id: int,
    actor: Actor,
    *,
    window: timedelta,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> StatusChange:
    """Take back the cancellation recorded as history entry `history_id`, or raise why not."""
    now = now or utcnow()
    if isinstance(application, int):
        application = await get_application(session, application)
    authority = await standing_of(session, actor, application, school_today(application, now, tz))
    capacity = pick_capacity(authority.capacities, UNDO_CAPACITIES)
    cancelled = await session.get(HistoryEntry, history_id)
    if (
        capacity is None
        or cancelled is None
        or cancelled.application_id != application.id
        or cancelled.action is not HistoryAction.STATUS
        or cancelled.to_value != Status.CANCELLED.value
        or cancelled.actor_id is None
        or cancelled.actor_id != actor.person_id
        or cancelled.from_value is None
    ):
        raise NotAllowed(application.status)
    if now - cancelled.created_at > window:
        raise UndoExpired(window)
    latest = await session.scalar(
        select(func.max(HistoryEntry.id)).where(HistoryEntry.application_id == application.id)
    )
    if latest != cancelled.id or application.status is not Status.CANCELLED:
        raise UndoOvertaken(application.status)
    try:
        return await apply_status_change(
            session,
            application,
            actor,
            capacity,
            authority,
            seen=Status.CANCELLED,
            target=Status(cancelled.from_value),
            comment=None,
            now=now,
            tz=tz,
        )
    except StaleStatus as error:  # changed meanwhile by someone else
        raise UndoOvertaken(error.current) from None
