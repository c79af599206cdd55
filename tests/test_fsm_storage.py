"""Conversation state in the database survives a restart and joins the update's transaction."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm_storage import DatabaseStorage, current_session


class Decide(StatesGroup):
    comment = State()


KEY = StorageKey(bot_id=1, chat_id=1001, user_id=1001)
OTHER = StorageKey(bot_id=1, chat_id=1002, user_id=1002)


async def test_state_and_data_survive_a_new_storage(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    storage = DatabaseStorage(sessionmaker)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    await storage.set_state(KEY, Decide.comment)
    await storage.set_data(KEY, {"number": 43112, "decision": "approve"})
    await storage.update_data(KEY, {"seen": "new"})

    restarted = DatabaseStorage(sessionmaker)
    assert await restarted.get_state(KEY) == Decide.comment.state
    assert await restarted.get_data(KEY) == {"number": 43112, "decision": "approve", "seen": "new"}
    assert await restarted.get_state(OTHER) is None

    await restarted.set_state(KEY, None)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {"number": 43112, "decision": "approve", "seen": "new"}


async def test_writes_inside_an_update_roll_back_with_it(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    storage = DatabaseStorage(sessionmaker)

    class Boom(Exception):
        pass

    try:
        async with sessionmaker.begin() as session:
            token = current_session.set(session)
            try:
                await storage.set_state(KEY, Decide.comment)
                assert await storage.get_state(KEY) == Decide.comment.state
                raise Boom
            finally:
                current_session.reset(token)
    except Boom:
        pass
    assert await storage.get_state(KEY) is None
