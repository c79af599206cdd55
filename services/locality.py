"""A school's own clock and working-day calendar (PRODUCT.md §8).

The country spans eleven time zones. A school (`Organization`) may carry its time zone, an IANA
name such as `Asia/Vladivostok`, and its region, an ISO 3166-2 code such as `RU-TA` that picks
its working-day calendar (`services.calendar.WorkCalendar.of`). A school without them keeps the
TIMEZONE setting and the country's calendar. A person lives by their school's: the digest
time, quiet hours, "today" of the reminders and deadline warnings, and the days off are theirs.
Staff, and anyone without a school, keep the setting's.

The import (columns «Часовой пояс», «Регион») and the HTTP API (`timezone`, `region`) check
the values with `parse_zone` and `parse_region`, so what is stored is always usable; a value
that stopped being one (a zone dropped from the system's database) falls back to the default.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models import Application, Person
from services.calendar import REGION_RE

ZONE_MAX_CHARS = 64
REGION_MAX_CHARS = 16


@cache
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_of(name: str | None, default: ZoneInfo) -> ZoneInfo:
    """The zone a school's stored name means, or `default` without one (or a broken one)."""
    if not name:
        return default
    return _zone(name) or default


def zone_of_person(person: Person, default: ZoneInfo) -> ZoneInfo:
    """The zone a person lives by: their school's (its relationship is loaded with them)."""
    school = person.organization
    return zone_of(school.timezone if school is not None else None, default)


def person_today(person: Person | None, now: datetime, default: ZoneInfo) -> date:
    """Today as a person lives it: by their school's clock (`default` without one)."""
    zone = zone_of_person(person, default) if person is not None else default
    return now.astimezone(zone).date()


def school_zone(application: Application, default: ZoneInfo) -> ZoneInfo:
    """The clock of an application's school: its card's and notices' times are read in it, so
    the director, the deputy and the teacher read the same times."""
    return zone_of(application.organization.timezone, default)


def school_today(application: Application, now: datetime, default: ZoneInfo) -> date:
    """Today at an application's school: the day its deputies' periods are checked against."""
    return now.astimezone(school_zone(application, default)).date()


def parse_zone(text: str) -> str:
    """An IANA zone name as written by an import or the API; ValueError for anything else."""
    name = text.strip()
    zone = _zone(name) if 0 < len(name) <= ZONE_MAX_CHARS else None
    if zone is None:
        raise ValueError(name)
    return zone.key


def parse_region(text: str) -> str:
    """A region's code (RU-CHE) in capitals; ValueError for anything else."""
    code = text.strip().upper()
    if not REGION_RE.match(code):
        raise ValueError(code)
    return code
