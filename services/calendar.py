"""Russian working days: weekends and public holidays skipped (PRODUCT.md §5).

The `holidays` package knows the production calendar it was released with (holidays, days off
moved by government decree, Saturdays made working days). A decree published after that release,
or a regional day off, goes into the optional overrides file (setting `WORKDAYS_FILE`), one date
a line:

    # transfers announced after the package release
    2027-02-20 work      # a Saturday that is a working day («рабочий» works too)
    2027-12-30 off       # an extra day off («выходной» works too)

Dates may be written `YYYY-MM-DD` or `DD.MM.YYYY`; `#` starts a comment.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Final

import holidays

from services.i18n import Language, catalogue

_WORDS: Final = catalogue(Language.RU)
_WORK: Final = {"work", "workday", "working", *_WORDS.text("calendar-workday-words").split(", ")}
_OFF: Final = {
    *("off", "holiday", "dayoff", "day off"),
    *_WORDS.text("calendar-day-off-words").split(", "),
}


class WorkCalendar:
    """Which days are working days, and how many working days lie between two dates."""

    def __init__(
        self, *, workdays: Iterable[date] = (), days_off: Iterable[date] = (), country: str = "RU"
    ) -> None:
        self._workdays = frozenset(workdays)
        self._days_off = frozenset(days_off)
        both = self._workdays & self._days_off
        if both:
            raise ValueError(f"both a working day and a day off: {min(both).isoformat()}")
        # Years are filled in lazily by the package as dates are asked about.
        self._holidays = holidays.country_holidays(country)
        # Per year: working days from 1 January up to each day of the year, inclusive.
        self._prefix: dict[int, list[int]] = {}

    @classmethod
    def from_file(cls, path: Path | None) -> WorkCalendar:
        """The calendar with the overrides of `path` (None: the package's calendar only)."""
        if path is None:
            return cls()
        workdays, days_off = load_overrides(path)
        return cls(workdays=workdays, days_off=days_off)

    def is_working_day(self, day: date) -> bool:
        if day in self._days_off:
            return False
        if day in self._workdays:
            return True
        return bool(self._holidays.is_working_day(day))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end: how many working days have passed since start.

        Counted from per-year running totals, so asking it for thousands of applications a
        minute costs a dictionary lookup each, not a walk over the days.
        """
        if end <= start:
            return 0
        count = self._rank(end) - self._rank(start)
        for year in range(start.year, end.year):
            count += self._year(year)[-1]
        return count

    def _rank(self, day: date) -> int:
        return self._year(day.year)[day.timetuple().tm_yday - 1]

    def _year(self, year: int) -> list[int]:
        prefix = self._prefix.get(year)
        if prefix is None:
            prefix = []
            total = 0
            day = date(year, 1, 1)
            while day.year == year:
                total += self.is_working_day(day)
                prefix.append(total)
                day += timedelta(days=1)
            self._prefix[year] = prefix
        return prefix


def parse_overrides(text: str) -> tuple[set[date], set[date]]:
    """(working days, days off) of an overrides file; ValueError names the bad line."""
    workdays: set[date] = set()
    days_off: set[date] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        when, _, what = line.partition(" ")
        word = " ".join(what.lower().split())
        try:
            day = _parse_date(when)
        except ValueError:
            raise ValueError(f"line {number}: expected a date, got {when!r}") from None
        if word in _WORK:
            workdays.add(day)
        elif word in _OFF:
            days_off.add(day)
        else:
            raise ValueError(f"line {number}: expected 'work' or 'off' after the date")
    both = workdays & days_off
    if both:
        raise ValueError(f"both a working day and a day off: {min(both).isoformat()}")
    return workdays, days_off


def load_overrides(path: Path) -> tuple[set[date], set[date]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read ({type(exc).__name__})") from exc
    try:
        return parse_overrides(text)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def _parse_date(value: str) -> date:
    if "." in value:
        return datetime.strptime(value, "%d.%m.%Y").date()
    return date.fromisoformat(value)
