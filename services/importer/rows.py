"""Step 1: reading a file and checking each row on its own, without the database.

Runs in a worker thread (`_parse`); the result is `_Parsed`, the rows that passed and the
problems of those that did not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Final

from models import AssessmentSection, Group, Kind, Organization, Person, Program, Role, Status
from services.i18n import Message
from services.importer.columns import (
    _KIND_ORDER,
    _OPTIONAL,
    _REQUIRED,
    FILE_KIND_LABELS,
    HOURS_RE,
    NO_WORDS,
    YES_WORDS,
    Col,
    FileKind,
)
from services.importer.report import ImportProblem, Progress
from services.labels import (
    KIND_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    fold,
    kind_from_label,
    role_from_label,
    status_from_label,
)
from services.phones import InvalidPhone, normalize_phone
from services.tabular import TabularError, read_tables

MAX_INT4: Final = 2**31 - 1


class _Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ImportProblem] = []
        self.warnings: list[ImportProblem] = []

    def error(
        self,
        sheet: str | None,
        line: int | None,
        column: str | None,
        value: str | None,
        message: Message,
    ) -> None:
        self.errors.append(ImportProblem(self.file, line, column, value, message, sheet))

    def warning(
        self, sheet: str | None, line: int, column: str, value: str | None, message: Message
    ) -> None:
        self.warnings.append(ImportProblem(self.file, line, column, value, message, sheet))


@dataclass(slots=True)
class _PersonRow:
    sheet: str | None
    line: int
    code: str
    full_name: str
    roles: frozenset[Role]
    organization: str
    municipality: str
    phone: str | None


@dataclass(slots=True)
class _ApplicationRow:
    sheet: str | None
    line: int
    number: int
    applicant_code: str
    applicant: str
    organization: str
    kind: Kind
    program: str
    group: str
    status: Status
    # None: not given (an absent column or an empty cell), which leaves what is stored alone.
    hours: int | None
    study: tuple[date, date] | None
    form: str | None
    description: str | None
    categories: str | None
    competencies: str | None
    provider: str | None
    submitted_on: date | None


@dataclass(slots=True)
class _ResultRow:
    sheet: str | None
    line: int
    code: str
    section: str
    passed: bool


@dataclass
class _Parsed:
    file: str
    problems: _Problems
    kinds: list[FileKind] = field(default_factory=list)
    rows: int = 0
    # The text encoding of a CSV file (`services.tabular.UTF8` or `CP1251`); None for XLSX.
    encoding: str | None = None
    people: list[_PersonRow] = field(default_factory=list)
    applications: list[_ApplicationRow] = field(default_factory=list)
    results: list[_ResultRow] = field(default_factory=list)


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

# Every column header of every kind: a CSV file whose header has one is not mistaken for bytes
# of something else when it is read as Windows-1251.
_HEADERS: Final = frozenset(
    column for columns in (*_REQUIRED.values(), *_OPTIONAL.values()) for column in columns
)

_DAY = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
_DATES_RE = re.compile(rf"^{_DAY}\s*[-–—]\s*{_DAY}$")
_DAY_RE = re.compile(rf"^{_DAY}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?$")
_ISO_DAY_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _labels(labels: Iterable[str]) -> str:
    return ", ".join(f"«{label}»" for label in labels)


class _Row:
    """The cells of one data row, read by column name, with the checks every kind needs."""

    __slots__ = ("cells", "columns", "line", "ok", "problems", "sheet")

    def __init__(
        self,
        problems: _Problems,
        sheet: str | None,
        line: int,
        cells: list[str],
        columns: dict[str, int],
    ) -> None:
        self.problems = problems
        self.sheet = sheet
        self.line = line
        self.cells = cells
        self.columns = columns
        self.ok = True

    def raw(self, column: str) -> str:
        index = self.columns.get(column)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]

    def fail(self, column: str, value: str | None, message: Message) -> None:
        self.problems.error(self.sheet, self.line, column, value, message)
        self.ok = False

    def text(self, column: str, *, required: bool = True) -> str:
        value = self.raw(column)
        if not value:
            if required:
                self.fail(column, None, Message.of("import-empty"))
            return ""
        limit = _LIMITS.get(column)
        if limit is not None and len(value) > limit:
            self.fail(
                column,
                value,
                Message.of("import-too-long", limit=limit),
            )
        return value

    def optional(self, column: str) -> str | None:
        return self.text(column, required=False) or None

    def number(self, column: str) -> int:
        value = self.text(column)
        if value and (not value.isdigit() or not 0 < int(value) <= MAX_INT4):
            self.fail(
                column,
                value,
                Message.of("import-positive-number"),
            )
            return 0
        return int(value) if value else 0

    def status(self, column: str) -> Status:
        value = self.text(column)
        status = _status(value) if value else None
        if status is None and value:
            allowed = _labels(STATUS_LABELS.values())
            self.fail(
                column,
                value,
                Message.of("import-unknown-status", allowed=allowed),
            )
        return status or Status.NEW

    def kind(self, column: str) -> Kind:
        value = self.text(column)
        kind = _kind(value) if value else None
        if kind is None and value:
            self.fail(
                column,
                value,
                Message.of("import-unknown-kind", allowed=_labels(KIND_LABELS.values())),
            )
        return kind or Kind.COURSE

    def roles(self, column: str) -> frozenset[Role]:
        value = self.text(column)
        roles: set[Role] = set()
        unknown: list[str] = []
        for part in value.split(","):
            label = part.strip()
            if not label:
                continue
            role = role_from_label(label)
            if role is None:
                unknown.append(label)
            else:
                roles.add(role)
        if unknown:
            allowed = _labels(ROLE_LABELS.values())
            self.fail(
                column,
                value,
                Message.of("import-unknown-role", unknown=_labels(unknown), allowed=allowed),
            )
        elif value and not roles:
            self.fail(column, value, Message.of("import-no-role"))
        return frozenset(roles)

    def phone(self, column: str) -> str | None:
        value = self.raw(column)
        if not value:
            return None
        try:
            return normalize_phone(value)
        except InvalidPhone:
            self.fail(column, value, Message.of("import-bad-phone"))
            return None

    def hours(self, column: str) -> int | None:
        value = self.raw(column)
        if not value:
            return None
        hours = _hours(value)
        if hours is None:
            self.fail(
                column,
                value,
                Message.of("import-hours-expected"),
            )
        return hours

    def study_dates(self, column: str) -> tuple[date, date] | None:
        value = self.raw(column)
        if not value:
            return None
        study = _study_dates(value)
        if study is None:
            self.fail(
                column,
                value,
                Message.of("import-period-expected"),
            )
        elif study[1] < study[0]:
            self.fail(
                column,
                value,
                Message.of("import-end-before-start"),
            )
            return None
        return study

    def day(self, column: str) -> date | None:
        value = self.raw(column)
        if not value:
            return None
        day = _day(value)
        if day is None:
            self.fail(column, value, Message.of("import-date-expected"))
        return day

    def passed(self, column: str) -> bool:
        value = self.text(column)
        folded = fold(value)
        if value and folded not in YES_WORDS | NO_WORDS:
            self.fail(column, value, Message.of("import-yes-no-expected"))
        return folded in YES_WORDS


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


def _parse(data: bytes, filename: str, tick: Progress) -> _Parsed:
    """Step 1: read the file and check each row on its own; runs in a worker thread."""
    parsed = _Parsed(file=filename, problems=_Problems(filename))
    expected = 0
    numbers: dict[int, int] = {}
    codes: dict[str, int] = {}
    results: dict[tuple[str, str], int] = {}
    try:
        for sheet in read_tables(data, filename, columns=_HEADERS):
            parsed.encoding = sheet.encoding
            detected = _detect(sheet.header, parsed.problems, sheet.name, sheet.header_line)
            if detected is None:
                continue
            kind, columns = detected
            if kind not in parsed.kinds:
                parsed.kinds.append(kind)
            expected += sheet.size_hint
            for line, cells in sheet.rows:
                parsed.rows += 1
                row = _Row(parsed.problems, sheet.name, line, cells, columns)
                if kind is FileKind.PEOPLE:
                    _read_person(parsed, row, codes)
                elif kind is FileKind.APPLICATIONS:
                    _read_application(parsed, row, numbers)
                else:
                    _read_result(parsed, row, results)
                if parsed.rows % 5000 == 0:
                    tick(parsed.rows, max(expected, parsed.rows))
    except TabularError as exc:
        parsed.problems.error(exc.sheet, exc.line, None, None, exc.message)
    if not parsed.kinds and not parsed.problems.errors:
        parsed.problems.error(
            None,
            None,
            None,
            None,
            Message.of("import-no-table"),
        )
    return parsed


def _detect(
    header: list[str], problems: _Problems, sheet: str | None, line: int
) -> tuple[FileKind, dict[str, int]] | None:
    """The kind of a table told by its header, and the index of each known column."""
    by_fold: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = fold(cell)
        if key and key in by_fold:
            problems.error(
                sheet,
                line,
                cell,
                None,
                Message.of("import-column-repeats"),
            )
            return None
        if key:
            by_fold[key] = index

    def present(columns: Sequence[str]) -> list[str]:
        return [column for column in columns if fold(column) in by_fold]

    matching = [
        kind for kind in _KIND_ORDER if len(present(_REQUIRED[kind])) == len(_REQUIRED[kind])
    ]

    def refuse(message: Message) -> None:
        problems.error(sheet, line, None, None, message)

    if len(matching) > 1:
        refuse(
            Message.of(
                "import-several-kinds", kinds=tuple(FILE_KIND_LABELS[kind] for kind in matching)
            )
        )
        return None
    if not matching:
        best = max(
            _KIND_ORDER, key=lambda kind: len(present(_REQUIRED[kind])) / len(_REQUIRED[kind])
        )
        found = present(_REQUIRED[best])
        if not found:
            refuse(
                Message.of(
                    "import-header-unknown", **{kind.value: _expected(kind) for kind in _KIND_ORDER}
                )
            )
        else:
            missing = ", ".join(column for column in _REQUIRED[best] if column not in found)
            label = FILE_KIND_LABELS[best]
            refuse(Message.of("import-columns-missing", kind=label, missing=missing))
        return None
    kind = matching[0]
    known = _REQUIRED[kind] + _OPTIONAL.get(kind, ())
    return kind, {column: by_fold[fold(column)] for column in known if fold(column) in by_fold}


def _expected(kind: FileKind) -> Message:
    return Message.of(
        "import-expected", kind=FILE_KIND_LABELS[kind], columns=", ".join(_REQUIRED[kind])
    )


def _read_person(parsed: _Parsed, row: _Row, codes: dict[str, int]) -> None:
    code = row.text(Col.CODE)
    person = _PersonRow(
        sheet=row.sheet,
        line=row.line,
        code=code,
        full_name=row.text(Col.NAME),
        roles=row.roles(Col.ROLE),
        organization=row.text(Col.ORGANIZATION),
        municipality=row.text(Col.MUNICIPALITY, required=False),
        phone=row.phone(Col.PHONE),
    )
    if code:
        first = codes.setdefault(code, row.line)
        if first != row.line:
            row.fail(
                Col.CODE,
                code,
                Message.of("import-code-repeats", first=first),
            )
    if row.ok:
        parsed.people.append(person)


def _read_application(parsed: _Parsed, row: _Row, numbers: dict[int, int]) -> None:
    number = row.number(Col.NUMBER)
    application = _ApplicationRow(
        sheet=row.sheet,
        line=row.line,
        number=number,
        applicant_code=row.text(Col.APPLICANT_CODE),
        applicant=row.text(Col.APPLICANT),
        organization=row.text(Col.ORGANIZATION),
        kind=row.kind(Col.KIND),
        program=row.text(Col.PROGRAM),
        group=row.text(Col.GROUP),
        status=row.status(Col.STATUS),
        hours=row.hours(Col.HOURS),
        study=row.study_dates(Col.DATES),
        form=row.optional(Col.FORM),
        description=row.optional(Col.GROUP_DESCRIPTION),
        categories=row.optional(Col.CATEGORIES),
        competencies=row.optional(Col.COMPETENCIES),
        provider=row.optional(Col.PROVIDER),
        submitted_on=row.day(Col.SUBMITTED),
    )
    if number:
        first = numbers.setdefault(number, row.line)
        if first != row.line:
            row.fail(
                Col.NUMBER,
                str(number),
                Message.of("import-number-repeats", first=first),
            )
    if row.ok:
        parsed.applications.append(application)


def _read_result(parsed: _Parsed, row: _Row, seen: dict[tuple[str, str], int]) -> None:
    result = _ResultRow(
        sheet=row.sheet,
        line=row.line,
        code=row.text(Col.CODE),
        section=row.text(Col.SECTION),
        passed=row.passed(Col.PASSED),
    )
    if result.code and result.section:
        first = seen.setdefault((result.code, fold(result.section)), row.line)
        if first != row.line:
            row.fail(
                Col.SECTION,
                result.section,
                Message.of("import-section-repeats", first=first),
            )
    if row.ok:
        parsed.results.append(result)
