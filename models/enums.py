"""Codes stored in the database. Russian labels live in `services.labels`."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Status(StrEnum):
    NEW = "new"
    APPROVED = "approved"
    CANCELLED = "cancelled"
    INCLUDED = "included"


class Kind(StrEnum):
    ASSESSMENT = "assessment"
    COURSE = "course"


class Role(StrEnum):
    TEACHER = "teacher"
    DIRECTOR = "director"
    STAFF = "staff"


class Channel(StrEnum):
    BOT = "bot"
    IMPORT = "import"
    API = "api"
    SYSTEM = "system"


class HistoryAction(StrEnum):
    CREATED = "created"
    STATUS = "status"
    GROUP = "group"
    COMMENT = "comment"


class OutboxState(StrEnum):
    PENDING = "pending"  # to be sent when due
    HELD = "held"  # waits for the recipient to link or to become reachable again
    SENT = "sent"
    FAILED = "failed"  # gave up (e.g. Telegram refused the request as invalid)


class OutboxPriority(IntEnum):
    """Which outbox messages go first: the lower, the sooner (PRODUCT.md §6, §8 the peak)."""

    # Caused by someone's action and awaited by them: a card edit, a reply, a decision's news.
    INTERACTIVE = 0
    # Scheduled or mass-produced: digests, reminders, escalations, deadlines, imported cards.
    BULK = 1


class OutboxChannel(StrEnum):
    TELEGRAM = "telegram"
    WEBHOOK = "webhook"
