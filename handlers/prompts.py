"""What the comment, reason and reply prompts share: a typed text within the comment limit."""

from __future__ import annotations

from aiogram.types import Message

from handlers import texts
from services.workflow import COMMENT_MAX_LENGTH


async def comment_text(message: Message) -> str | None:
    """The typed text, stripped; None (and the user asked again) when it is too long."""
    text = (message.text or "").strip()
    if len(text) > COMMENT_MAX_LENGTH:
        await message.answer(texts.COMMENT_TOO_LONG.format(length=len(text)))
        return None
    return text
