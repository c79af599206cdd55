"""The last line: log the failure with the update id only, and answer the user politely."""

from __future__ import annotations

import logging
from contextlib import suppress

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from handlers import texts

router = Router(name=__name__)
log = logging.getLogger(__name__)


@router.error()
async def on_error(event: ErrorEvent) -> bool:
    update = event.update
    # No personal data in logs: the update id and the error type are enough to find it.
    log.error(
        "update %s failed: %s",
        update.update_id,
        type(event.exception).__name__,
        exc_info=event.exception,
    )
    with suppress(TelegramAPIError):
        if update.callback_query is not None:
            await update.callback_query.answer(texts.ERROR, show_alert=True)
        elif update.message is not None:
            await update.message.answer(texts.ERROR)
    return True
