"""The lines of scheduled messages: fields clipped after escaping, a line within its limit,
the part's label (the buttons that open a card are in `digest_keyboards`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from typing import Any, Final

from handlers import texts
from handlers.render.cards import MAX_TEXT
from services.digest import HEAD_CHARS, LINE_CHARS
from services.i18n import Template

# The longest a field may get in a line, before the line's own limit cuts it further.
APPLICANT_CHARS: Final = 40
PROGRAM_CHARS: Final = 60
PLACE_CHARS: Final = 100


def clip(value: str, limit: int) -> str:
    """`value` escaped for HTML, at most `limit` characters, cut with «…» between entities."""
    escaped = escape(value, quote=False)
    if len(escaped) <= limit:
        return escaped
    if limit <= 0:
        return ""
    pieces: list[str] = []
    size = 0
    for char in value:
        piece = escape(char, quote=False)
        if size + len(piece) > limit - 1:
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces).rstrip() + "…"


def line(
    template: Template, fixed: dict[str, object], fields: Sequence[tuple[str, str, int]]
) -> str:
    """A line of `template` within LINE_CHARS: `fields` (name, raw value, cap) share the room.

    Fixed values are safe already (numbers, dates, texts of ours); each field gets what is
    left after the fixed text and the fields before it, at most its cap.
    """
    room = LINE_CHARS - len(template.format(**fixed, **{name: "" for name, _, _ in fields}))
    values: dict[str, str] = {}
    for name, raw, cap in fields:
        values[name] = clip(raw, max(0, min(cap, room)))
        room -= len(values[name])
    return template.format(**fixed, **values)


def fmt_day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def part_label(payload: dict[str, Any]) -> str:
    parts = int(payload.get("parts", 1))
    if parts <= 1:
        return ""
    return texts.DIGEST_PART.format(part=int(payload["part"]), parts=parts)


def join_lines(head: str, lines: Sequence[str]) -> str:
    # Guaranteed by the layout (the head is ours: dates and counts); kept as a last guard
    # against a future template change, dropping whole lines, never cutting inside a tag.
    assert len(head) <= HEAD_CHARS, "a scheduled message's head outgrew its budget"
    text = head + "\n\n" + "\n".join(lines)
    while len(text) > MAX_TEXT and lines:
        lines = lines[:-1]
        text = head + "\n\n" + "\n".join([*lines, "…"])
    return text
