"""What reading gives: a `Sheet` of string cells, or a `TabularError`; the CSV encodings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from services.i18n import Message

# Repeated values (program titles, group descriptions, school names) are shared between rows
# instead of being held once per row: a 100,000-row file keeps a fraction of the memory.
_Interner = dict[str, str]


class TabularError(Exception):
    """The file cannot be read as a table; the message in both languages (`services.i18n`)."""

    def __init__(self, message: Message, line: int | None = None, sheet: str | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.line = line
        self.sheet = sheet


@dataclass
class Sheet:
    """One table: a CSV file or one XLSX sheet.

    `rows` is lazy and yields `(line, cells)` with the 1-based line (CSV) or row number (XLSX) the
    row starts on; rows with no value at all are skipped. Consume it before asking for the next
    sheet.
    """

    name: str | None
    header: list[str]
    header_line: int
    rows: Iterator[tuple[int, list[str]]]
    # About how many data rows follow (for a progress bar; may be off by a few).
    size_hint: int
    # The text encoding of a CSV file (`UTF8` or `CP1251`); None for an XLSX sheet.
    encoding: str | None = None


UTF8: Final = "utf-8"
CP1251: Final = "cp1251"
