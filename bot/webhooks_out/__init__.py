"""The outbound webhook sender (PRODUCT.md §7.4): status events POSTed to WEBHOOK_OUT_URL.

Events are outbox rows of channel `webhook` (`services.notifications.status_webhook`), written in
the transaction of the change. One pass claims due rows (a lease, `services.outbox.claim_due`),
POSTs them with no transaction open, and records each outcome in its own short transaction.

Body: the stored JSON payload serialised once, compactly; header
`X-DPO-Signature: sha256=<hex HMAC-SHA256 of the body keyed by WEBHOOK_OUT_SECRET>`, and the
event id in `X-DPO-Event-Id` as in the body. Any 2xx acknowledges; anything else (or a network
error) is retried with exponential backoff, never given up. Events of one application go out in
the order they were written: a row waits while an earlier row of its application is unsent.

`signing` makes the body and its headers, `claiming` takes a batch of due rows in order, and
`sender` is the delivery loop (`WebhookSender`).
"""

from bot.webhooks_out.claiming import BATCH
from bot.webhooks_out.sender import CONCURRENCY, WebhookSender
from bot.webhooks_out.signing import EVENT_HEADER, SIGNATURE_HEADER, encode, sign

__all__ = [
    "BATCH",
    "CONCURRENCY",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "WebhookSender",
    "encode",
    "sign",
]
