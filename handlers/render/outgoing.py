"""The Telegram call that delivers one outbox message, as the renderers build it.

The outbox's sender (`bot.sender`) makes the call and records its outcome; the renderers here
only say what it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram.methods import TelegramMethod


@dataclass(frozen=True)
class Outgoing:
    """The Telegram call that delivers one outbox message."""

    method: TelegramMethod[Any]  # e.g. SendMessage(chat_id=..., text=..., reply_markup=...)
    chat_id: int
    # When set and the call returns a Message, a CardMessage(application_id, chat_id,
    # message_id, note=card_note) is recorded in the transaction that marks the message sent.
    card_application_id: int | None = None
    card_note: str | None = None


@dataclass(frozen=True)
class Deferred:
    """Not now: the message waits until `until` (the end of the person's quiet hours, decided
    when it is about to go, from their settings of that moment)."""

    until: datetime
