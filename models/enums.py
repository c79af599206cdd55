"""Codes stored in the database. Russian labels live in `services.labels`."""

from __future__ import annotations

from enum import StrEnum


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


class OutboxChannel(StrEnum):
    TELEGRAM = "telegram"
    WEBHOOK = "webhook"
