"""Russian working days: weekends and public holidays skipped (PRODUCT.md §5).

The `holidays` package knows the production calendar it was released with (holidays, days off
moved by government decree, Saturdays made working days). A decree published after that release,
or a regional day off, goes into the optional overrides file (setting `WORKDAYS_FILE`), one date
a line:

    # transfers announced after the package release
    2027-02-20 work      # a Saturday that is a working day («рабочий» works too)
    2027-12-30 off       # an extra day off («выходной» works too)

Dates may be written `YYYY-MM-DD` or `DD.MM.YYYY`; `#` starts a comment.

A line may end with a region's code (ISO 3166-2, as a school's «Регион» in the people import):
it then holds for the schools of that region only, over the lines without one:

    2027-06-16 off RU-TA     # Kurban Bayram in Tatarstan
    2027-06-16 work RU-CHE   # (nothing changes: the line only shows the form)

A region the `holidays` package knows as a subdivision of the country also gets the package's
regional holidays; for Russia the package knows none, so the file is where they go.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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


# A region's code: the country, a hyphen, the subdivision (RU-CHE, RU-TA, RU-77).
REGION_RE: Final = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


@dataclass
class Overrides:
    """An overrides file: its lines for everyone, and its lines for each region."""

    workdays: set[date] = field(default_factory=set)
    days_off: set[date] = field(default_factory=set)
    regional: dict[str, Overrides] = field(default_factory=dict)


class WorkCalendar:
    """Which days are working days, and how many working days lie between two dates."""

    def __init__(
        self,
        *,
        workdays: Iterable[date] = (),
        days_off: Iterable[date] = (),
        country: str = "RU",
        subdivision: str | None = None,
        regional: Mapping[str, Overrides] | None = None,
    ) -> None:
        self._workdays = frozenset(workdays)
        self._days_off = frozenset(days_off)
        both = self._workdays & self._days_off
        if both:
            raise ValueError(f"both a working day and a day off: {min(both).isoformat()}")
        self._country = country
        self._regional = dict(regional or {})
        self._regions: dict[str, WorkCalendar] = {}
        # Years are filled in lazily by the package as dates are asked about.
        self._holidays = holidays.country_holidays(country, subdiv=subdivision)
        # Per year: working days from 1 January up to each day of the year, inclusive.
        self._prefix: dict[int, list[int]] = {}

    @classmethod
    def from_file(cls, path: Path | None) -> WorkCalendar:
        """The calendar with the overrides of `path` (None: the package's calendar only)."""
        if path is None:
            return cls()
        overrides = load_overrides(path)
        return cls(
            workdays=overrides.workdays,
            days_off=overrides.days_off,
            regional=overrides.regional,
        )

    def of(self, region: str | None) -> WorkCalendar:
        """The calendar of a region's schools: this one with the region's own lines of the
        file over it, and the package's holidays of the region where it knows them. A region
        with neither is this very calendar; each region's is built once."""
        if region is None:
            return self
        found = self._regions.get(region)
        if found is None:
            found = self._regions[region] = self._regional_calendar(region)
        return found

    def _regional_calendar(self, region: str) -> WorkCalendar:
        country, _, subdivision = region.partition("-")
        known = country == self._country and subdivision in _subdivisions(country)
        own = self._regional.get(region)
        if own is None and not known:
            return self
        own = own or Overrides()
        return WorkCalendar(
            workdays=(self._workdays - own.days_off) | own.workdays,
            days_off=(self._days_off - own.workdays) | own.days_off,
            country=self._country,
            subdivision=subdivision if known else None,
        )

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


def _subdivisions(country: str) -> frozenset[str]:
    return frozenset(holidays.country_holidays(country).subdivisions)


def parse_overrides(text: str) -> Overrides:
    """The lines of an overrides file; ValueError names the bad line."""
    overrides = Overrides()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        when, *words = line.split()
        target = overrides
        if words and REGION_RE.match(words[-1].upper()):
            target = overrides.regional.setdefault(words.pop().upper(), Overrides())
        word = " ".join(words).lower()
        try:
            day = _parse_date(when)
        except ValueError:
            raise ValueError(f"line {number}: expected a date, got {when!r}") from None
        if word in _WORK:
            target.workdays.add(day)
        elif word in _OFF:
            target.days_off.add(day)
        else:
            raise ValueError(f"line {number}: expected 'work' or 'off' after the date")
    for where, part in [("", overrides), *((f" in {r}", o) for r, o in overrides.regional.items())]:
        both = part.workdays & part.days_off
        if both:
            raise ValueError(f"both a working day and a day off{where}: {min(both).isoformat()}")
    return overrides


def load_overrides(path: Path) -> Overrides:
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
