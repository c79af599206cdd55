"""Comments on an application (by the applicant, the school's director or deputy, or staff), and
the check every comment passes, also the one given with a status change.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Comment, HistoryAction, utcnow
from services import notifications
from services.locality import school_today
from services.region import DEFAULT_TZ
from services.workflow.authority import get_application, standing_of
from services.workflow.errors import (
    COMMENT_MAX_LENGTH,
    CommentTooLong,
    EmptyComment,
    NotAllowed,
    names_the_application,
)
from services.workflow.recording import record_change
from services.workflow.rules import Actor, Capacity, pick_capacity


def check_comment(comment: str | None) -> str | None:
    if comment is None:
        return None
    comment = comment.strip()
    if not comment:
        return None
    if len(comment) > COMMENT_MAX_LENGTH:
        raise CommentTooLong(len(comment))
    return comment


@names_the_application
async def add_comment(
    session: AsyncSession,
    application: Application | int,
    actor: Actor,
    text: str,
    *,
    reply_to_id: int | None = None,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> Comment:
    """A comment by the applicant, the school's director or deputy, or staff."""
    now = now or utcnow()
    if isinstance(application, int):
        application = await get_application(session, application)
    authority = await standing_of(session, actor, application, school_today(application, now, tz))
    checked = check_comment(text)
    if checked is None:
        raise EmptyComment
    capacity = pick_capacity(authority.capacities, frozenset(Capacity), actor.acting_as)
    if capacity is None:
        raise NotAllowed(application.status)
    recorded = await record_change(
        session,
        application,
        actor,
        capacity,
        authority,
        HistoryAction.COMMENT,
        now=now,
        comment=checked,
        reply_to_id=reply_to_id,
    )
    assert recorded.comment is not None  # a comment was given
    await notifications.comment_added(
        session,
        application,
        recorded.history.id,
        by_applicant=capacity is Capacity.APPLICANT,
        now=now,
        tz=tz,
    )
    return recorded.comment
