"""Reading the sheets of an XLSX file, each cell as the text a person would read in it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any, Final

from services.i18n import Language, Message, catalogue
from services.tabular.formulas import restored
from services.tabular.sheet import Sheet, TabularError, _Interner

_WORDS: Final = catalogue(Language.RU)
# A workbook is a zip of XML files, read into memory as it is parsed: one that inflates beyond
# these is refused before it is read (a 200 KB file can unpack to gigabytes). Real ones stay
# far below: a 100,000-row export unpacks to some tens of MB, at a ratio of 5-20.
MAX_UNPACKED: Final = 256 * 1024 * 1024
MAX_RATIO: Final = 500
RATIO_FROM: Final = 16 * 1024 * 1024  # members smaller than this may compress as they like
# Excel's own limit of rows on a sheet.
MAX_ROWS: Final = 1_048_576
# A boolean cell reads as the word a person would have typed.
_CELL_BOOL: Final = {True: _WORDS.text("cell-true"), False: _WORDS.text("cell-false")}


def _read_xlsx(data: bytes) -> Iterator[Sheet]:
    from openpyxl import load_workbook  # imported here: only XLSX files need it

    _check_inflation(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TabularError(Message.of("import-xlsx-unreadable", error=exc)) from exc
    try:
        for worksheet in workbook.worksheets:
            yield from _read_sheet(worksheet)
    finally:
        workbook.close()


def _check_inflation(data: bytes) -> None:
    """Refuse a workbook that would unpack to more than a real one (before reading it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TabularError(Message.of("import-xlsx-unreadable", error=exc)) from exc
    unpacked = sum(member.file_size for member in members)
    inflated = any(
        member.file_size >= RATIO_FROM
        and member.file_size > MAX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if unpacked > MAX_UNPACKED:
        raise TabularError(
            Message.of(
                "import-xlsx-too-large",
                mb=unpacked // (1024 * 1024),
                limit=MAX_UNPACKED // (1024 * 1024),
            )
        )
    if inflated:
        raise TabularError(
            Message.of("import-xlsx-inflated", mb=unpacked // (1024 * 1024), kb=len(data) // 1024)
        )


def _read_sheet(worksheet: Any) -> Iterator[Sheet]:
    if isinstance(worksheet.max_row, int) and worksheet.max_row > MAX_ROWS:
        raise TabularError(
            Message.of("import-xlsx-too-many-rows", rows=worksheet.max_row, limit=MAX_ROWS)
        )
    interned: _Interner = {}
    rows = _sheet_rows(worksheet, interned)
    for line, cells in rows:
        total = worksheet.max_row if isinstance(worksheet.max_row, int) else line
        yield Sheet(
            name=str(worksheet.title),
            header=cells,
            header_line=line,
            rows=rows,
            size_hint=max(total - line, 0),
        )
        return
    # A sheet with nothing on it is not a table and is skipped.


def _sheet_rows(worksheet: Any, interned: _Interner) -> Iterator[tuple[int, list[str]]]:
    # read_only mode fills gaps with empty rows, so counting gives the sheet's row number.
    intern = interned.setdefault
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        row = [intern(text, text) for text in map(_cell_text, values)]
        while row and not row[-1]:
            row.pop()
        if row:
            yield number, row


def _cell_text(value: object) -> str:
    """A cell value as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _CELL_BOOL[bool(value)]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return restored(str(value).strip())
