"""The bearer token check wrapped around every `/api/v1/*` handler."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from bot.api.keys import TOKEN
from bot.api.replies import Handler, Refused, error_reply, where

log = logging.getLogger("bot.api")


def authorized(handler: Handler) -> Handler:
    async def check(request: web.Request) -> web.StreamResponse:
        expected = request.app[TOKEN]
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode("utf-8", "replace"), expected
        )
        if not ok:
            log.info("api: %s refused: bad or missing token", where(request))
            return error_reply(401, "unauthorized", "missing or wrong bearer token")
        try:
            return await handler(request)
        except Refused as refused:
            return refused.response
        except IntegrityError:
            # A concurrent request created the same person, school, program or application.
            log.info("api: %s: concurrent change", where(request))
            return error_reply(409, "conflict", "a concurrent change collided; retry the request")

    return check
