"""The HTTP API (PRODUCT.md §7.4): aiohttp routes over `services.api`.

Bearer `API_TOKEN` (compared in constant time) on `/api/v1/*`; `/api/openapi.json` and `/healthz`
are open, and `/healthz` is served even without API_TOKEN (`add_web_routes`, `build_web_app`).
Malformed JSON is 400, invalid fields 422 naming the field, a refused transition 409 with the
current status. One database transaction per request; after a change is committed the outbox
senders are woken. Logs carry numbers and error kinds, never names, phones or bodies.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiohttp import web
from pydantic import BaseModel, ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from services import api
from services.api_models import (
    MAX_INT4,
    ApplicationIn,
    ApplicationSaved,
    ErrorOut,
    FieldError,
    Health,
    ListQuery,
    PersonIn,
    StatusIn,
    openapi_document,
)
from services.workflow import (
    ApplicationNotFound,
    CommentTooLong,
    GroupNotAllowed,
    NotAllowed,
    StaleStatus,
    TransitionNotAllowed,
    WorkflowError,
)

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Wake = Callable[[], None]

HEALTH_TIMEOUT: Final = 3.0
MAX_BODY: Final = 1024 * 1024

_SESSIONMAKER: Final = web.AppKey("dpo_api_sessionmaker", async_sessionmaker[AsyncSession])
_TOKEN: Final = web.AppKey("dpo_api_token", bytes)
_WAKE: Final = web.AppKey("dpo_api_wake", list[Wake])


class _Refused(Exception):
    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def _json(model: BaseModel, status: int = 200) -> web.Response:
    return web.Response(
        status=status, text=model.model_dump_json(), content_type="application/json"
    )


def _error(
    status: int,
    error: str,
    message: str,
    *,
    field: str | None = None,
    errors: list[FieldError] | None = None,
    current_status: Any = None,
) -> web.Response:
    body = ErrorOut(
        error=error,
        message=message,
        field=field,
        errors=errors or [],
        current_status=current_status,
    )
    return _json(body, status)


def _invalid(exc: ValidationError, prefix: tuple[str, ...] = ()) -> web.Response:
    errors = [
        FieldError(
            field=".".join(str(part) for part in (*prefix, *error["loc"])) or "body",
            message=error["msg"],
        )
        for error in exc.errors(include_url=False, include_input=False)
    ]
    first = errors[0].field if errors else None
    return _error(422, "invalid", f"invalid {first}", field=first, errors=errors)


def _where(request: web.Request) -> str:
    """Method and route template: the path itself may carry a person's code."""
    resource = request.match_info.route.resource
    return f"{request.method} {resource.canonical if resource is not None else '?'}"


def _authorized(handler: Handler) -> Handler:
    async def check(request: web.Request) -> web.StreamResponse:
        expected = request.app[_TOKEN]
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode("utf-8", "replace"), expected
        )
        if not ok:
            log.info("api: %s refused: bad or missing token", _where(request))
            return _error(401, "unauthorized", "missing or wrong bearer token")
        try:
            return await handler(request)
        except _Refused as refused:
            return refused.response
        except IntegrityError:
            # A concurrent request created the same person, school, program or application.
            log.info("api: %s: concurrent change", _where(request))
            return _error(409, "conflict", "a concurrent change collided; retry the request")

    return check


async def _body(request: web.Request, model: type[BaseModel]) -> Any:
    raw = await request.read()
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.info("api: %s: malformed JSON", _where(request))
        raise _Refused(_error(400, "malformed", "the body is not valid JSON")) from exc
    if not isinstance(data, dict):
        raise _Refused(_error(400, "malformed", "the body must be a JSON object"))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        log.info("api: %s: invalid fields", _where(request))
        raise _Refused(_invalid(exc)) from exc


def _number(request: web.Request) -> int:
    raw = request.match_info["number"]
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_INT4:
        return int(raw)
    raise _Refused(
        _error(
            422,
            "invalid",
            "invalid number",
            field="number",
            errors=[FieldError(field="number", message=f"an integer 1..{MAX_INT4}")],
        )
    )


def _workflow_refusal(exc: WorkflowError, number: int) -> web.Response:
    log.info("api: application %s: %s", number, type(exc).__name__)
    if isinstance(exc, ApplicationNotFound):
        return _error(404, "not_found", f"application {number} not found")
    if isinstance(exc, (TransitionNotAllowed, StaleStatus, NotAllowed)):
        return _error(409, "conflict", str(exc), field="status", current_status=exc.current)
    if isinstance(exc, CommentTooLong):
        return _error(
            422,
            "invalid",
            str(exc),
            field="comment",
            errors=[FieldError(field="comment", message=str(exc))],
        )
    if isinstance(exc, GroupNotAllowed):
        return _error(409, "conflict", "group change refused", field="group")
    return _error(409, "conflict", type(exc).__name__)


def _wake(request: web.Request) -> None:
    for wake in request.app[_WAKE]:
        wake()


# --- handlers ------------------------------------------------------------------------------------


async def put_person(request: web.Request) -> web.StreamResponse:
    code = request.match_info["code"].strip()
    if not code or len(code) > 64 or "\x00" in code:
        return _error(
            422,
            "invalid",
            "invalid code",
            field="code",
            errors=[FieldError(field="code", message="1-64 characters")],
        )
    data = await _body(request, PersonIn)
    async with request.app[_SESSIONMAKER].begin() as session:
        saved = await api.upsert_person(session, code, data)
    log.info("api: person %s", "created" if saved.created else "updated")
    return _json(saved)


async def put_application(request: web.Request) -> web.StreamResponse:
    number = _number(request)
    data = await _body(request, ApplicationIn)
    try:
        async with request.app[_SESSIONMAKER].begin() as session:
            saved = await api.upsert_application(session, number, data)
            out = ApplicationSaved(
                **api.application_out(saved.application).model_dump(), created=saved.created
            )
    except api.InvalidField as exc:
        log.info("api: application %s: %s refused", number, exc.field)
        return _error(
            422,
            "invalid",
            exc.message,
            field=exc.field,
            errors=[FieldError(field=exc.field, message=exc.message)],
        )
    except WorkflowError as exc:
        return _workflow_refusal(exc, number)
    _wake(request)
    log.info("api: application %s %s", number, "created" if saved.created else "updated")
    return _json(out)


async def post_status(request: web.Request) -> web.StreamResponse:
    number = _number(request)
    data = await _body(request, StatusIn)
    try:
        async with request.app[_SESSIONMAKER].begin() as session:
            await api.transition(session, number, data.status, comment=data.comment, seen=data.seen)
    except WorkflowError as exc:
        return _workflow_refusal(exc, number)
    _wake(request)
    log.info("api: application %s -> %s", number, data.status.value)
    async with request.app[_SESSIONMAKER]() as session:
        return _json(await api.application_detail(session, number))


async def get_application(request: web.Request) -> web.StreamResponse:
    number = _number(request)
    try:
        async with request.app[_SESSIONMAKER]() as session:
            return _json(await api.application_detail(session, number))
    except WorkflowError as exc:
        return _workflow_refusal(exc, number)


async def list_applications(request: web.Request) -> web.StreamResponse:
    params: dict[str, str] = {}
    for key in request.query:
        values = request.query.getall(key)
        if len(values) > 1:
            return _error(
                422,
                "invalid",
                f"{key} given more than once",
                field=key,
                errors=[FieldError(field=key, message="given more than once")],
            )
        params[key] = values[0]
    try:
        query = ListQuery.model_validate(params)
    except ValidationError as exc:
        return _invalid(exc)
    async with request.app[_SESSIONMAKER]() as session:
        return _json(await api.list_applications(session, query))


async def openapi(request: web.Request) -> web.StreamResponse:
    return web.json_response(openapi_document())


async def healthz(request: web.Request) -> web.StreamResponse:
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT), request.app[_SESSIONMAKER]() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:
        log.warning("healthz: database unreachable (%s)", type(exc).__name__)
        return _json(Health(status="unavailable", database=False), 503)
    return _json(Health(status="ok", database=True))


# --- assembly ------------------------------------------------------------------------------------


def api_enabled(settings: Settings) -> bool:
    return settings.api_token is not None and bool(settings.api_token.get_secret_value().strip())


def add_health_route(app: web.Application, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """`/healthz` alone: served by `dpo-bot run` in every mode, with or without API_TOKEN."""
    app[_SESSIONMAKER] = sessionmaker
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
    app[_TOKEN] = settings.api_token.get_secret_value().strip().encode()
    app[_WAKE] = [wake] if wake is not None else []
    router = app.router
    router.add_get("/api/openapi.json", openapi)
    router.add_put("/api/v1/people/{code}", _authorized(put_person))
    router.add_get("/api/v1/applications", _authorized(list_applications))
    router.add_put("/api/v1/applications/{number}", _authorized(put_application))
    router.add_get("/api/v1/applications/{number}", _authorized(get_application))
    router.add_post("/api/v1/applications/{number}/status", _authorized(post_status))


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
