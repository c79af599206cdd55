"""What step 1 produces: the rows that passed, by kind, and the problems found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final

from models import Kind, Role, Status
from services.i18n import Message
from services.importer.columns import FileKind
from services.importer.report import ImportProblem

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
    timezone: str | None = None
    region: str | None = None


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
