"""The floor: a bare aiogram 3 bot that answers a callback and edits its message.

    BOT_TOKEN=... TELEGRAM_API_URL=http://127.0.0.1:PORT python bench/floor_bot.py

No database, no state: what any aiogram bot pays per tap. The benchmark runs it as its own
process against the same fake server as `dpo-bot run` and divides by it.
"""

from __future__ import annotations

import asyncio
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"]))
    bot = Bot(os.environ["BOT_TOKEN"], session=session)
    dispatcher = Dispatcher()

    @dispatcher.callback_query()
    async def tapped(query: CallbackQuery) -> None:
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(f"✅ {query.data}")

    await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=True)


if __name__ == "__main__":
    asyncio.run(main())
