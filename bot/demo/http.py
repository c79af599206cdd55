"""What the demo page's endpoints share: JSON bodies, refusals, downloads, the outbox view."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import OutboxMessage, Person
from models.enums import OutboxChannel

OUTBOX_ROWS = 30

_ERRORS: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest,
    404: web.HTTPNotFound,
    409: web.HTTPConflict,
}


def refuse(status: int, code: str, detail: str) -> web.HTTPException:
    """A refusal: `{"ok": false, "error": code, "detail": ...}`; the page words the code."""
    return _ERRORS[status](
        text=json.dumps({"ok": False, "error": code, "detail": detail}),
        content_type="application/json",
    )


async def read_json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise refuse(400, "bad_body", "the body must be JSON") from None
    if not isinstance(body, dict):
        raise refuse(400, "bad_body", "the body must be a JSON object")
    return body


def attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


async def newest_outbox(sessionmaker: async_sessionmaker[AsyncSession]) -> list[dict[str, Any]]:
    """The newest outbox rows for Telegram, with whom they are for (a bounded, indexed read)."""
    async with sessionmaker() as session:
        rows = (
            await session.execute(
                select(
                    OutboxMessage.id,
                    OutboxMessage.method,
                    OutboxMessage.state,
                    OutboxMessage.priority,
                    OutboxMessage.created_at,
                    OutboxMessage.sent_at,
                    Person.full_name,
                )
                .outerjoin(Person, Person.id == OutboxMessage.person_id)
                .where(OutboxMessage.channel == OutboxChannel.TELEGRAM)
                .order_by(OutboxMessage.id.desc())
                .limit(OUTBOX_ROWS)
            )
        ).all()
    return [
        {
            "id": row.id,
            "method": row.method,
            "state": str(row.state),
            "priority": row.priority,
            "created_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            "person": row.full_name,
        }
        for row in rows
    ]
