"""The outbox sender: delivers queued notifications within Telegram's limits (PRODUCT.md §6).

A pipeline of three tasks, none of which waits for the others' passes:
- the feeder claims due messages (a lease, see `services.outbox.claim_due`: interactive ones
  first, chats in turn) and renders them in one short read transaction, keeping about `batch`
  calls ready in hand;
- the dispatcher starts each call as soon as the limits allow, choosing among the chats that
  may get one now the most urgent message, and within a priority the chat claimed first; it
  never waits for a call to return or for an outcome to be written;
- the recorder writes the outcomes right after their calls return, those that came in
  together in one short transaction.
No transaction is open across a network call (an SQLite write lock must never be held across
one). A crash between a call and its record is the only window in which a message can go out
twice; a claimed message that was never sent waits for its lease to expire (a stop hands it
back at once).

Limits: no one-second window sees more than `rate_per_second` calls start (`CallPacer`: starts
evenly spaced, and time lost while there was work is made up within that bound), one call per
`per_chat_interval` per chat, and at most `concurrency` calls in flight (enough for the rate
with slow round trips). Messages of one chat go one after another, by priority, then by age.

Why updates cannot starve it: the dispatcher's only waits are the limits themselves; claiming,
rendering and writing happen in the other tasks. However busy the loop, a late start costs no
throughput: the pacer makes it up.
"""

from bot.sender.delivery import describe
from bot.sender.jobs import Renderer
from bot.sender.loop import OutboxSender
from bot.sender.pacing import CallPacer

__all__ = ["CallPacer", "OutboxSender", "Renderer", "describe"]
