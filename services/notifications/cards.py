"""Application cards: new applications to their deciders, cards redrawn after a change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, CardMessage, OutboxPriority, Person, Status, utcnow
from services.notifications.recipients import deciders, waiting_for
from services.outbox import OutboxItem, enqueue_many
from services.region import DEFAULT_TZ

# CardMessage.note: whose screen a card is, so that a refresh keeps its buttons.
DECIDER_CARD = "decider"  # decision buttons while new
TEACHER_CARD = "teacher"  # the applicant's «Мои заявки» card


def card_item(
    application_id: int, person_id: int, priority: OutboxPriority | None = None
) -> OutboxItem:
    return OutboxItem(
        key=f"card:{application_id}:{person_id}",
        person_id=person_id,
        payload={"type": "card", "application_id": application_id},
        application_id=application_id,
        method="card",
        priority=priority,
    )


async def applications_arrived(
    session: AsyncSession,
    application_ids: Sequence[int],
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
    priority: OutboxPriority | None = None,
) -> int:
    """A card to every decider of each new application's school; returns how many were queued.

    People who switched instant cards off get these applications in the digest instead.
    `priority`: BULK for an import's cards, which must not hold up anyone's taps.
    """
    if not application_ids:
        return 0
    now = now or utcnow()
    rows: list[tuple[int, int]] = []
    for start in range(0, len(application_ids), 5000):
        chunk = list(application_ids[start : start + 5000])
        rows.extend(
            (
                await session.execute(
                    select(Application.id, Application.organization_id).where(
                        Application.id.in_(chunk), Application.status == Status.NEW
                    )
                )
            ).tuples()
        )
    by_org = await deciders(session, (org for _, org in rows), now.astimezone(tz).date())
    wanted = {pid for people in by_org.values() for pid in people}
    opted_out = set()
    if wanted:
        opted_out = set(
            (
                await session.scalars(
                    select(Person.id).where(Person.id.in_(wanted), Person.instant_cards.is_(False))
                )
            ).all()
        )
    items = [
        card_item(app_id, person_id, priority)
        for app_id, org_id in rows
        for person_id in sorted(by_org.get(org_id, ()))
        if person_id not in opted_out
    ]
    return await enqueue_many(session, items, now=now)


async def cards_for_waiting(
    session: AsyncSession, person: Person, *, now: datetime | None = None, tz: ZoneInfo = DEFAULT_TZ
) -> int:
    """After a decider links: how many applications wait, and their cards queued (once each)."""
    waiting = await waiting_for(session, person, now=now, tz=tz)
    await enqueue_many(session, [card_item(app_id, person.id) for app_id in waiting], now=now)
    return len(waiting)


def refresh_items(
    application_id: int, cards: Sequence[CardMessage], event: str
) -> list[OutboxItem]:
    return [
        OutboxItem(
            key=f"refresh:{event}:{card.id}",
            person_id=None,
            payload={
                "type": "refresh",
                "application_id": application_id,
                "chat_id": card.chat_id,
                "message_id": card.message_id,
                "view": card.note,
            },
            application_id=application_id,
            method="refresh",
        )
        for card in cards
    ]
