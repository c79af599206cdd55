"""Quiet hours: a window of local time, possibly across midnight (e.g. 21:00-08:00)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

Window = tuple[time, time] | None

_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_hhmm(value: str) -> time:
    match = _TIME_RE.match(value.strip())
    if not match:
        raise ValueError(f"expected HH:MM, got {value!r}")
    return time(int(match.group(1)), int(match.group(2)))


def parse_quiet_hours(value: str) -> Window:
    """`21:00-08:00` → (21:00, 08:00); an empty string or `off` disables quiet hours."""
    value = value.strip()
    if value.lower() in {"", "off", "none", "-"}:
        return None
    start, sep, end = value.partition("-")
    if not sep:
        raise ValueError(f"expected HH:MM-HH:MM, got {value!r}")
    return parse_hhmm(start), parse_hhmm(end)


def is_quiet(now: datetime, tz: ZoneInfo, window: Window) -> bool:
    if window is None:
        return False
    start, end = window
    local = now.astimezone(tz).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def quiet_until(now: datetime, tz: ZoneInfo, window: Window) -> datetime | None:
    """The end of the quiet hours (UTC) when `now` is inside them, else None."""
    if window is None or not is_quiet(now, tz, window):
        return None
    local = now.astimezone(tz)
    end = datetime.combine(local.date(), window[1], tzinfo=tz)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(UTC)


def window_of(personal: str | None, default: Window) -> Window:
    """A person's own setting wins over the operator's default; a broken one is ignored."""
    if personal is None:
        return default
    try:
        return parse_quiet_hours(personal)
    except ValueError:
        return default
