"""`PUT /api/v1/people/{code}`."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.api import people
from bot.api.inputs import PersonIn
from bot.api.keys import SESSIONMAKER
from bot.api.outputs import FieldError
from bot.api.replies import (
    error_reply,
    read_body,
    reply,
)

log = logging.getLogger("bot.api")


async def put_person(request: web.Request) -> web.StreamResponse:
    code = request.match_info["code"].strip()
    if not code or len(code) > 64 or "\x00" in code:
        return error_reply(
            422,
            "invalid",
            "invalid code",
            field="code",
            errors=[FieldError(field="code", message="1-64 characters")],
        )
    data = await read_body(request, PersonIn)
    async with request.app[SESSIONMAKER].begin() as session:
        saved = await people.upsert_person(session, code, data)
    log.info("api: person %s", "created" if saved.created else "updated")
    return reply(saved)
