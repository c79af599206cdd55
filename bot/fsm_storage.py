"""Conversation state kept in the bot's own database, so a prompt survives a restart.

Inside an update the state is read and written through the update's own session (see
`bot.middlewares.UnitOfWorkMiddleware`, which publishes it in `current_session`): a state
set or cleared with a change commits with it, and the record is read once per update (the
session remembers it, or that there is none). Outside an update (tests, tools) the storage uses
a short transaction of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import FsmRecord
from models.engine import read_only

current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


def storage_key(key: StorageKey) -> str:
    return ":".join(
        str(part if part is not None else "")
        for part in (
            key.bot_id,
            key.chat_id,
            key.user_id,
            key.thread_id,
            key.business_connection_id,
            key.destiny,
        )
    )


class DatabaseStorage(BaseStorage):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    @asynccontextmanager
    async def _session(self, *, reading: bool = False) -> AsyncIterator[AsyncSession]:
        session = current_session.get()
        if session is not None:
            yield session
            return
        async with self._sessionmaker() as own:
            if reading:
                await read_only(own)
            yield own
            await own.commit()

    async def _record(self, session: AsyncSession, key: StorageKey) -> FsmRecord | None:
        # Read once per session: the session's identity map holds objects only weakly, so the
        # record (or the fact that there is none) is kept in `session.info` for the update.
        known: dict[str, FsmRecord | None] = session.info.setdefault("fsm_records", {})
        name = storage_key(key)
        if name not in known:
            known[name] = await session.get(FsmRecord, name)
        return known[name]

    async def _upsert(self, key: StorageKey, **values: Any) -> None:
        # Read-then-write is safe within a chat (the isolation lock serialises its updates, and
        # SQLite's write transactions begin IMMEDIATE); on PostgreSQL two first writes of the
        # same chat from two processes may race to insert, so the loser retries as an update.
        for attempt in range(2):
            try:
                async with self._session() as session:
                    record = await self._record(session, key)
                    if record is None:
                        record = FsmRecord(key=storage_key(key), state=None, data={})
                        for name, value in values.items():
                            setattr(record, name, value)
                        async with session.begin_nested():
                            session.add(record)
                        session.info["fsm_records"][storage_key(key)] = record
                    else:
                        # No flush: state and data set together (a prompt, `clear()`) leave
                        # in one UPDATE when the unit of work commits.
                        for name, value in values.items():
                            setattr(record, name, value)
                return
            except IntegrityError:
                # Another process inserted it first: read it again, then update it.
                session.info.get("fsm_records", {}).pop(storage_key(key), None)
                if attempt:
                    raise

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._upsert(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._session(reading=True) as session:
            record = await self._record(session, key)
            return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._upsert(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._session(reading=True) as session:
            record = await self._record(session, key)
            return dict(record.data) if record else {}

    async def close(self) -> None:
        return None
