"""The text (and keyboard) of each scheduled message: digest, reminder, deadline, escalation.

Each line is kept within its limit by `digest_lines.line`; entries are numbered across parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from handlers import texts
from handlers.render.digest_keyboards import open_keyboard
from handlers.render.digest_lines import (
    APPLICANT_CHARS,
    PLACE_CHARS,
    PROGRAM_CHARS,
    fmt_day,
    join_lines,
    line,
    part_label,
)
from models import Application
from services.digest import PART_LINES


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
    return join_lines(head, lines), open_keyboard(apps, approve_all=last)


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
    return join_lines(head, lines), open_keyboard(apps)


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
    return join_lines(head, lines), open_keyboard(apps)


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
