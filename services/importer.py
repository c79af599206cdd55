"""Import of CSV and XLSX files (PRODUCT.md §7.3): people, applications, assessment results.

One file is one unit of work, done in three steps:

1. read and check every row without the database, in a worker thread (a big file sent to the bot
   must not stall its event loop);
2. load what the file refers to in a few queries and plan every change in memory, checking what
   needs the database (a known applicant's school, a status transition);
3. only if nothing was wrong, write: bulk inserts and bulk updates by primary key in chunks, and
   the workflow (`services.workflow`) for each status or group change, so that those get their
   history like any other change.

Problems are collected, not raised one by one: a refused file raises `ImportFailed` carrying the
report with every problem, before anything is written. The service never commits; the caller owns
the transaction, one per file:

    try:
        async with sessionmaker.begin() as session:
            report = await import_file(session, path, dry_run=dry_run)
    except ImportFailed as failed:  # rolled back by the context manager; nothing written
        report = failed.report

A dry run stops after step 2 and neither writes nor flushes anything, so committing or rolling
back afterwards makes no difference. Should the workflow refuse a change in step 3 (another
process changed the application meanwhile), `ImportFailed` is raised after some writes were
flushed: leaving the `begin()` block by that exception rolls them back.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any, Final, TypeVar

from sqlalchemy import Row, Select, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Application,
    AssessmentResult,
    AssessmentSection,
    Channel,
    Group,
    HistoryAction,
    HistoryEntry,
    Kind,
    Organization,
    Person,
    PersonRole,
    Program,
    Role,
    Status,
    utcnow,
)
from services import notifications
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
from services.workflow import (
    TRANSITIONS,
    Actor,
    GroupNotAllowed,
    StaleStatus,
    TransitionNotAllowed,
    WorkflowError,
    change_group,
    change_status,
)

Progress = Callable[[int, int], None]

# Rows per INSERT/UPDATE statement batch: well under asyncpg's 32,767 bind parameters and
# SQLite's 32,766 variables for the widest table (applications, 9 columns).
WRITE_CHUNK: Final = 2000
# Values per `IN (...)` when loading what a file refers to. Short on purpose: PostgreSQL may
# reuse a generic plan for a statement asyncpg keeps prepared, and with a long list that plan
# compares every row of a sequential scan with every value of the list, one by one.
READ_CHUNK: Final = 500
# A file naming more than this share of a table's rows reads the table in one pass instead.
SCAN_SHARE: Final = 0.1
SCAN_MIN_KEYS: Final = 1000
# Applications loaded at a time for changes that go through the workflow.
WORKFLOW_CHUNK: Final = 500
MAX_INT4: Final = 2**31 - 1


class Col:
    """Column headers of the import files, as users and the web module spell them."""

    CODE: Final = "Код"
    NAME: Final = "ФИО"
    ROLE: Final = "Роль"
    ORGANIZATION: Final = "Организация"
    MUNICIPALITY: Final = "Муниципалитет"
    PHONE: Final = "Телефон"

    NUMBER: Final = "Номер заявки"
    APPLICANT_CODE: Final = "Код заявителя"
    APPLICANT: Final = "Заявитель"
    KIND: Final = "Вид заявки"
    PROGRAM: Final = "Программа"
    GROUP: Final = "Группа"
    GROUP_DESCRIPTION: Final = "Описание группы"
    HOURS: Final = "Трудоёмкость"
    DATES: Final = "Даты обучения"
    FORM: Final = "Форма обучения"
    CATEGORIES: Final = "Категории слушателей"
    COMPETENCIES: Final = "Совершенствуемые компетенции"
    PROVIDER: Final = "Организация ДПО"
    SUBMITTED: Final = "Дата подачи"
    STATUS: Final = "Статус"

    SECTION: Final = "Раздел"
    PASSED: Final = "Пройден"


PEOPLE_COLUMNS: Final = (
    Col.CODE,
    Col.NAME,
    Col.ROLE,
    Col.ORGANIZATION,
    Col.MUNICIPALITY,
    Col.PHONE,
)
APPLICATION_COLUMNS: Final = (
    Col.NUMBER,
    Col.APPLICANT,
    Col.PROGRAM,
    Col.GROUP,
    Col.STATUS,
    Col.APPLICANT_CODE,
    Col.ORGANIZATION,
    Col.KIND,
    Col.HOURS,
    Col.DATES,
    Col.FORM,
)
APPLICATION_OPTIONAL_COLUMNS: Final = (
    Col.GROUP_DESCRIPTION,
    Col.CATEGORIES,
    Col.COMPETENCIES,
    Col.PROVIDER,
    Col.SUBMITTED,
)
# The order of the web module's export (and of ours, `services.exporter`).
APPLICATION_EXPORT_COLUMNS: Final = (
    Col.NUMBER,
    Col.APPLICANT_CODE,
    Col.APPLICANT,
    Col.ORGANIZATION,
    Col.KIND,
    Col.PROGRAM,
    Col.GROUP,
    Col.GROUP_DESCRIPTION,
    Col.HOURS,
    Col.DATES,
    Col.FORM,
    Col.CATEGORIES,
    Col.COMPETENCIES,
    Col.PROVIDER,
    Col.SUBMITTED,
    Col.STATUS,
)
ASSESSMENT_COLUMNS: Final = (Col.CODE, Col.SECTION, Col.PASSED)

DATE_FORMAT: Final = "%d.%m.%Y"


def format_study_dates(start: date | None, end: date | None) -> str:
    """`05.02.2024 - 29.02.2024`, the spelling of «Даты обучения»; empty unless both are known."""
    if start is None or end is None:
        return ""
    return f"{start.strftime(DATE_FORMAT)} - {end.strftime(DATE_FORMAT)}"


class FileKind(StrEnum):
    PEOPLE = "people"
    APPLICATIONS = "applications"
    ASSESSMENT = "assessment"


FILE_KIND_LABELS: Final = {
    FileKind.PEOPLE: "люди",
    FileKind.APPLICATIONS: "заявки",
    FileKind.ASSESSMENT: "оценка",
}

_REQUIRED: Final[dict[FileKind, tuple[str, ...]]] = {
    FileKind.PEOPLE: PEOPLE_COLUMNS,
    FileKind.APPLICATIONS: APPLICATION_COLUMNS,
    FileKind.ASSESSMENT: ASSESSMENT_COLUMNS,
}
_OPTIONAL: Final[dict[FileKind, tuple[str, ...]]] = {
    FileKind.APPLICATIONS: APPLICATION_OPTIONAL_COLUMNS,
}
# People first, so that applications and results may refer to people of the same file.
_KIND_ORDER: Final = (FileKind.PEOPLE, FileKind.APPLICATIONS, FileKind.ASSESSMENT)


# --- the report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with a file: where (file, sheet, line, column), the value and why."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str
    sheet: str | None = None

    def __str__(self) -> str:
        where = self.file if self.sheet is None else f"{self.file}[{self.sheet}]"
        if self.line is not None:
            where += f":{self.line}"
        if self.column is None:
            return f"{where}: {self.message}"
        if self.value is None:
            return f"{where}: {self.column}: {self.message}"
        value = self.value if len(self.value) <= 80 else self.value[:79] + "…"
        return f"{where}: {self.column} = «{value}»: {self.message}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class Transition:
    """A status change applied (or, in a dry run, to be applied) through the workflow."""

    number: int
    old: Status
    new: Status


@dataclass(frozen=True)
class GroupMove:
    number: int
    old_group: str
    new_group: str


@dataclass
class ImportReport:
    file: str
    dry_run: bool = False
    kinds: list[FileKind] = field(default_factory=list)
    # Data rows read (headers and empty rows not counted).
    rows: int = 0
    organizations: Counts = field(default_factory=Counts)
    people: Counts = field(default_factory=Counts)
    programs: Counts = field(default_factory=Counts)
    groups: Counts = field(default_factory=Counts)
    applications: Counts = field(default_factory=Counts)
    sections: Counts = field(default_factory=Counts)
    results: Counts = field(default_factory=Counts)
    transitions: list[Transition] = field(default_factory=list)
    group_changes: list[GroupMove] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    # Not refused, but worth the operator's eye (e.g. two rows disagree on a program's hours).
    warnings: list[ImportProblem] = field(default_factory=list)
    # Ids of applications created in status `new`: their directors are to be notified.
    # Empty in a dry run (nothing was created).
    new_applications: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """A few Russian lines for the operator or the staff member who sent the file."""
        kinds = ", ".join(FILE_KIND_LABELS[kind] for kind in self.kinds) or "—"
        head = f"{self.file}: {kinds}; строк: {self.rows}"
        lines = [head + (" (пробный прогон, ничего не записано)" if self.dry_run else "")]
        entities = (
            ("организации", self.organizations),
            ("люди", self.people),
            ("программы", self.programs),
            ("группы", self.groups),
            ("заявки", self.applications),
            ("разделы оценки", self.sections),
            ("результаты оценки", self.results),
        )
        for label, counts in entities:
            if counts.total:
                lines.append(
                    f"  {label}: создано {counts.created}, изменено {counts.updated}, "
                    f"без изменений {counts.unchanged}"
                )
        if self.transitions:
            lines.append(f"  смен статуса: {len(self.transitions)}")
        if self.group_changes:
            lines.append(f"  смен группы: {len(self.group_changes)}")
        if self.warnings:
            lines.append(f"  предупреждений: {len(self.warnings)}")
        if self.errors:
            lines.append(f"  ошибок: {len(self.errors)}; файл не загружен")
        return "\n".join(lines)


class ImportFailed(Exception):
    """The file was refused; `report.errors` lists every problem. Nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.file}: {len(report.errors)} error(s), nothing imported")
        self.report = report


# --- public entry points -------------------------------------------------------------------------


async def import_file(
    session: AsyncSession,
    path: Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import one CSV or XLSX file in the caller's transaction (never commits).

    Raises `ImportFailed` if any row is wrong (nothing has been written then). With `dry_run`
    nothing is written either and the report says what would have happened.
    """
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        report = ImportReport(file=path.name, dry_run=dry_run)
        reason = exc.strerror or exc.__class__.__name__
        report.errors.append(ImportProblem(path.name, None, None, None, f"не прочитан: {reason}"))
        raise ImportFailed(report) from exc
    return await import_bytes(session, data, path.name, dry_run=dry_run, progress=progress, now=now)


async def import_bytes(
    session: AsyncSession,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Like `import_file`, for a file received as bytes (e.g. a document sent to the bot).

    `filename` tells the format by its extension and names the file in messages.
    `progress(done, total)` is called from the event loop's thread now and then; `total` is
    twice the number of data rows (each row is read once and written once) and may grow while
    the sheets of an XLSX file are discovered.
    """
    now = now or utcnow()
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    name = PurePath(filename).name
    meter = _Meter(progress)
    loop = asyncio.get_running_loop()

    def tick(done: int, total: int) -> None:  # called in the worker thread
        loop.call_soon_threadsafe(meter.read, done, total)

    parsed = await asyncio.to_thread(_parse, data, name, tick)
    meter.read(parsed.rows, parsed.rows)
    report = ImportReport(
        file=name,
        dry_run=dry_run,
        kinds=parsed.kinds,
        rows=parsed.rows,
        errors=parsed.problems.errors,
        warnings=parsed.problems.warnings,
    )
    # Planned even when some rows were refused already, so that the report lists the problems
    # only the database shows (another school, a refused transition) as well.
    plan = _Plan(session, parsed, report, now)
    await plan.load()
    await plan.build()
    if report.errors:
        raise ImportFailed(report)
    plan.count()
    if dry_run:
        report.transitions.extend(plan.planned_transitions())
        report.group_changes.extend(plan.planned_group_moves())
        meter.done()
        return report

    await plan.write(meter)
    if report.errors:  # the workflow refused what the plan let through: the caller rolls back
        raise ImportFailed(report)
    meter.done()
    return report


class _Meter:
    """Progress in two halves: rows read and checked, then rows written."""

    def __init__(self, callback: Progress | None) -> None:
        self.callback = callback
        self.rows = 0
        self.written = 0.0

    def read(self, done: int, total: int) -> None:
        self.rows = max(self.rows, total)
        self._emit(done)

    def wrote(self, fraction: float) -> None:
        self.written = min(1.0, fraction)
        self._emit(self.rows + int(self.rows * self.written))

    def done(self) -> None:
        self._emit(2 * self.rows)

    def _emit(self, done: int) -> None:
        if self.callback is not None:
            total = 2 * self.rows
            self.callback(min(done, total), total)


# --- step 1: reading and checking rows -----------------------------------------------------------


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
        message: str,
    ) -> None:
        self.errors.append(ImportProblem(self.file, line, column, value, message, sheet))

    def warning(
        self, sheet: str | None, line: int, column: str, value: str | None, message: str
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

_HOURS_RE = re.compile(r"^(\d{1,5})\s*(?:ч|час|часа|часов)?\.?$")
_DAY = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
_DATES_RE = re.compile(rf"^{_DAY}\s*[-–—]\s*{_DAY}$")
_DAY_RE = re.compile(rf"^{_DAY}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?$")
_ISO_DAY_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YES: Final = frozenset({"да", "1", "true", "yes", "+"})
_NO: Final = frozenset({"нет", "0", "false", "no", "-"})


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

    def fail(self, column: str, value: str | None, message: str) -> None:
        self.problems.error(self.sheet, self.line, column, value, message)
        self.ok = False

    def text(self, column: str, *, required: bool = True) -> str:
        value = self.raw(column)
        if not value:
            if required:
                self.fail(column, None, "не заполнено")
            return ""
        limit = _LIMITS.get(column)
        if limit is not None and len(value) > limit:
            self.fail(column, value, f"длиннее {limit} символов")
        return value

    def optional(self, column: str) -> str | None:
        return self.text(column, required=False) or None

    def number(self, column: str) -> int:
        value = self.text(column)
        if value and (not value.isdigit() or not 0 < int(value) <= MAX_INT4):
            self.fail(column, value, "ожидается целое положительное число")
            return 0
        return int(value) if value else 0

    def status(self, column: str) -> Status:
        value = self.text(column)
        status = _status(value) if value else None
        if status is None and value:
            self.fail(
                column, value, f"неизвестный статус (допустимо: {_labels(STATUS_LABELS.values())})"
            )
        return status or Status.NEW

    def kind(self, column: str) -> Kind:
        value = self.text(column)
        kind = _kind(value) if value else None
        if kind is None and value:
            self.fail(
                column,
                value,
                f"неизвестный вид заявки (допустимо: {_labels(KIND_LABELS.values())})",
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
            self.fail(
                column,
                value,
                f"неизвестная роль {_labels(unknown)} (допустимо: {_labels(ROLE_LABELS.values())})",
            )
        elif value and not roles:
            self.fail(column, value, "не указана ни одна роль")
        return frozenset(roles)

    def phone(self, column: str) -> str | None:
        value = self.raw(column)
        if not value:
            return None
        try:
            return normalize_phone(value)
        except InvalidPhone:
            self.fail(column, value, "неверный номер телефона")
            return None

    def hours(self, column: str) -> int | None:
        value = self.raw(column)
        if not value:
            return None
        hours = _hours(value)
        if hours is None:
            self.fail(column, value, "ожидается число часов, например «72» или «72 ч.»")
        return hours

    def study_dates(self, column: str) -> tuple[date, date] | None:
        value = self.raw(column)
        if not value:
            return None
        study = _study_dates(value)
        if study is None:
            self.fail(column, value, "ожидается «ДД.ММ.ГГГГ - ДД.ММ.ГГГГ»")
        elif study[1] < study[0]:
            self.fail(column, value, "дата окончания раньше даты начала")
            return None
        return study

    def day(self, column: str) -> date | None:
        value = self.raw(column)
        if not value:
            return None
        day = _day(value)
        if day is None:
            self.fail(column, value, "ожидается дата «ДД.ММ.ГГГГ»")
        return day

    def passed(self, column: str) -> bool:
        value = self.text(column)
        folded = fold(value)
        if value and folded not in _YES | _NO:
            self.fail(column, value, "ожидается «да» или «нет»")
        return folded in _YES


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
    match = _HOURS_RE.match(fold(value))
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
        for sheet in read_tables(data, filename):
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
        parsed.problems.error(None, None, None, None, "в файле нет ни одной таблицы")
    return parsed


def _detect(
    header: list[str], problems: _Problems, sheet: str | None, line: int
) -> tuple[FileKind, dict[str, int]] | None:
    """The kind of a table told by its header, and the index of each known column."""
    by_fold: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = fold(cell)
        if key and key in by_fold:
            problems.error(sheet, line, cell, None, "столбец повторяется в заголовке")
            return None
        if key:
            by_fold[key] = index

    def present(columns: Sequence[str]) -> list[str]:
        return [column for column in columns if fold(column) in by_fold]

    matching = [
        kind for kind in _KIND_ORDER if len(present(_REQUIRED[kind])) == len(_REQUIRED[kind])
    ]
    if len(matching) > 1:
        kinds = ", ".join(FILE_KIND_LABELS[kind] for kind in matching)
        problems.error(sheet, line, None, None, f"заголовок подходит к нескольким видам: {kinds}")
        return None
    if not matching:
        best = max(
            _KIND_ORDER, key=lambda kind: len(present(_REQUIRED[kind])) / len(_REQUIRED[kind])
        )
        found = present(_REQUIRED[best])
        if not found:
            problems.error(
                sheet,
                line,
                None,
                None,
                "заголовок не распознан: ожидаются столбцы "
                + "; или ".join(
                    f"{FILE_KIND_LABELS[kind]}: {', '.join(_REQUIRED[kind])}"
                    for kind in _KIND_ORDER
                ),
            )
        else:
            missing = [column for column in _REQUIRED[best] if column not in found]
            problems.error(
                sheet,
                line,
                None,
                None,
                f"не хватает столбцов ({FILE_KIND_LABELS[best]}): {', '.join(missing)}",
            )
        return None
    kind = matching[0]
    known = _REQUIRED[kind] + _OPTIONAL.get(kind, ())
    return kind, {column: by_fold[fold(column)] for column in known if fold(column) in by_fold}


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
            row.fail(Col.CODE, code, f"код повторяется (уже в строке {first})")
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
            row.fail(Col.NUMBER, str(number), f"номер повторяется (уже в строке {first})")
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
            row.fail(Col.SECTION, result.section, f"раздел для этого кода уже в строке {first}")
    if row.ok:
        parsed.results.append(result)


# --- step 2: planning against the database -------------------------------------------------------
#
# Records stand for rows of the database, existing (`id` set) or to be created (`id` None until
# written). Comparing a record with what the file says decides created / updated / unchanged.


@dataclass(eq=False, slots=True)
class _Org:
    id: int | None
    name: str
    municipality: str
    dirty: bool = False
    touched: bool = False
    warned: bool = False


@dataclass(eq=False, slots=True)
class _Person:
    id: int | None
    code: str
    full_name: str
    phone: str | None
    org: _Org | None
    roles: frozenset[Role]
    dirty: bool = False
    roles_dirty: bool = False
    touched: bool = False


@dataclass(eq=False, slots=True)
class _Program:
    id: int | None
    title: str
    hours: int | None
    form: str
    categories: str
    competencies: str
    provider: str
    dirty: bool = False
    touched: bool = False
    # attribute → (line, value) of the first row of this file that gave it.
    given: dict[str, tuple[int, object]] = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class _Group:
    id: int | None
    program: _Program
    name: str
    description: str
    study: tuple[date, date] | None
    dirty: bool = False
    touched: bool = False
    given: dict[str, tuple[int, object]] = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class _Stored:
    """An application as stored, in the columns an import compares."""

    id: int
    number: int
    applicant_code: str
    organization_id: int
    kind: Kind
    group_id: int
    status: Status
    submitted_on: date | None


@dataclass(eq=False, slots=True)
class _NewApplication:
    row: _ApplicationRow
    applicant: _Person
    org: _Org
    group: _Group


@dataclass(eq=False, slots=True)
class _Change:
    stored: _Stored
    row: _ApplicationRow
    org: _Org
    # What changes besides the workflow: columns written by a plain bulk update.
    fields: bool
    group: _Group | None
    old_group: str
    status: Status | None


@dataclass(eq=False, slots=True)
class _Section:
    id: int | None
    name: str
    touched: bool = False


@dataclass(eq=False, slots=True)
class _Result:
    id: int | None
    person: _Person
    section: _Section
    passed: bool
    dirty: bool = False


_T = TypeVar("_T")


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _rows_by_key(
    session: AsyncSession, statement: Select[Any], key: Any, keys: Iterable[Any]
) -> list[Row[Any]]:
    """The rows of `statement` whose `key` column is one of `keys`, in a few queries.

    A few keys: short `IN` lists (index lookups whatever plan the database picks). Many keys
    naming a good part of the table: one streamed pass over it, filtered here, which is faster
    than any number of lookups and does not depend on the planner's statistics being fresh.
    """
    wanted = set(keys)
    if not wanted:
        return []
    if len(wanted) >= SCAN_MIN_KEYS:
        total = await session.scalar(select(func.count()).select_from(key.table)) or 0
        if len(wanted) >= total * SCAN_SHARE:
            found: list[Row[Any]] = []
            stream = await session.stream(statement.execution_options(yield_per=10_000))
            async for partition in stream.partitions():
                found.extend(row for row in partition if row._mapping[key] in wanted)
            return found
    rows: list[Row[Any]] = []
    for chunk in _chunks(sorted(wanted), READ_CHUNK):
        rows.extend(await session.execute(statement.where(key.in_(chunk))))
    return rows


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return format_study_dates(*value)
    return str(value)


class _Plan:
    def __init__(
        self, session: AsyncSession, parsed: _Parsed, report: ImportReport, now: datetime
    ) -> None:
        self.session = session
        self.parsed = parsed
        self.problems = parsed.problems
        self.report = report
        self.now = now
        self.orgs: dict[str, _Org] = {}
        self.orgs_by_id: dict[int, _Org] = {}
        self.people: dict[str, _Person] = {}
        self.programs: dict[str, _Program] = {}
        self.groups: dict[tuple[_Program, str], _Group] = {}
        self.groups_by_id: dict[int, _Group] = {}
        self.stored: dict[int, _Stored] = {}
        self.sections: dict[str, _Section] = {}
        self.results: dict[tuple[_Person, _Section], _Result] = {}
        self.new_applications: list[_NewApplication] = []
        self.changes: list[_Change] = []
        self.unchanged_applications = 0

    # -- loading --

    async def load(self) -> None:
        """What the file refers to, in a few queries (lists, never one query per row)."""
        session, parsed = self.session, self.parsed
        for org_id, name, municipality in await session.execute(
            select(Organization.id, Organization.name, Organization.municipality).order_by(
                Organization.id
            )
        ):
            org = _Org(org_id, name, municipality)
            self.orgs_by_id[org_id] = org
            self.orgs.setdefault(fold(name), org)

        codes = sorted(
            {row.code for row in parsed.people}
            | {row.applicant_code for row in parsed.applications}
            | {row.code for row in parsed.results}
        )
        found = await _rows_by_key(
            session,
            select(
                Person.id,
                Person.code,
                Person.full_name,
                Person.phone,
                Person.organization_id,
            ),
            Person.code,
            codes,
        )
        roles: dict[int, set[Role]] = {}
        for person_id, role in await _rows_by_key(
            session,
            select(PersonRole.person_id, PersonRole.role),
            PersonRole.person_id,
            [person.id for person in found],
        ):
            roles.setdefault(person_id, set()).add(role)
        for person_id, code, full_name, phone, org_id in found:
            self.people[code] = _Person(
                person_id,
                code,
                full_name,
                phone,
                self.orgs_by_id.get(org_id) if org_id is not None else None,
                frozenset(roles.get(person_id, ())),
            )

        if parsed.applications:
            await self._load_applications()
        if parsed.results:
            await self._load_results()

    async def _load_applications(self) -> None:
        session = self.session
        programs_by_id: dict[int, _Program] = {}
        for program_row in await session.execute(
            select(
                Program.id,
                Program.title,
                Program.hours,
                Program.form,
                Program.categories,
                Program.competencies,
                Program.provider,
            ).order_by(Program.id)
        ):
            record = _Program(*program_row._tuple())
            programs_by_id[program_row.id] = record
            self.programs.setdefault(fold(record.title), record)
        for group_id, program_id, name, description, start, end in await session.execute(
            select(
                Group.id,
                Group.program_id,
                Group.name,
                Group.description,
                Group.study_start,
                Group.study_end,
            ).order_by(Group.id)
        ):
            program = programs_by_id[program_id]
            study = (start, end) if start is not None and end is not None else None
            group = _Group(group_id, program, name, description, study)
            self.groups_by_id[group_id] = group
            self.groups.setdefault((program, fold(name)), group)

        for row in await _rows_by_key(
            session,
            select(
                Application.id,
                Application.number,
                Person.code,
                Application.organization_id,
                Application.kind,
                Application.group_id,
                Application.status,
                Application.submitted_on,
            ).join(Person, Person.id == Application.applicant_id),
            Application.number,
            [row.number for row in self.parsed.applications],
        ):
            self.stored[row.number] = _Stored(
                row.id,
                row.number,
                row.code,
                row.organization_id,
                row.kind,
                row.group_id,
                row.status,
                row.submitted_on,
            )

    async def _load_results(self) -> None:
        session = self.session
        sections_by_id: dict[int, _Section] = {}
        for section_id, name in await session.execute(
            select(AssessmentSection.id, AssessmentSection.name).order_by(AssessmentSection.id)
        ):
            section = _Section(section_id, name)
            sections_by_id[section_id] = section
            self.sections.setdefault(fold(name), section)
        people_by_id = {person.id: person for person in self.people.values()}
        for result_id, person_id, section_id, passed in await _rows_by_key(
            session,
            select(
                AssessmentResult.id,
                AssessmentResult.person_id,
                AssessmentResult.section_id,
                AssessmentResult.passed,
            ),
            AssessmentResult.person_id,
            [person_id for person_id in people_by_id if person_id is not None],
        ):
            person = people_by_id[person_id]
            section = sections_by_id[section_id]
            self.results[(person, section)] = _Result(result_id, person, section, passed)

    # -- planning --

    async def build(self) -> None:
        for index, person_row in enumerate(self.parsed.people, start=1):
            self._plan_person(person_row)
            if index % 5000 == 0:
                await asyncio.sleep(0)  # let the bot's other updates through
        for index, application_row in enumerate(self.parsed.applications, start=1):
            self._plan_application(application_row)
            if index % 5000 == 0:
                await asyncio.sleep(0)
        for result_row in self.parsed.results:
            self._plan_result(result_row)

    def _org(self, name: str, municipality: str, row: _PersonRow | None) -> _Org:
        key = fold(name)
        org = self.orgs.get(key)
        if org is None:
            org = self.orgs[key] = _Org(None, name, municipality)
        elif municipality and org.municipality != municipality:
            if not org.municipality:
                org.municipality = municipality
                org.dirty = org.id is not None
            elif row is not None and not org.warned:
                # Filled only when empty (PRODUCT.md §7.3); a different one is worth a note.
                org.warned = True
                self.problems.warning(
                    row.sheet,
                    row.line,
                    Col.MUNICIPALITY,
                    municipality,
                    f"у организации уже указан муниципалитет «{org.municipality}»; не изменён",
                )
        org.touched = True
        return org

    def _plan_person(self, row: _PersonRow) -> None:
        org = self._org(row.organization, row.municipality, row)
        person = self.people.get(row.code)
        if person is None:
            person = _Person(None, row.code, row.full_name, row.phone, org, row.roles)
            self.people[row.code] = person
        else:
            if (person.full_name, person.phone, person.org) != (row.full_name, row.phone, org):
                person.full_name, person.phone, person.org = row.full_name, row.phone, org
                person.dirty = person.id is not None
            if person.roles != row.roles:
                person.roles = row.roles
                person.roles_dirty = person.id is not None
        person.touched = True

    def _assign(
        self,
        record: _Program | _Group,
        attribute: str,
        value: object,
        row: _ApplicationRow,
        column: str,
    ) -> None:
        """Take a program's or group's attribute from the first row of the file that gives it."""
        if value is None:
            return
        given = record.given.get(attribute)
        if given is not None:
            line, first = given
            if first != value:
                self.problems.warning(
                    row.sheet,
                    row.line,
                    column,
                    _show(value),
                    f"отличается от строки {line} («{_show(first)}»); "
                    f"оставлено значение строки {line}",
                )
            return
        record.given[attribute] = (row.line, value)
        if getattr(record, attribute) != value:
            setattr(record, attribute, value)
            record.dirty = record.id is not None

    def _program(self, row: _ApplicationRow) -> _Program:
        key = fold(row.program)
        program = self.programs.get(key)
        if program is None:
            program = self.programs[key] = _Program(None, row.program, None, "", "", "", "")
        self._assign(program, "hours", row.hours, row, Col.HOURS)
        self._assign(program, "form", row.form, row, Col.FORM)
        self._assign(program, "categories", row.categories, row, Col.CATEGORIES)
        self._assign(program, "competencies", row.competencies, row, Col.COMPETENCIES)
        self._assign(program, "provider", row.provider, row, Col.PROVIDER)
        program.touched = True
        return program

    def _group(self, program: _Program, row: _ApplicationRow) -> _Group:
        key = (program, fold(row.group))
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(None, program, row.group, "", None)
        self._assign(group, "description", row.description, row, Col.GROUP_DESCRIPTION)
        self._assign(group, "study", row.study, row, Col.DATES)
        group.touched = True
        return group

    def _plan_application(self, row: _ApplicationRow) -> None:
        org = self._org(row.organization, "", None)
        applicant = self.people.get(row.applicant_code)
        if applicant is None:
            # Unknown applicants become listeners of the row's school (PRODUCT.md §7.3).
            applicant = _Person(
                None, row.applicant_code, row.applicant, None, org, frozenset({Role.TEACHER})
            )
            applicant.touched = True
            self.people[row.applicant_code] = applicant
        elif applicant.org is not None and applicant.org is not org:
            self.problems.error(
                row.sheet,
                row.line,
                Col.ORGANIZATION,
                row.organization,
                f"заявитель {row.applicant_code} относится к другой организации: "
                f"«{applicant.org.name}»",
            )
            return
        group = self._group(self._program(row), row)
        stored = self.stored.get(row.number)
        if stored is None:
            self.new_applications.append(_NewApplication(row, applicant, org, group))
            return

        if stored.applicant_code != row.applicant_code:
            self.problems.error(
                row.sheet,
                row.line,
                Col.APPLICANT_CODE,
                row.applicant_code,
                f"заявка № {row.number} подана другим заявителем ({stored.applicant_code})",
            )
            return
        target: Status | None = None
        if row.status is not stored.status:
            if (stored.status, row.status) not in TRANSITIONS:
                self.problems.error(
                    row.sheet,
                    row.line,
                    Col.STATUS,
                    STATUS_LABELS[row.status],
                    f"переход «{STATUS_LABELS[stored.status]}» → «{STATUS_LABELS[row.status]}» "
                    "не разрешён",
                )
                return
            target = row.status
        old_group = self.groups_by_id[stored.group_id]
        fields = (
            org.id != stored.organization_id
            or row.kind is not stored.kind
            or (row.submitted_on is not None and row.submitted_on != stored.submitted_on)
        )
        moved = group if group is not old_group else None
        if fields or moved is not None or target is not None:
            self.changes.append(_Change(stored, row, org, fields, moved, old_group.name, target))
        else:
            self.unchanged_applications += 1

    def _plan_result(self, row: _ResultRow) -> None:
        person = self.people.get(row.code)
        if person is None:
            self.problems.error(row.sheet, row.line, Col.CODE, row.code, "неизвестный код человека")
            return
        key = fold(row.section)
        section = self.sections.get(key)
        if section is None:
            section = self.sections[key] = _Section(None, row.section)
        section.touched = True
        result = self.results.get((person, section))
        if result is None:
            self.results[(person, section)] = _Result(None, person, section, row.passed)
        elif result.passed != row.passed:
            result.passed = row.passed
            result.dirty = True

    def count(self) -> None:
        report = self.report

        def tally(counts: Counts, created: bool, updated: bool) -> None:
            if created:
                counts.created += 1
            elif updated:
                counts.updated += 1
            else:
                counts.unchanged += 1

        for org in self.orgs.values():
            if org.touched:
                tally(report.organizations, org.id is None, org.dirty)
        for person in self.people.values():
            if person.touched:
                tally(report.people, person.id is None, person.dirty or person.roles_dirty)
        for program in self.programs.values():
            if program.touched:
                tally(report.programs, program.id is None, program.dirty)
        for group in self.groups.values():
            if group.touched:
                tally(report.groups, group.id is None, group.dirty)
        report.applications.created = len(self.new_applications)
        report.applications.updated = len(self.changes)
        report.applications.unchanged = self.unchanged_applications
        for section in self.sections.values():
            if section.touched:
                tally(report.sections, section.id is None, False)
        touched_results = {(row.code, fold(row.section)) for row in self.parsed.results}
        for (person, section), result in self.results.items():
            if (person.code, fold(section.name)) in touched_results:
                tally(report.results, result.id is None, result.dirty)

    def planned_transitions(self) -> list[Transition]:
        return [
            Transition(change.stored.number, change.stored.status, change.status)
            for change in self.changes
            if change.status is not None
        ]

    def planned_group_moves(self) -> list[GroupMove]:
        return [
            GroupMove(change.stored.number, change.old_group, change.group.name)
            for change in self.changes
            if change.group is not None
        ]

    # -- step 3: writing --

    async def write(self, meter: _Meter) -> None:
        writer = _Writer(self.session, meter, self._work())
        await self._write_organizations(writer)
        await self._write_people(writer)
        await self._write_programs(writer)
        await self._write_applications(writer)
        await self._write_results(writer)
        # New applications reach their schools' directors as cards, in this same transaction.
        await notifications.applications_arrived(
            self.session, self.report.new_applications, now=self.now
        )

    def _work(self) -> int:
        """Rows to write, for the progress bar."""
        return (
            sum(1 for org in self.orgs.values() if org.id is None or org.dirty)
            + sum(1 for p in self.people.values() if p.id is None or p.dirty or p.roles_dirty)
            + sum(1 for p in self.programs.values() if p.id is None or p.dirty)
            + sum(1 for g in self.groups.values() if g.id is None or g.dirty)
            + 2 * len(self.new_applications)
            + len(self.changes)
            + sum(1 for s in self.sections.values() if s.id is None)
            + sum(1 for r in self.results.values() if r.id is None or r.dirty)
        )

    async def _write_organizations(self, writer: _Writer) -> None:
        new = [org for org in self.orgs.values() if org.id is None]
        by_name = {org.name: org for org in new}
        rows = [{"name": org.name, "municipality": org.municipality} for org in new]
        for org_id, name in await writer.insert(Organization, rows, Organization.name):
            by_name[name].id = org_id
        await writer.update(
            Organization,
            [
                {"id": org.id, "municipality": org.municipality}
                for org in self.orgs.values()
                if org.dirty
            ],
        )

    async def _write_people(self, writer: _Writer) -> None:
        new = [person for person in self.people.values() if person.id is None]
        rows = [self._person_values(person) for person in new]
        for person_id, code in await writer.insert(Person, rows, Person.code):
            self.people[code].id = person_id
        changed = [person for person in self.people.values() if person.dirty]
        await writer.update(
            Person, [{"id": person.id, **self._person_values(person)} for person in changed]
        )
        # A person's roles are replaced by the file's set.
        replaced = [person.id for person in self.people.values() if person.roles_dirty]
        for chunk in _chunks(replaced, READ_CHUNK):
            await self.session.execute(
                delete(PersonRole)
                .where(PersonRole.person_id.in_(chunk))
                .execution_options(synchronize_session=False)
            )
        created = set(new)
        roles = [
            {"person_id": person.id, "role": role}
            for person in self.people.values()
            if person.roles_dirty or person in created
            for role in sorted(person.roles)
        ]
        await writer.insert(PersonRole, roles, count=False)

    def _person_values(self, person: _Person) -> dict[str, Any]:
        values: dict[str, Any] = {
            "full_name": person.full_name,
            "name_key": fold(person.full_name),
            "phone": person.phone,
            "organization_id": person.org.id if person.org is not None else None,
            "updated_at": self.now,
        }
        if person.id is None:
            values["code"] = person.code
            values["created_at"] = self.now
        return values

    async def _write_programs(self, writer: _Writer) -> None:
        def values(program: _Program) -> dict[str, Any]:
            return {
                "title": program.title,
                "hours": program.hours,
                "form": program.form,
                "categories": program.categories,
                "competencies": program.competencies,
                "provider": program.provider,
            }

        new = [program for program in self.programs.values() if program.id is None]
        by_title = {program.title: program for program in new}
        inserted = await writer.insert(Program, [values(p) for p in new], Program.title)
        for program_id, title in inserted:
            by_title[title].id = program_id
        await writer.update(
            Program,
            [{"id": p.id, **values(p)} for p in self.programs.values() if p.dirty],
        )

        def group_values(group: _Group) -> dict[str, Any]:
            start, end = group.study or (None, None)
            return {
                "program_id": group.program.id,
                "name": group.name,
                "description": group.description,
                "study_start": start,
                "study_end": end,
            }

        new_groups = [group for group in self.groups.values() if group.id is None]
        by_key = {(group.program.id, group.name): group for group in new_groups}
        inserted = await writer.insert(
            Group, [group_values(g) for g in new_groups], Group.program_id, Group.name
        )
        for group_id, program_id, name in inserted:
            by_key[(program_id, name)].id = group_id
        await writer.update(
            Group,
            [{"id": g.id, **group_values(g)} for g in self.groups.values() if g.dirty],
        )

    async def _write_applications(self, writer: _Writer) -> None:
        session, now = self.session, self.now
        rows = [
            {
                "number": new.row.number,
                "applicant_id": new.applicant.id,
                "organization_id": new.org.id,
                "kind": new.row.kind,
                "group_id": new.group.id,
                "status": new.row.status,
                "submitted_on": new.row.submitted_on,
                "created_at": now,
                "updated_at": now,
            }
            for new in self.new_applications
        ]
        ids: dict[int, int] = {}
        for application_id, number in await writer.insert(Application, rows, Application.number):
            ids[number] = application_id
        history = [
            {
                "application_id": ids[new.row.number],
                "created_at": now,
                "actor_id": None,
                "on_behalf_of_id": None,
                "actor_role": "system",
                "channel": Channel.IMPORT,
                "action": HistoryAction.CREATED,
                "from_value": None,
                "to_value": new.row.status.value,
                "comment": None,
            }
            for new in self.new_applications
        ]
        await writer.insert(HistoryEntry, history)
        self.report.new_applications.extend(
            ids[new.row.number] for new in self.new_applications if new.row.status is Status.NEW
        )

        await writer.update(
            Application,
            [
                {
                    "id": change.stored.id,
                    "organization_id": change.org.id,
                    "kind": change.row.kind,
                    "submitted_on": change.row.submitted_on or change.stored.submitted_on,
                    "updated_at": now,
                }
                for change in self.changes
                if change.fields
            ],
            count=False,
        )
        # Status and group changes go through the workflow one by one: history, and whatever
        # else the workflow does on a change (notifications), stay in one place.
        moving = [c for c in self.changes if c.group is not None or c.status is not None]
        actor = Actor.system(Channel.IMPORT)
        for chunk in _chunks(moving, WORKFLOW_CHUNK):
            loaded = {
                application.id: application
                for application in await session.scalars(
                    select(Application)
                    .where(Application.id.in_([change.stored.id for change in chunk]))
                    .execution_options(populate_existing=True)
                )
            }
            for change in chunk:
                application = loaded[change.stored.id]
                await self._apply(application, change, actor)
            writer.advance(len(chunk))
        writer.advance(len(self.changes) - len(moving))

    async def _apply(self, application: Application, change: _Change, actor: Actor) -> None:
        row = change.row
        try:
            if change.group is not None:
                assert change.group.id is not None
                moved = await change_group(
                    self.session, application, change.group.id, actor, now=self.now
                )
                self.report.group_changes.append(
                    GroupMove(row.number, moved.old_group.name, moved.new_group.name)
                )
        except WorkflowError as exc:
            self.problems.error(row.sheet, row.line, Col.GROUP, row.group, _refusal(exc))
            return
        try:
            if change.status is not None:
                done = await change_status(
                    self.session,
                    application,
                    change.status,
                    actor,
                    seen=change.stored.status,
                    now=self.now,
                )
                self.report.transitions.append(Transition(row.number, done.old, done.new))
        except WorkflowError as exc:
            self.problems.error(
                row.sheet, row.line, Col.STATUS, STATUS_LABELS[row.status], _refusal(exc)
            )

    async def _write_results(self, writer: _Writer) -> None:
        new_sections = [section for section in self.sections.values() if section.id is None]
        by_name = {section.name: section for section in new_sections}
        inserted = await writer.insert(
            AssessmentSection,
            [{"name": section.name} for section in new_sections],
            AssessmentSection.name,
        )
        for section_id, name in inserted:
            by_name[name].id = section_id
        results = list(self.results.values())
        await writer.insert(
            AssessmentResult,
            [
                {
                    "person_id": result.person.id,
                    "section_id": result.section.id,
                    "passed": result.passed,
                    "updated_at": self.now,
                }
                for result in results
                if result.id is None
            ],
        )
        await writer.update(
            AssessmentResult,
            [
                {"id": result.id, "passed": result.passed, "updated_at": self.now}
                for result in results
                if result.dirty
            ],
        )


def _refusal(exc: WorkflowError) -> str:
    """The workflow's refusal in the operator's words."""
    if isinstance(exc, TransitionNotAllowed):
        return f"переход «{STATUS_LABELS[exc.current]}» → «{STATUS_LABELS[exc.target]}» не разрешён"
    if isinstance(exc, StaleStatus):
        # Someone changed the application while the file was being imported.
        return f"заявка изменилась во время загрузки: теперь «{STATUS_LABELS[exc.current]}»"
    if isinstance(exc, GroupNotAllowed):
        return "смена группы отклонена"
    return f"изменение отклонено ({exc.__class__.__name__})"


class _Writer:
    """Bulk INSERT (with RETURNING of the keys) and bulk UPDATE by primary key, in chunks."""

    def __init__(self, session: AsyncSession, meter: _Meter, work: int) -> None:
        self.session = session
        self.meter = meter
        self.work = max(work, 1)
        self.done = 0

    def advance(self, rows: int) -> None:
        self.done += rows
        self.meter.wrote(self.done / self.work)

    async def insert(
        self, model: type[Any], rows: list[dict[str, Any]], *keys: Any, count: bool = True
    ) -> list[tuple[Any, ...]]:
        # Core inserts on the table: the ORM's bulk path costs several times more per row, and
        # these rows need none of it (no relationships, every value given).
        table = model.__table__
        statement = insert(table)
        if keys:
            statement = statement.returning(table.c.id, *(table.c[key.key] for key in keys))
        returned: list[tuple[Any, ...]] = []
        for chunk in _chunks(rows, WRITE_CHUNK):
            result = await self.session.execute(statement, list(chunk))
            if keys:
                returned.extend(tuple(row) for row in result)
            if count:
                self.advance(len(chunk))
        return returned

    async def update(
        self, model: type[Any], rows: list[dict[str, Any]], *, count: bool = True
    ) -> None:
        for chunk in _chunks(rows, WRITE_CHUNK):
            await self.session.execute(update(model), list(chunk))
            if count:
                self.advance(len(chunk))
