"""Who is told what, written to the outbox in the transaction of the change (PRODUCT.md §4.3, §6).

Payloads are semantic (`{"type": "status", "history_id": 7}`); the sender renders them when it
sends, in the bot's words. Keys make every event idempotent per recipient.

The package: `recipients` (who decides where, reads only), `cards` (application cards queued and
refreshed), `news` (status, comment and group news), `webhooks` (outbound status webhooks).
"""

from __future__ import annotations

from services.notifications.cards import (
    DECIDER_CARD,
    TEACHER_CARD,
    applications_arrived,
    card_item,
    cards_for_waiting,
    refresh_items,
)
from services.notifications.news import comment_added, group_changed, status_changed
from services.notifications.recipients import deciders, waiting_for
from services.notifications.webhooks import STATUS_WEBHOOKS, status_webhook, status_webhooks_enabled

__all__ = [
    "DECIDER_CARD",
    "STATUS_WEBHOOKS",
    "TEACHER_CARD",
    "applications_arrived",
    "card_item",
    "cards_for_waiting",
    "comment_added",
    "deciders",
    "group_changed",
    "refresh_items",
    "status_changed",
    "status_webhook",
    "status_webhooks_enabled",
    "waiting_for",
]
