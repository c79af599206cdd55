"""Scheduled messages as Telegram sees them: digest, reminder, escalation, deadline (§5).

The parts were decided when the messages were queued (services.digest.split); here each part is
written so that it always fits: every line within LINE_CHARS characters of HTML (names and
titles are cut after escaping, never inside an entity) and the head within HEAD_CHARS.

Rendering happens at send time: applications decided meanwhile are left out, and a digest of a
previous day (held while the person had blocked the bot, say) is not sent at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.render.digest_messages import (
    deadline_message,
    digest_message,
    escalation_message,
    reminder_message,
)
from handlers.render.outgoing import Outgoing
from models import Application, OutboxMessage, Person, Status, utcnow
from services.locality import zone_of_person
from services.quiet import Window, is_quiet, window_of

KINDS: Final = frozenset({"digest", "reminder", "escalation", "deadline"})


async def _still_new(session: AsyncSession, ids: Sequence[int]) -> list[Application]:
    """The applications of `ids` still `new`, in the order of `ids`."""
    if not ids:
        return []
    found = {
        app.id: app
        for app in (
            await session.scalars(
                select(Application).where(
                    Application.id.in_(list(ids)), Application.status == Status.NEW
                )
            )
        ).unique()
    }
    return [found[app_id] for app_id in ids if app_id in found]


async def render(
    session: AsyncSession,
    message: OutboxMessage,
    *,
    tz: ZoneInfo,
    quiet: Window,
    now: datetime | None = None,
) -> Outgoing | None:
    """The Telegram call for a scheduled message, or None when nothing is left to say."""
    person = await session.get(Person, message.person_id) if message.person_id else None
    if person is None or person.telegram_id is None:
        return None
    now = now or utcnow()
    # The person's own clock: the pass wrote the day of their zone into the payload.
    tz = zone_of_person(person, tz)
    today = now.astimezone(tz).date()
    payload = message.payload
    kind = payload.get("type")
    if kind != "deadline" and payload.get("day") != today.isoformat():
        return None  # stale: today's pass brings today's news
    markup: InlineKeyboardMarkup | None = None
    if kind == "digest":
        apps = await _still_new(session, [int(i) for i in payload["ids"]])
        if not apps:
            return None
        text, markup = digest_message(payload, apps)
    elif kind in {"reminder", "escalation"}:
        ages = {int(app_id): int(age) for app_id, age in payload["items"]}
        apps = await _still_new(session, list(ages))
        if not apps:
            return None
        if kind == "reminder":
            text, markup = reminder_message(payload, apps, ages)
        else:
            text = escalation_message(payload, apps, ages)
    elif kind == "deadline":
        apps = [
            app
            for app in await _still_new(session, [int(i) for i in payload["ids"]])
            if app.group.study_start is None or app.group.study_start >= today
        ]
        if not apps:
            return None
        text, markup = deadline_message(payload, apps)
    else:
        return None
    chat_id = person.telegram_id
    return Outgoing(
        SendMessage(
            chat_id=chat_id,
            text=text,
            reply_markup=markup,
            # Scheduled messages are queued outside quiet hours; one released later (the
            # person unblocked the bot at night, say) still goes without a sound.
            disable_notification=is_quiet(now, tz, window_of(person.quiet_hours, quiet)),
        ),
        chat_id=chat_id,
    )
