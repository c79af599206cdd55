"""The HTTP API (PRODUCT.md §7.4): aiohttp routes over the use cases in `bot.api.people`,
`bot.api.applications` and `bot.api.reading`.

Bearer `API_TOKEN` (compared in constant time) on `/api/v1/*`; `/api/openapi.json` and `/healthz`
are open, and `/healthz` is served even without API_TOKEN (`add_web_routes`, `build_web_app`).
Malformed JSON is 400, invalid fields 422 naming the field, a refused transition 409 with the
current status. One database transaction per request; after a change is committed the outbox
senders are woken. Logs carry numbers and error kinds, never names, phones or bodies.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.api.auth import authorized
from bot.api.keys import REASON_REQUIRED, SESSIONMAKER, TOKEN, WAKE, Wake
from bot.api.replies import MAX_BODY
from bot.api.routes_applications import (
    get_application,
    list_applications,
    post_status,
    put_application,
)
from bot.api.routes_health import healthz, openapi
from bot.api.routes_people import put_person
from bot.settings import Settings


def api_enabled(settings: Settings) -> bool:
    return settings.api_token is not None and bool(settings.api_token.get_secret_value().strip())


def add_health_route(app: web.Application, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """`/healthz` alone: served by `dpo-bot run` in every mode, with or without API_TOKEN."""
    app[SESSIONMAKER] = sessionmaker
    app.router.add_get("/healthz", healthz)


def add_web_routes(
    app: web.Application,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    wake: Wake | None = None,
) -> None:
    """The whole API when API_TOKEN is set, otherwise just `/healthz` (for HEALTHCHECK)."""
    if api_enabled(settings):
        add_api_routes(app, sessionmaker, settings, wake)
    else:
        add_health_route(app, sessionmaker)


def add_api_routes(
    app: web.Application,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    wake: Wake | None = None,
) -> None:
    """Add the API's routes to `app` (a new one, or the bot's webhook app sharing the port)."""
    if not api_enabled(settings):
        raise ValueError("API_TOKEN is required for the HTTP API")
    assert settings.api_token is not None
    add_health_route(app, sessionmaker)
    app[TOKEN] = settings.api_token.get_secret_value().strip().encode()
    app[WAKE] = [wake] if wake is not None else []
    app[REASON_REQUIRED] = settings.require_cancel_reason
    router = app.router
    router.add_get("/api/openapi.json", openapi)
    router.add_put("/api/v1/people/{code}", authorized(put_person))
    router.add_get("/api/v1/applications", authorized(list_applications))
    router.add_put("/api/v1/applications/{number}", authorized(put_application))
    router.add_get("/api/v1/applications/{number}", authorized(get_application))
    router.add_post("/api/v1/applications/{number}/status", authorized(post_status))


def build_api_app(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    wake: Wake | None = None,
) -> web.Application:
    """A stand-alone aiohttp application serving the API."""
    app = web.Application(client_max_size=MAX_BODY)
    add_api_routes(app, sessionmaker, settings, wake)
    return app


def build_web_app(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    wake: Wake | None = None,
) -> web.Application:
    """The web server beside long polling: the API, or only `/healthz` without API_TOKEN."""
    app = web.Application(client_max_size=MAX_BODY)
    add_web_routes(app, sessionmaker, settings, wake)
    return app
