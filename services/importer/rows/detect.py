"""Telling the kind of a table (people, applications, results) from its header row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from services.i18n import Message
from services.importer.columns import _KIND_ORDER, _OPTIONAL, _REQUIRED, FILE_KIND_LABELS, FileKind
from services.importer.rows.parsed import _Problems
from services.labels import fold

# Every column header of every kind: a CSV file whose header has one is not mistaken for bytes
# of something else when it is read as Windows-1251.
_HEADERS: Final = frozenset(
    column for columns in (*_REQUIRED.values(), *_OPTIONAL.values()) for column in columns
)


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
