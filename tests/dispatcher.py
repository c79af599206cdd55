"""Dispatcher-level harness: the real dispatcher and routers, a real Bot, the fake server.

Updates are fed straight into the dispatcher (no polling), so a test sees exactly what one
update does; the Bot's requests still cross HTTP to the fake and meet its Telegram checks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_bot, build_dispatcher
from bot.fakeapi import FakeTelegram
from bot.settings import Settings

TOKEN = "123456:TEST"


@dataclass
class Harness:
    fake: FakeTelegram
    bot: Bot
    dispatcher: Dispatcher
    db: async_sessionmaker[AsyncSession]

    async def feed(self, update: dict[str, Any]) -> None:
        await self.dispatcher.feed_update(
            self.bot, Update.model_validate(update, context={"bot": self.bot})
        )


def make_settings(api_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "telegram_api_url": api_url,
        "database_url": "sqlite+aiosqlite:///unused.sqlite3",
        "redis_url": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
async def harness(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Harness]:
    async with FakeTelegram(token=TOKEN) as fake:
        settings = make_settings(fake.base_url)
        dispatcher, _ = build_dispatcher(settings, sqlite_sessionmaker)
        bot = build_bot(settings)
        try:
            yield Harness(fake, bot, dispatcher, sqlite_sessionmaker)
        finally:
            await bot.session.close()
