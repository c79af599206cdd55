"""The Bot API client: every call made outside a database transaction, at aiogram's own speed.

Two request middlewares sit on the bot's HTTP session (`install`):

* `CommitBeforeCall` — the rule of the core: no database transaction is open across a network
  call. A handler does its database work and then talks to Telegram; when it calls the Bot API,
  the update's unit of work (`bot.fsm_storage.current_session`) is committed first. So what the
  user is told is what was committed, SQLite's write lock is never held across a round trip, and
  a failed or lost answer to the call cannot undo the change (it is committed already). Whatever
  the handler writes after the call is a new, equally short transaction.
* `pin_response_types` — aiogram validates each answer with `Response[<the method's result
  type>]`, a pydantic generic parametrised on every call. pydantic caches parametrised generic
  classes only weakly (`pydantic._internal._generics.GenericTypesCache` is a
  `WeakValueDictionary`), so between calls the class is often collected and then rebuilt: about
  6 ms of CPU per call, more than everything else an update costs. Holding each parametrised
  class for the life of the process makes that a dictionary hit.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.fsm_storage import current_session

log = logging.getLogger(__name__)

# Parametrised `Response[...]` classes, held strongly (see the module docstring).
_RESPONSE_TYPES: dict[Any, Any] = {}


def pin_response_type(method: TelegramMethod[Any]) -> None:
    returning = method.__returning__
    if returning not in _RESPONSE_TYPES:
        _RESPONSE_TYPES[returning] = Response[returning]  # type: ignore[valid-type]


class CommitBeforeCall(BaseRequestMiddleware):
    """Commits the current update's transaction before a Bot API call leaves the process."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        pin_response_type(method)
        session = current_session.get()
        if session is not None and session.in_transaction():
            await session.commit()
        return await make_request(bot, method)


def install(bot: Bot) -> Bot:
    bot.session.middleware(CommitBeforeCall())
    return bot
