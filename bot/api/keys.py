"""What the API's handlers find in the aiohttp application: the database, the
token, whom to wake."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

Wake = Callable[[], None]

SESSIONMAKER: Final = web.AppKey("dpo_api_sessionmaker", async_sessionmaker[AsyncSession])
TOKEN: Final = web.AppKey("dpo_api_token", bytes)
WAKE: Final = web.AppKey("dpo_api_wake", list[Wake])
# REQUIRE_CANCEL_REASON: the status transition to «Отменена» needs a comment.
REASON_REQUIRED: Final = web.AppKey("dpo_api_reason_required", bool)
