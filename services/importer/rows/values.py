"""Parsing one cell's value: column length limits, dates, hours, labels (pure, mostly cached)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any, Final

from models import AssessmentSection, Group, Kind, Organization, Person, Program, Status
from services.importer.columns import HOURS_RE, Col
from services.labels import fold, kind_from_label, status_from_label


def _limit(column: Any) -> int | None:
    length = getattr(column.type, "length", None)
    return length if isinstance(length, int) else None


# Longest values the columns take (PostgreSQL refuses longer ones; SQLite would keep them).
_LIMITS: Final[dict[str, int | None]] = {
    Col.CODE: _limit(Person.code),
    Col.APPLICANT_CODE: _limit(Person.code),
    Col.NAME: _limit(Person.full_name),
    Col.APPLICANT: _limit(Person.full_name),
    Col.ORGANIZATION: _limit(Organization.name),
    Col.MUNICIPALITY: _limit(Organization.municipality),
    Col.PROGRAM: _limit(Program.title),
    Col.FORM: _limit(Program.form),
    Col.PROVIDER: _limit(Program.provider),
    Col.GROUP: _limit(Group.name),
    Col.SECTION: _limit(AssessmentSection.name),
}


_DAY = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
_DATES_RE = re.compile(rf"^{_DAY}\s*[-–—]\s*{_DAY}$")
_DAY_RE = re.compile(rf"^{_DAY}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?$")
_ISO_DAY_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _labels(labels: Iterable[str]) -> str:
    return ", ".join(f"«{label}»" for label in labels)


def _make_date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


# The value parsers below are pure and cached: a file repeats the same few labels, hours and
# dates on thousands of rows.


@lru_cache(maxsize=1024)
def _status(value: str) -> Status | None:
    return status_from_label(value)


@lru_cache(maxsize=64)
def _kind(value: str) -> Kind | None:
    return kind_from_label(value)


@lru_cache(maxsize=1024)
def _hours(value: str) -> int | None:
    match = HOURS_RE.match(fold(value))
    if match is None or int(match.group(1)) == 0:
        return None
    return int(match.group(1))


@lru_cache(maxsize=4096)
def _study_dates(value: str) -> tuple[date, date] | None:
    match = _DATES_RE.match(value)
    if match is None:
        return None
    start = _make_date(match.group(1), match.group(2), match.group(3))
    end = _make_date(match.group(4), match.group(5), match.group(6))
    return (start, end) if start is not None and end is not None else None


@lru_cache(maxsize=4096)
def _day(value: str) -> date | None:
    if match := _DAY_RE.match(value):
        return _make_date(match.group(1), match.group(2), match.group(3))
    if match := _ISO_DAY_RE.match(value):
        return _make_date(match.group(3), match.group(2), match.group(1))
    return None
