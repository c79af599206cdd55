"""What a deputyship is and the rules on it: who names deputies, which periods, the refusals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from models import Deputy, Person, Role

# A deputy covers an absence (a holiday, a sick leave), not a change of director.
MAX_PERIOD_DAYS = 366

_DATE = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
# People type dashes of every length, with or without spaces around them.
_PERIOD_RE = re.compile(rf"^{_DATE}\s*[-–—]\s*{_DATE}$")

PeriodProblem = Literal["format", "order", "past", "too_long"]


class DeputyError(Exception):
    """A refused deputy action; handlers turn it into the user's words."""


class NotADirector(DeputyError):
    """Only a director of a school names deputies."""


class NotAColleague(DeputyError):
    """Not a linked colleague of the director's school (or the director themselves)."""


class BadPeriod(DeputyError):
    def __init__(self, problem: PeriodProblem) -> None:
        super().__init__(f"bad period: {problem}")
        self.problem: PeriodProblem = problem


class OverlappingDeputyship(DeputyError):
    """The colleague is already the deputy for a part of this period."""


class DeputyshipNotFound(DeputyError):
    """No such deputyship of this director still in force (revoked, ended, someone else's)."""


@dataclass(frozen=True)
class Deputyship:
    row: Deputy
    deputy: Person


def school_of(person: Person) -> int:
    """The organization a director names deputies in; `NotADirector` for anyone else."""
    if Role.DIRECTOR not in person.roles or person.organization_id is None:
        raise NotADirector
    return person.organization_id


def parse_period(text: str, today: date) -> tuple[date, date]:
    """`ДД.ММ.ГГГГ-ДД.ММ.ГГГГ` → (first day, last day), both included; else `BadPeriod`."""
    match = _PERIOD_RE.match(text.strip())
    if match is None:
        raise BadPeriod("format")
    d1, m1, y1, d2, m2, y2 = (int(part) for part in match.groups())
    try:
        starts_on, ends_on = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        raise BadPeriod("format") from None
    check_period(starts_on, ends_on, today)
    return starts_on, ends_on


def check_period(starts_on: date, ends_on: date, today: date) -> None:
    if starts_on > ends_on:
        raise BadPeriod("order")
    if ends_on < today:
        raise BadPeriod("past")
    if (ends_on - starts_on).days + 1 > MAX_PERIOD_DAYS:
        raise BadPeriod("too_long")
