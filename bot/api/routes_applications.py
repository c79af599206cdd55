"""`/api/v1/applications`: create or update, a status transition, one application, a page."""

from __future__ import annotations

import logging

from aiohttp import web
from pydantic import ValidationError

from bot.api import applications, reading
from bot.api.inputs import ApplicationIn, ListQuery, StatusIn
from bot.api.keys import REASON_REQUIRED, SESSIONMAKER
from bot.api.outputs import ApplicationSaved, FieldError
from bot.api.replies import (
    error_reply,
    invalid_reply,
    path_number,
    read_body,
    reply,
    wake_senders,
    workflow_refusal,
)
from services.workflow import WorkflowError

log = logging.getLogger("bot.api")


async def put_application(request: web.Request) -> web.StreamResponse:
    number = path_number(request)
    data = await read_body(request, ApplicationIn)
    try:
        async with request.app[SESSIONMAKER].begin() as session:
            saved = await applications.upsert_application(session, number, data)
            out = ApplicationSaved(
                **reading.application_out(saved.application).model_dump(), created=saved.created
            )
    except applications.InvalidField as exc:
        log.info("api: application %s: %s refused", number, exc.field)
        return error_reply(
            422,
            "invalid",
            exc.message,
            field=exc.field,
            errors=[FieldError(field=exc.field, message=exc.message)],
        )
    except WorkflowError as exc:
        return workflow_refusal(exc, number)
    wake_senders(request)
    log.info("api: application %s %s", number, "created" if saved.created else "updated")
    return reply(out)


async def post_status(request: web.Request) -> web.StreamResponse:
    number = path_number(request)
    data = await read_body(request, StatusIn)
    try:
        async with request.app[SESSIONMAKER].begin() as session:
            await applications.transition(
                session,
                number,
                data.status,
                comment=data.comment,
                seen=data.seen,
                reason_required=request.app[REASON_REQUIRED],
            )
    except WorkflowError as exc:
        return workflow_refusal(exc, number)
    wake_senders(request)
    log.info("api: application %s -> %s", number, data.status.value)
    async with request.app[SESSIONMAKER]() as session:
        return reply(await reading.application_detail(session, number))


async def get_application(request: web.Request) -> web.StreamResponse:
    number = path_number(request)
    try:
        async with request.app[SESSIONMAKER]() as session:
            return reply(await reading.application_detail(session, number))
    except WorkflowError as exc:
        return workflow_refusal(exc, number)


async def list_applications(request: web.Request) -> web.StreamResponse:
    params: dict[str, str] = {}
    for key in request.query:
        values = request.query.getall(key)
        if len(values) > 1:
            return error_reply(
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
        return invalid_reply(exc)
    async with request.app[SESSIONMAKER]() as session:
        return reply(await reading.list_applications(session, query))
