"""Replies and request parsing shared by the API's routes: JSON bodies, errors (400, 409, 422),
the path's number, a workflow refusal, waking the senders after a change."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiohttp import web
from pydantic import BaseModel, ValidationError

from bot.api.inputs import MAX_INT4
from bot.api.keys import WAKE
from bot.api.outputs import ErrorOut, FieldError
from services.workflow import (
    ApplicationNotFound,
    CommentTooLong,
    GroupNotAllowed,
    NotAllowed,
    ReasonRequired,
    StaleStatus,
    TransitionNotAllowed,
    WorkflowError,
)

log = logging.getLogger("bot.api")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_BODY: Final = 1024 * 1024


class Refused(Exception):
    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def reply(model: BaseModel, status: int = 200) -> web.Response:
    return web.Response(
        status=status, text=model.model_dump_json(), content_type="application/json"
    )


def error_reply(
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
    return reply(body, status)


def invalid_reply(exc: ValidationError, prefix: tuple[str, ...] = ()) -> web.Response:
    errors = [
        FieldError(
            field=".".join(str(part) for part in (*prefix, *error["loc"])) or "body",
            message=error["msg"],
        )
        for error in exc.errors(include_url=False, include_input=False)
    ]
    first = errors[0].field if errors else None
    return error_reply(422, "invalid", f"invalid {first}", field=first, errors=errors)


def where(request: web.Request) -> str:
    """Method and route template: the path itself may carry a person's code."""
    resource = request.match_info.route.resource
    return f"{request.method} {resource.canonical if resource is not None else '?'}"


async def read_body(request: web.Request, model: type[BaseModel]) -> Any:
    raw = await request.read()
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        # RecursionError: nesting deeper than the parser goes ([[[[…]]]]), never a real body.
        log.info("api: %s: malformed JSON", where(request))
        raise Refused(error_reply(400, "malformed", "the body is not valid JSON")) from exc
    if not isinstance(data, dict):
        raise Refused(error_reply(400, "malformed", "the body must be a JSON object"))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        log.info("api: %s: invalid fields", where(request))
        raise Refused(invalid_reply(exc)) from exc


def path_number(request: web.Request) -> int:
    raw = request.match_info["number"]
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_INT4:
        return int(raw)
    raise Refused(
        error_reply(
            422,
            "invalid",
            "invalid number",
            field="number",
            errors=[FieldError(field="number", message=f"an integer 1..{MAX_INT4}")],
        )
    )


def workflow_refusal(exc: WorkflowError, number: int) -> web.Response:
    log.info("api: application %s: %s", number, type(exc).__name__)
    if isinstance(exc, ApplicationNotFound):
        return error_reply(404, "not_found", f"application {number} not found")
    if isinstance(exc, (TransitionNotAllowed, StaleStatus, NotAllowed)):
        return error_reply(409, "conflict", str(exc), field="status", current_status=exc.current)
    if isinstance(exc, CommentTooLong):
        return error_reply(
            422,
            "invalid",
            str(exc),
            field="comment",
            errors=[FieldError(field="comment", message=str(exc))],
        )
    if isinstance(exc, ReasonRequired):
        message = "a comment (the reason) is required to cancel"
        return error_reply(
            422,
            "invalid",
            message,
            field="comment",
            errors=[FieldError(field="comment", message=message)],
        )
    if isinstance(exc, GroupNotAllowed):
        return error_reply(409, "conflict", "group change refused", field="group")
    return error_reply(409, "conflict", type(exc).__name__)


def wake_senders(request: web.Request) -> None:
    for wake in request.app[WAKE]:
        wake()
