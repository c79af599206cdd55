"""News of a recorded change (status, comment, group) for the applicant and the deciders."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, CardMessage, utcnow
from services.locality import school_today
from services.notifications.cards import refresh_items
from services.notifications.recipients import deciders
from services.outbox import OutboxItem, enqueue_many
from services.region import DEFAULT_TZ


def _news(kind: str, history_id: int, person_id: int, application: Application) -> OutboxItem:
    """One piece of news about a history entry, for one person."""
    return OutboxItem(
        key=f"{kind}:{history_id}:{person_id}",
        person_id=person_id,
        payload={"type": kind, "history_id": history_id},
        application_id=application.id,
        method=kind,
    )


async def _refreshes(
    session: AsyncSession, application: Application, history_id: int
) -> list[OutboxItem]:
    """Every card of the application shown in a chat, redrawn after the change."""
    shown = (
        await session.scalars(
            select(CardMessage).where(CardMessage.application_id == application.id)
        )
    ).all()
    return refresh_items(application.id, shown, f"h{history_id}")


async def _to_deciders(
    session: AsyncSession,
    application: Application,
    kind: str,
    history_id: int,
    now: datetime | None,
    tz: ZoneInfo,
) -> list[OutboxItem]:
    today = school_today(application, now or utcnow(), tz)
    people = (await deciders(session, [application.organization_id], today)).get(
        application.organization_id, set()
    )
    return [
        _news(kind, history_id, person_id, application)
        for person_id in sorted(people)
        if person_id != application.applicant_id
    ]


async def status_changed(
    session: AsyncSession,
    application: Application,
    history_id: int,
    *,
    by_applicant: bool = False,
    actor_id: int | None = None,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> None:
    """The applicant is told; every card of the application shown in a chat is refreshed.

    When the applicant withdrew it themselves, the school's deciders are told too. The applicant
    is not told of a change they made themselves (`actor_id`): their screen confirms it already.
    """
    items = await _refreshes(session, application, history_id)
    if actor_id is None or actor_id != application.applicant_id:
        items.insert(0, _news("status", history_id, application.applicant_id, application))
    if by_applicant:
        items += await _to_deciders(session, application, "status", history_id, now, tz)
    await enqueue_many(session, items, now=now)


async def comment_added(
    session: AsyncSession,
    application: Application,
    history_id: int,
    *,
    by_applicant: bool,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> None:
    """A reply of the applicant goes to the deciders; a decider's comment to the applicant."""
    if by_applicant:
        items = await _to_deciders(session, application, "comment", history_id, now, tz)
    else:
        items = [_news("comment", history_id, application.applicant_id, application)]
    await enqueue_many(session, items, now=now)


async def group_changed(
    session: AsyncSession, application: Application, history_id: int, *, now: datetime | None = None
) -> None:
    """The applicant is told of the new group (and its dates); cards are refreshed."""
    items = [
        _news("group", history_id, application.applicant_id, application),
        *await _refreshes(session, application, history_id),
    ]
    await enqueue_many(session, items, now=now)
