"""The last line: log a failure with the update id only, and answer the user politely.

Registered on the dispatcher itself (see `bot.app.build_dispatcher`): aiogram routes an error to
the error handlers of the router that failed and of its parents, so only the root sees them all,
including failures in middlewares.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramServerError
from aiogram.types import ErrorEvent

from handlers import texts

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent) -> bool:
    update = event.update
    if isinstance(event.exception, TelegramNetworkError | TelegramServerError):
        # A Bot API call got no answer. What the update wrote was committed before the call
        # (`bot.telegram.CommitBeforeCall`), and the call itself may well have taken effect:
        # nothing failed that an apology would be true about, and the path to Telegram is
        # what is broken.
        log.warning(
            "update %s: Telegram did not answer (%s)",
            update.update_id,
            type(event.exception).__name__,
        )
        return True
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
