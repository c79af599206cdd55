"""The database side of the notification outbox (PRODUCT.md §6).

A notification is written here in the same transaction as the change that causes it; the sender
(`bot.sender`) later claims it, sends it and records the outcome. Callers own the transaction:
these functions only flush.

Life of a message: PENDING (due at `not_before`) -> SENT, or FAILED (Telegram refused it as
invalid), or HELD (the recipient cannot be reached: no Telegram account linked yet, or the bot is
blocked) -> PENDING again through `release_held` / `mark_reachable`. A claim leases a PENDING row
by moving `not_before` a lease into the future, so another replica (or this one after a crash)
takes it again only once the lease has expired.

Each row carries a priority (`OutboxPriority`): interactive messages (what someone's action
caused and they are waiting for) are claimed before bulk ones (digests, reminders, imported
cards), and within a priority the claim takes chats in turn (see `claim_due`). SENT and FAILED
rows are deleted once older than the retention (`prune`).

The package is split by use case: `items` (writing), `reach` (held and released), `claims` (the
sender's lease), `outcomes` (the result and the retention); every public name is importable from
`services.outbox` itself, where callers import it.
"""

from __future__ import annotations

from services.outbox.chunks import (
    READ_CHUNK,
    WRITE_CHUNK,
)
from services.outbox.claims import (
    CLAIM_SCAN,
    claim_due,
    release_claim,
)
from services.outbox.items import (
    BULK_METHODS,
    OutboxItem,
    enqueue,
    enqueue_many,
)
from services.outbox.outcomes import (
    MAX_ERROR,
    PRUNE_BATCH,
    mark_failed,
    mark_held,
    mark_retry,
    mark_sent,
    prune,
)
from services.outbox.reach import (
    mark_reachable,
    mark_unreachable,
    release_held,
)

__all__ = [
    "BULK_METHODS",
    "CLAIM_SCAN",
    "MAX_ERROR",
    "PRUNE_BATCH",
    "READ_CHUNK",
    "WRITE_CHUNK",
    "OutboxItem",
    "claim_due",
    "enqueue",
    "enqueue_many",
    "mark_failed",
    "mark_held",
    "mark_reachable",
    "mark_retry",
    "mark_sent",
    "mark_unreachable",
    "prune",
    "release_claim",
    "release_held",
]
