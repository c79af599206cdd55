"""The open routes: `/healthz` and `/api/openapi.json`."""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from aiohttp import web
from sqlalchemy import text

from bot.api.keys import SESSIONMAKER
from bot.api.openapi import openapi_document
from bot.api.outputs import Health
from bot.api.replies import reply

log = logging.getLogger("bot.api")

HEALTH_TIMEOUT: Final = 3.0


async def openapi(request: web.Request) -> web.StreamResponse:
    return web.json_response(openapi_document())


async def healthz(request: web.Request) -> web.StreamResponse:
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT), request.app[SESSIONMAKER]() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:
        log.warning("healthz: database unreachable (%s)", type(exc).__name__)
        return reply(Health(status="unavailable", database=False), 503)
    return reply(Health(status="ok", database=True))
