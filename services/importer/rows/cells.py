"""`_Row`: the cells of one data row, read by column name and checked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from models import Kind, Role, Status
from services.i18n import Message
from services.importer.columns import NO_WORDS, YES_WORDS
from services.importer.rows.parsed import MAX_INT4, _Problems
from services.importer.rows.values import (
    _LIMITS,
    _day,
    _hours,
    _kind,
    _labels,
    _status,
    _study_dates,
)
from services.labels import KIND_LABELS, ROLE_LABELS, STATUS_LABELS, fold, role_from_label
from services.locality import parse_region, parse_zone
from services.phones import normalize_phone


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
        # InvalidPhone is a ValueError.
        return self._parsed(column, normalize_phone, "import-bad-phone")

    def zone(self, column: str) -> str | None:
        return self._parsed(column, parse_zone, "import-unknown-zone")

    def region(self, column: str) -> str | None:
        return self._parsed(column, parse_region, "import-bad-region")

    def _parsed(self, column: str, parse: Callable[[str], str], refusal: str) -> str | None:
        """An optional cell in a checked spelling: empty is None, a ValueError the row's error."""
        value = self.raw(column)
        if not value:
            return None
        try:
            return parse(value)
        except ValueError:
            self.fail(column, value, Message.of(refusal))
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
