"""Middlewares: in-flight tracking, the unit of work of an update, consent, person."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.flags import get_flag
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm_storage import current_session
from models.engine import read_only
from services.consent import has_consented
from services.people import person_by_telegram
from services.updates import claim_update

# How long a positive consent answer is kept in a process (seconds), and for how many accounts.
CONSENT_CACHE_SECONDS: Final = 60.0
CONSENT_CACHE_SIZE: Final = 100_000

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class InFlightMiddleware(BaseMiddleware):
    """Remembers the tasks handling updates, so that a graceful stop can wait for them."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
        try:
            return await handler(event, data)
        finally:
            if task is not None:
                self.tasks.discard(task)

    async def wait(self, grace: float) -> None:
        current = asyncio.current_task()
        pending = [task for task in self.tasks if task is not current]
        if pending:
            await asyncio.wait(pending, timeout=grace)


class UnitOfWorkMiddleware(BaseMiddleware):
    """The unit of work of an update, and its conversation state (in place of aiogram's FSM
    middleware, which would read the state before the update's session exists).

    The rule (PRODUCT.md §8, STYLE.md lesson 3): no database transaction is open across a
    network call. An update runs in two phases on one session:

    1. Reads: under the chat's isolation lock, its conversation state, consent and person are
       read in one read-only transaction (on SQLite: no write lock), then that transaction ends.
    2. The handler: its database work is one short transaction, begun on its first statement
       (on SQLite: BEGIN IMMEDIATE, unless the handler is flagged ``read_only``: it only
       reads until its first Bot API call; what it writes after that call is a transaction of
       its own, begun IMMEDIATE as usual). When the
       handler calls the Bot API, `bot.telegram.CommitBeforeCall` commits first, so the call
       never runs inside a transaction and what the user is told is what was committed; a
       conversation state set or cleared with a change commits with it. What remains when the
       handler returns is committed here; an error rolls back only the uncommitted rest.

    The state is read once: the storage reads through this session and keeps the record (or
    its absence) in `session.info` for the rest of the update.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        fsm: FSMContextMiddleware,
        after_commit: Callable[[], None] | None = None,
        concurrency: int = 16,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.fsm = fsm
        self.after_commit = after_commit
        # Bounded concurrency: polling and webhooks start a task per update, as many as arrive;
        # only `concurrency` of them run at once, so the outbox sender is never starved. Taken
        # inside the chat's lock, so that one chat's queue of updates holds no slot.
        self.slots = asyncio.Semaphore(concurrency)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        bot = data["bot"]
        context = self.fsm.resolve_event_context(bot, data)
        data["fsm_storage"] = self.fsm.storage
        lock = (
            self.fsm.events_isolation.lock(key=context.key)
            if context is not None
            else contextlib.nullcontext()
        )
        async with lock, self.slots, self.sessionmaker() as session:
            data["session"] = session
            token = current_session.set(session)
            try:
                await read_only(session)
                if context is not None:
                    data["state"] = context
                    data["raw_state"] = await context.get_state()
                result = await handler(event, data)
                await session.commit()
            finally:
                current_session.reset(token)
        # Committed: whatever the update queued in the outbox may go out now.
        if self.after_commit is not None:
            self.after_commit()
        return result


class EndOfReads(BaseMiddleware):
    """The last outer middleware: ends the update's read phase before routing.

    The handler's own transaction then begins on its first statement, as a write transaction,
    or read-only for handlers flagged ``read_only`` (see `ReadOnlyHandlers`).
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        await data["session"].commit()
        return await handler(event, data)


class ReadOnlyHandlers(BaseMiddleware):
    """Inner middleware: a handler flagged ``read_only`` opens its transaction read-only."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if get_flag(data, "read_only"):
            await read_only(data["session"])
        return await handler(event, data)


class ConsentMiddleware(BaseMiddleware):
    """Puts `consented` (has this Telegram account accepted the consent?) into handler data.

    The gate itself is `handlers.entry.consent`: a router that answers everything else with the
    consent until it is accepted. Positive answers are cached for `CONSENT_CACHE_SECONDS`: a
    withdrawal (`/forget`) drops the account from this process's cache at once (the handler
    calls `forget`, found in handler data as `consent_cache`), and other replicas read the
    database again within that time.
    """

    def __init__(self, version: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.version = version
        self._clock = clock
        self._consented: dict[int, float] = {}

    def forget(self, telegram_id: int) -> None:
        self._consented.pop(telegram_id, None)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        consented = False
        if user is not None:
            now = self._clock()
            until = self._consented.get(user.id)
            consented = until is not None and until > now
            if not consented and await has_consented(data["session"], user.id, self.version):
                if len(self._consented) > CONSENT_CACHE_SIZE:
                    self._consented.clear()
                self._consented[user.id] = now + CONSENT_CACHE_SECONDS
                consented = True
        data["consented"] = consented
        data["consent_version"] = self.version
        data["consent_cache"] = self
        return await handler(event, data)


class PersonMiddleware(BaseMiddleware):
    """Puts the linked `person` (or None) of the Telegram account into handler data."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        data["person"] = (
            await person_by_telegram(data["session"], user.id) if user is not None else None
        )
        return await handler(event, data)


class OncePerUpdate(BaseMiddleware):
    """Webhook mode: an update another replica (or this one) has handled is skipped.

    Placed after `EndOfReads`, so the claim opens the handler's write transaction and commits
    with its first changes (`services.updates`). In long polling there is one reader of the
    updates and Telegram's offset already gives each update once: not used there.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        update_id = getattr(event, "update_id", None)
        if update_id is not None and not await claim_update(data["session"], update_id):
            log.info("update %s skipped: already handled", update_id)
            return UNHANDLED
        return await handler(event, data)
