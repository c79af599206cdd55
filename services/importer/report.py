"""What an import tells its caller: the report, its problems and counts, the refusal, progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from models import Status
from services.i18n import Language, Message
from services.importer.columns import FILE_KIND_LABELS, FileKind
from services.labels import STATUS_LABELS
from services.tabular import CP1251

Progress = Callable[[int, int], None]

# How the report names a CSV file's encoding other than UTF-8 (`services.tabular`).
ENCODING_LABELS: Final = {CP1251: "Windows-1251"}


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with a file: where (file, sheet, line, column), the value and why."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: Message
    sheet: str | None = None

    def __str__(self) -> str:
        return self.render(Language.RU)

    def render(self, language: Language) -> str:
        where = self.file if self.sheet is None else f"{self.file}[{self.sheet}]"
        if self.line is not None:
            where += f":{self.line}"
        message = self.message.say(language)
        if self.column is None:
            return f"{where}: {message}"
        if self.value is None:
            return f"{where}: {self.column}: {message}"
        value = self.value if len(self.value) <= 80 else self.value[:79] + "…"
        return f"{where}: {self.column} = «{value}»: {message}"


def transition_refused(current: Status, target: Status) -> Message:
    old, new = STATUS_LABELS[current], STATUS_LABELS[target]
    return Message.of("import-transition-refused", old=old, new=new)


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
    # The text encoding of a CSV file ("utf-8" or "cp1251"); None for XLSX or an unread file.
    encoding: str | None = None
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

    def summary(self, language: Language = Language.RU) -> str:
        """A few lines: Russian for the staff member who sent the file, English for the operator."""
        words = {name: word.say(language) for name, word in _SUMMARY_WORDS.items()}
        kinds = ", ".join(FILE_KIND_LABELS[kind].say(language) for kind in self.kinds) or "—"
        head = f"{self.file}: {kinds}; {words['rows']}: {self.rows}"
        lines = [head + (words["dry_run"] if self.dry_run else "")]
        if self.encoding in ENCODING_LABELS:
            lines.append(f"  {words['encoding']}: {ENCODING_LABELS[self.encoding]}")
        entities = (
            ("organizations", self.organizations),
            ("people", self.people),
            ("programs", self.programs),
            ("groups", self.groups),
            ("applications", self.applications),
            ("sections", self.sections),
            ("results", self.results),
        )
        for name, counts in entities:
            if counts.total:
                lines.append(
                    f"  {words[name]}: {words['created']} {counts.created}, "
                    f"{words['updated']} {counts.updated}, {words['unchanged']} {counts.unchanged}"
                )
        if self.transitions:
            lines.append(f"  {words['transitions']}: {len(self.transitions)}")
        if self.group_changes:
            lines.append(f"  {words['group_changes']}: {len(self.group_changes)}")
        if self.warnings:
            lines.append(f"  {words['warnings']}: {len(self.warnings)}")
        if self.errors:
            lines.append(f"  {words['errors']}: {len(self.errors)}; {words['refused']}")
        return "\n".join(lines)


# The summary's words, each in both languages (locales/*/import.ftl).
_SUMMARY_WORDS: Final = {
    name: Message.of("import-summary-" + name.replace("_", "-"))
    for name in (
        *("rows", "dry_run", "encoding", "organizations", "people", "programs", "groups"),
        *("applications", "sections", "results", "created", "updated", "unchanged"),
        *("transitions", "group_changes", "warnings", "errors", "refused"),
    )
}


class ImportFailed(Exception):
    """The file was refused; `report.errors` lists every problem. Nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.file}: {len(report.errors)} error(s), nothing imported")
        self.report = report


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
