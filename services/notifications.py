"""Who is told what, written to the outbox in the transaction of the change (PRODUCT.md §4.3, §6).

Payloads are semantic (`{"type": "status", "history_id": 7}`); the sender renders them when it
sends, in the bot's words. Keys make every event idempotent per recipient.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Application,
    CardMessage,
    Deputy,
    HistoryEntry,
    OutboxChannel,
    OutboxPriority,
    Person,
    PersonRole,
    Role,
    Status,
    utcnow,
)
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


async def deciders(
    session: AsyncSession, organization_ids: Iterable[int], today: date
) -> dict[int, set[int]]:
    """Organization id → ids of the people who decide there today (directors, active deputies)."""
    org_ids = sorted(set(organization_ids))
    result: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(org_ids), 5000):
        chunk = org_ids[start : start + 5000]
        directors = await session.execute(
            select(Person.organization_id, Person.id)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role == Role.DIRECTOR, Person.organization_id.in_(chunk))
        )
        for org_id, person_id in directors:
            result[org_id].add(person_id)
        deputies = await session.execute(
            select(Deputy.organization_id, Deputy.deputy_id).where(
                Deputy.organization_id.in_(chunk),
                Deputy.starts_on <= today,
                Deputy.ends_on >= today,
                Deputy.revoked_at.is_(None),
            )
        )
        for org_id, person_id in deputies:
            result[org_id].add(person_id)
    return result


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


async def waiting_for(
    session: AsyncSession, person: Person, *, now: datetime | None = None, tz: ZoneInfo = DEFAULT_TZ
) -> list[int]:
    """Ids of the `new` applications this person decides on today, oldest first."""
    now = now or utcnow()
    org_ids = set()
    if Role.DIRECTOR in person.roles and person.organization_id is not None:
        org_ids.add(person.organization_id)
    today = now.astimezone(tz).date()
    deputyships = await session.scalars(
        select(Deputy.organization_id).where(
            Deputy.deputy_id == person.id,
            Deputy.starts_on <= today,
            Deputy.ends_on >= today,
            Deputy.revoked_at.is_(None),
        )
    )
    org_ids.update(deputyships.all())
    if not org_ids:
        return []
    return list(
        (
            await session.scalars(
                select(Application.id)
                .where(Application.organization_id.in_(org_ids), Application.status == Status.NEW)
                .order_by(Application.submitted_on, Application.number)
            )
        ).all()
    )


async def cards_for_waiting(
    session: AsyncSession, person: Person, *, now: datetime | None = None, tz: ZoneInfo = DEFAULT_TZ
) -> int:
    """After a decider links: how many applications wait, and their cards queued (once each)."""
    waiting = await waiting_for(session, person, now=now, tz=tz)
    await enqueue_many(session, [card_item(app_id, person.id) for app_id in waiting], now=now)
    return len(waiting)


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
    today = (now or utcnow()).astimezone(tz).date()
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


# --- outbound status webhooks (PRODUCT.md §7.4) ---------------------------------------------------

# A key of `Session.info`: true when this process queues status webhooks (WEBHOOK_OUT_URL is
# set). The process's session factory says so for every session (`bot.settings.session_info`).
STATUS_WEBHOOKS = "dpo_status_webhooks"


def status_webhooks_enabled(session: AsyncSession) -> bool:
    return bool(session.info.get(STATUS_WEBHOOKS, False))


async def status_webhook(
    session: AsyncSession,
    application: Application,
    history_id: int,
    *,
    now: datetime | None = None,
) -> bool:
    """Queue the webhook event of the status change recorded as history entry `history_id`.

    Does nothing (False) unless webhooks are enabled. The body is fixed now, so a retry sends
    the very same bytes; the key makes a second call for the same entry a no-op.
    """
    if not status_webhooks_enabled(session):
        return False
    entry = await session.get(HistoryEntry, history_id)
    if entry is None or entry.from_value is None or entry.to_value is None:
        return False
    payload = {
        "event_id": str(uuid.uuid4()),
        "type": "application.status_changed",
        "number": application.number,
        "old_status": entry.from_value,
        "new_status": entry.to_value,
        "actor_role": entry.actor_role,
        "channel": entry.channel.value,
        "comment": entry.comment,
        "time": entry.created_at.astimezone(UTC).isoformat(),
    }
    item = OutboxItem(
        key=f"webhook:status:{history_id}",
        person_id=None,
        payload=payload,
        application_id=application.id,
        method="webhook",
        channel=OutboxChannel.WEBHOOK,
    )
    return await enqueue_many(session, [item], now=now) == 1
