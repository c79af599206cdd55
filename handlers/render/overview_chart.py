"""The region overview as a picture: grouped bars of statuses per municipality (Pillow PNG).

Pillow is imported when a chart is drawn, not when the bot starts: a staff member asks for the
overview now and then, and the library would otherwise sit in every process's memory.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from handlers import texts
from models import Status
from services.labels import STATUS_LABELS
from services.overview import Place

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

# A font with Cyrillic glyphs when the system has one; Pillow's own font otherwise.
_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
)
COLORS = {
    Status.NEW: (240, 173, 78),
    Status.APPROVED: (91, 192, 222),
    Status.INCLUDED: (92, 184, 92),
    Status.CANCELLED: (217, 83, 79),
}
WIDTH = 1000
ROW = 30  # height of one bar
GAP = 22  # between municipalities
LEFT = 330  # room for the municipality names
TOP = 90
MAX_PLACES = 40  # Telegram refuses photos taller than 20 times their width; keep it readable


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    for path in _FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _fit(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    width: int,
) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def render_chart(places: Sequence[Place]) -> bytes:
    """A PNG: one horizontal stacked bar per municipality, a segment per status, with a legend."""
    from PIL import Image, ImageDraw

    places = list(places)[:MAX_PLACES]
    height = TOP + len(places) * (ROW + GAP) + 40
    image = Image.new("RGB", (WIDTH, max(height, 200)), "white")
    draw = ImageDraw.Draw(image)
    title, label, small = _font(26), _font(16), _font(14)
    draw.text((20, 15), texts.STAFF_CHART_TITLE, fill="black", font=title)

    x = 20
    for status, color in COLORS.items():
        draw.rectangle((x, 58, x + 14, 72), fill=color)
        name = STATUS_LABELS[status]
        draw.text((x + 20, 56), name, fill="black", font=small)
        x += 40 + int(draw.textlength(name, font=small))

    biggest = max((place.total for place in places), default=0) or 1
    span = WIDTH - LEFT - 80
    y = TOP
    for place in places:
        name = place.name or texts.STAFF_OVERVIEW_NO_MUNICIPALITY
        draw.text((20, y + 6), _fit(draw, name, label, LEFT - 30), fill="black", font=label)
        x0 = LEFT
        for status, color in COLORS.items():
            count = place.counts.get(status, 0)
            if not count:
                continue
            length = max(2, round(span * count / biggest))
            draw.rectangle((x0, y, x0 + length, y + ROW), fill=color)
            if length > 24:
                draw.text((x0 + 5, y + 7), str(count), fill="black", font=small)
            x0 += length
        draw.text((x0 + 8, y + 7), str(place.total), fill="black", font=label)
        y += ROW + GAP

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
