"""Russian working days: the package's production calendar plus the operator's overrides."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.calendar import WorkCalendar, load_overrides, parse_overrides


def test_weekends_and_public_holidays_are_not_working_days() -> None:
    calendar = WorkCalendar()
    assert calendar.is_working_day(date(2027, 1, 11))  # Monday
    assert not calendar.is_working_day(date(2027, 1, 16))  # Saturday
    assert not calendar.is_working_day(date(2027, 1, 17))  # Sunday
    assert not calendar.is_working_day(date(2027, 1, 4))  # New Year holidays, a Monday
    assert not calendar.is_working_day(date(2027, 2, 22))  # a day off moved by decree
    assert calendar.is_working_day(date(2027, 2, 20))  # the Saturday it was moved from


def test_working_days_between_skip_weekends_and_holidays() -> None:
    calendar = WorkCalendar()
    thursday = date(2027, 1, 14)
    assert calendar.working_days_between(thursday, thursday) == 0
    assert calendar.working_days_between(thursday, date(2027, 1, 18)) == 2  # Fri, Mon
    assert calendar.working_days_between(thursday, date(2027, 1, 20)) == 4
    assert calendar.working_days_between(date(2027, 1, 20), thursday) == 0
    # Across the year and the New Year holidays: 31 December 2026 is a day off too.
    assert calendar.working_days_between(date(2026, 12, 30), date(2027, 1, 11)) == 1
    naive = sum(
        calendar.is_working_day(date.fromordinal(d))
        for d in range(date(2025, 3, 1).toordinal() + 1, date(2027, 5, 1).toordinal() + 1)
    )
    assert calendar.working_days_between(date(2025, 3, 1), date(2027, 5, 1)) == naive


def test_the_overrides_file_adds_working_days_and_days_off(tmp_path: Path) -> None:
    path = tmp_path / "workdays.txt"
    path.write_text(
        "# decree of 2026\n"
        "2027-01-16 work\n"
        "18.01.2027 выходной   # regional\n"
        "\n"
        "2027-01-23 рабочий\n",
        encoding="utf-8",
    )
    calendar = WorkCalendar.from_file(path)
    assert calendar.is_working_day(date(2027, 1, 16))
    assert calendar.is_working_day(date(2027, 1, 23))
    assert not calendar.is_working_day(date(2027, 1, 18))
    assert calendar.working_days_between(date(2027, 1, 15), date(2027, 1, 19)) == 2  # Sat, Tue
    assert WorkCalendar.from_file(None).is_working_day(date(2027, 1, 18))


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("2027-01-16 work\n2027-13-01 off\n", "line 2: expected a date"),
        ("2027-01-16 maybe\n", "line 1: expected 'work' or 'off'"),
        ("2027-01-16\n", "line 1: expected 'work' or 'off'"),
        ("2027-01-16 work\n16.01.2027 off\n", "both a working day and a day off: 2027-01-16"),
    ],
)
def test_a_bad_overrides_file_names_the_line(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_overrides(text)


def test_an_unreadable_overrides_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        load_overrides(tmp_path / "missing.txt")
