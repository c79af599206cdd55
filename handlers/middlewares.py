"""Middlewares: in-flight tracking, one database transaction per update, consent."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm_storage import current_session
from services.consent import has_consented
from services.people import person_by_telegram

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


class DbSessionMiddleware(BaseMiddleware):
    """The single unit of work of an update: commit when the handler returns, else roll back."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.after_commit = after_commit

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.sessionmaker.begin() as session:
            data["session"] = session
            token = current_session.set(session)
            try:
                result = await handler(event, data)
            finally:
                current_session.reset(token)
        # Committed: whatever the update queued in the outbox may go out now.
        if self.after_commit is not None:
            self.after_commit()
        return result


class ConsentMiddleware(BaseMiddleware):
    """Puts `consented` (has this Telegram account accepted the consent?) into handler data.

    The gate itself is `handlers.consent`: a router that answers everything else with the
    consent until it is accepted. Positive answers are cached: the bot never withdraws consent.
    """

    def __init__(self, version: str) -> None:
        self.version = version
        self._consented: set[int] = set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        consented = False
        if user is not None:
            consented = user.id in self._consented
            if not consented and await has_consented(data["session"], user.id, self.version):
                self._consented.add(user.id)
                consented = True
        data["consented"] = consented
        data["consent_version"] = self.version
        return await handler(event, data)


class PersonMiddleware(BaseMiddleware):
    """Puts the linked `person` (or None) of the Telegram account into handler data."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        data["person"] = (
            await person_by_telegram(data["session"], user.id) if user is not None else None
        )
        return await handler(event, data)
