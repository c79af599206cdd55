"""Outbound status webhooks (PRODUCT.md §7.4): events queued on the outbox's webhook channel."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, HistoryEntry, OutboxChannel
from services.outbox import OutboxItem, enqueue_many

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
