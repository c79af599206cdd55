"""Scheduled messages as Telegram sees them: digest, reminder, escalation, deadline (§5).

The parts were decided when the messages were queued (services.digest.split); here each part is
written so that it always fits: every line within LINE_CHARS characters of HTML (names and
titles are cut after escaping, never inside an entity) and the head within HEAD_CHARS.

Rendering happens at send time: applications decided meanwhile are left out, and a digest of a
previous day (held while the person had blocked the bot, say) is not sent at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.director.callbacks import BulkAction, BulkCb
from handlers.render.digest_lines import (
    APPLICANT_CHARS,
    PLACE_CHARS,
    PROGRAM_CHARS,
    fmt_day,
    join_lines,
    line,
    open_buttons,
    part_label,
)
from handlers.render.outgoing import Outgoing
from models import Application, OutboxMessage, Person, Status, utcnow
from services.digest import PART_LINES
from services.quiet import Window, is_quiet, window_of

KINDS: Final = frozenset({"digest", "reminder", "escalation", "deadline"})


def digest_message(
    payload: dict[str, Any], apps: Sequence[Application]
) -> tuple[str, InlineKeyboardMarkup]:
    day = date.fromisoformat(payload["day"])
    oldest = date.fromisoformat(payload["oldest"])
    waited = (day - oldest).days
    age = (
        texts.DIGEST_AGE_TODAY if waited <= 0 else texts.DIGEST_AGE.format(days=texts.days(waited))
    )
    last = int(payload.get("part", 1)) >= int(payload.get("parts", 1))
    head = "\n".join(
        [
            texts.DIGEST_TITLE.format(day=fmt_day(day)) + part_label(payload),
            texts.DIGEST_SUMMARY.format(
                count=int(payload["count"]), oldest=fmt_day(oldest), age=age
            ),
            texts.DIGEST_HINT_LAST if last else texts.DIGEST_HINT,
        ]
    )
    first_index = _offset(payload) + 1
    lines = [
        line(
            texts.DIGEST_LINE,
            {"index": first_index + i, "number": app.number},
            [
                ("applicant", app.applicant.full_name, APPLICANT_CHARS),
                ("program", app.group.program.title, PROGRAM_CHARS),
            ],
        )
        for i, app in enumerate(apps)
    ]
    rows = open_buttons(apps)
    if last:
        rows.append(
            [
                InlineKeyboardButton(
                    text=texts.BTN_APPROVE_ALL, callback_data=BulkCb(action=BulkAction.ASK).pack()
                )
            ]
        )
    return join_lines(head, lines), InlineKeyboardMarkup(inline_keyboard=rows)


def _offset(payload: dict[str, Any]) -> int:
    """Entries numbered across parts: those of the parts before (all full, PART_LINES each)."""
    return (int(payload.get("part", 1)) - 1) * PART_LINES


def reminder_message(
    payload: dict[str, Any], apps: Sequence[Application], ages: dict[int, int]
) -> tuple[str, InlineKeyboardMarkup]:
    after = int(payload["after"])
    head = texts.REMIND_TITLE.format(
        part=part_label(payload), after=texts.working_days_after(after)
    )
    lines = [
        line(
            texts.REMIND_LINE,
            {
                "index": _offset(payload) + i + 1,
                "number": app.number,
                "age": texts.REMIND_AGE.format(days=ages.get(app.id, after + 1)),
            },
            [
                ("applicant", app.applicant.full_name, APPLICANT_CHARS),
                ("program", app.group.program.title, PROGRAM_CHARS),
            ],
        )
        for i, app in enumerate(apps)
    ]
    return join_lines(head, lines), InlineKeyboardMarkup(inline_keyboard=open_buttons(apps))


def deadline_message(
    payload: dict[str, Any], apps: Sequence[Application]
) -> tuple[str, InlineKeyboardMarkup]:
    head = texts.DEADLINE_TITLE.format(part=part_label(payload))
    lines = [
        line(
            texts.DEADLINE_LINE,
            {
                "index": _offset(payload) + i + 1,
                "number": app.number,
                "start": fmt_day(app.group.study_start) if app.group.study_start else "—",
            },
            [
                ("applicant", app.applicant.full_name, APPLICANT_CHARS),
                ("program", app.group.program.title, PROGRAM_CHARS),
            ],
        )
        for i, app in enumerate(apps)
    ]
    return join_lines(head, lines), InlineKeyboardMarkup(inline_keyboard=open_buttons(apps))


def escalation_message(
    payload: dict[str, Any], apps: Sequence[Application], ages: dict[int, int]
) -> str:
    """Grouped by municipality and school; headings where they change and atop every part.

    Staff get no buttons: cards open for the deciders of a school, not for the institute.
    """
    after = int(payload["after"])
    head = "\n".join(
        [
            texts.ESCALATE_TITLE.format(
                after=texts.working_days_after(after),
                day=fmt_day(date.fromisoformat(payload["day"])),
                part=part_label(payload),
            ),
            texts.ESCALATE_SUMMARY.format(count=int(payload["count"])),
        ]
    )
    lines: list[str] = []
    place: tuple[str, str] | None = None
    for app in apps:
        municipality, school = app.organization.municipality or "", app.organization.name
        if place is None or place[0] != municipality:
            name = municipality or texts.ESCALATE_NO_MUNICIPALITY
            lines.append(line(texts.ESCALATE_MUNICIPALITY, {}, [("name", name, PLACE_CHARS)]))
        if place is None or place != (municipality, school):
            lines.append(line(texts.ESCALATE_SCHOOL, {}, [("name", school, PLACE_CHARS)]))
        place = (municipality, school)
        lines.append(
            line(
                texts.ESCALATE_LINE,
                {
                    "number": app.number,
                    "age": texts.REMIND_AGE.format(days=ages.get(app.id, after + 1)),
                },
                [("applicant", app.applicant.full_name, APPLICANT_CHARS)],
            )
        )
    return join_lines(head, lines)


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
