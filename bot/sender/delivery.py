"""Sending one message and reading Telegram's answer: sent, not modified (taken as sent),
retry after a 429 or a 5xx, unreachable, failed."""

from __future__ import annotations

import logging
import re
from typing import Final

import aiohttp
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Message

from bot.sender.jobs import Job
from bot.sender.outcomes import Recorder
from handlers.edits import is_not_modified

log = logging.getLogger("bot.sender")

MAX_ERROR_LENGTH: Final = 200
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'|«[^»]*»")


def describe(error: BaseException) -> str:
    """A short error for `OutboxMessage.last_error`: the class and Telegram's description.

    Quoted fragments are dropped: Telegram quotes pieces of the message it refused (an HTML
    tag, an entity), which may be someone's name. Network errors keep only their kind (their
    text may carry the request's URL, with the token).
    """
    name = type(error).__name__
    if isinstance(error, TelegramRetryAfter):
        return f"{name}: retry after {error.retry_after}s"
    if isinstance(error, TelegramNetworkError):
        return f"{name}: {error.message.split(':', 1)[0]}"[:MAX_ERROR_LENGTH]
    if isinstance(error, TelegramMigrateToChat) or not isinstance(error, TelegramAPIError):
        return name
    return f"{name}: {_QUOTED.sub('…', error.message)}"[:MAX_ERROR_LENGTH]


class Delivery(Recorder):
    """Makes one call and turns Telegram's answer into its outcome."""

    async def _deliver(self, job: Job) -> None:
        """Make the call and queue its outcome."""
        outgoing = job.outgoing
        message_id = job.message_id
        try:
            result = await self._bot(outgoing.method, request_timeout=self._request_timeout)
        except TelegramRetryAfter as exc:
            # Flood control: honour retry_after exactly; the whole chat waits until then.
            delay = float(exc.retry_after)
            log.info("outbox %s: %s, retry in %ss", message_id, type(exc).__name__, delay)
            self._retry(job, delay, describe(exc))
            return
        except TelegramForbiddenError as exc:
            log.info("outbox %s: %s, recipient unreachable", message_id, type(exc).__name__)
            self._record_forbidden(job, describe(exc))
            # The rest of the chat goes back; `mark_unreachable` holds it meanwhile.
            if outgoing.chat_id in self._chats:
                self._give_back_chat(outgoing.chat_id, self._now())
            return
        except TelegramBadRequest as exc:
            if is_not_modified(exc):
                log.debug("outbox %s: not modified, taken as sent", message_id)
                self._record_sent(job, None)
                return
            log.info("outbox %s: %s, failed", message_id, type(exc).__name__)
            self._record_failed(job, describe(exc))
            return
        except (TelegramMigrateToChat, TelegramEntityTooLarge) as exc:
            log.info("outbox %s: %s, failed", message_id, type(exc).__name__)
            self._record_failed(job, describe(exc))
            return
        except (
            TelegramServerError,
            TelegramNetworkError,
            aiohttp.ClientError,
            TimeoutError,
        ) as exc:
            delay = self._backoff(job.attempts)
            log.info("outbox %s: %s, retry in %ss", message_id, type(exc).__name__, delay)
            self._retry(job, delay, describe(exc))
            return
        except Exception as exc:
            # 401, 404, 409, an undecodable answer, a bug: nothing says the message is wrong,
            # so it is retried like a server error (and the log says what happened).
            delay = self._backoff(job.attempts)
            log.warning("outbox %s: %s, retry in %ss", message_id, type(exc).__name__, delay)
            self._retry(job, delay, describe(exc))
            return
        log.debug("outbox %s: sent", message_id)
        self._record_sent(job, result.message_id if isinstance(result, Message) else None)
