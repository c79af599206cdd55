"""The daily digest, and what every scheduled pass shares (PRODUCT.md §5).

Each person has one moment a day for scheduled messages: their digest time (their own setting or
DIGEST_TIME), moved to the end of their quiet hours when it falls inside them. From that moment
on, until midnight, the person is *due*: the scheduler's tick a minute picks up everyone due whose
pass of the day is not yet recorded (`DigestLog`). That one rule gives the digest at its time, the
catch-up after a restart and the wait for the end of quiet hours.

A pass is recorded in the transaction that queues its messages, and also when it found nothing to
send: a director with nothing waiting at 09:00 does not get a digest at 10:00 for an application
that arrived meanwhile (its card went out at once).

Scale: a pass reads the roster (all deciders and staff with their settings) and the waiting
applications in a constant number of statements, whatever the number of people.

The package is split by use case: `schedule` (when a person is due), `roster` (who, and whose
pass is done), `waiting` (what is waiting), `queueing` (the messages written) and `daily` (the
digest pass itself); every public name is importable from `services.digest` itself.
"""

from __future__ import annotations

from services.digest.daily import (
    DIGEST,
    send_digests,
)
from services.digest.queueing import (
    HEAD_CHARS,
    LINE_CHARS,
    PART_LINES,
    PassReport,
    Queued,
    enqueue_scheduled,
    split,
)
from services.digest.roster import (
    Roster,
    done_today,
    load_roster,
    record_done,
    select_due,
)
from services.digest.schedule import (
    Recipient,
    Schedule,
    recipient,
)
from services.digest.waiting import (
    IN_CHUNK,
    Waiting,
    by_school,
    of_person,
    waiting_applications,
)

__all__ = [
    "DIGEST",
    "HEAD_CHARS",
    "IN_CHUNK",
    "LINE_CHARS",
    "PART_LINES",
    "PassReport",
    "Queued",
    "Recipient",
    "Roster",
    "Schedule",
    "Waiting",
    "by_school",
    "done_today",
    "enqueue_scheduled",
    "load_roster",
    "of_person",
    "recipient",
    "record_done",
    "select_due",
    "send_digests",
    "split",
    "waiting_applications",
]
