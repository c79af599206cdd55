"""Reading CSV and XLSX files as tables of strings (PRODUCT.md §7.3), knowing nothing of their kind.

Every cell comes out as a stripped string: what a number, a date or a boolean looked like to the
person who typed it in a spreadsheet. Interpreting the cells is the importer's business.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

# Repeated values (program titles, group descriptions, school names) are shared between rows
# instead of being held once per row: a 100,000-row file keeps a fraction of the memory.
_Interner = dict[str, str]


class TabularError(Exception):
    """The file cannot be read as a table; the message is in Russian, for whoever sent the file."""

    def __init__(self, message: str, line: int | None = None, sheet: str | None = None) -> None:
        super().__init__(message)
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


def read_tables(data: bytes, filename: str) -> Iterator[Sheet]:
    """The tables of a `.csv` or `.xlsx` file given as bytes; raise `TabularError` if unreadable."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        yield from _read_csv(data)
    elif suffix in {".xlsx", ".xlsm"}:
        yield from _read_xlsx(data)
    elif suffix == ".xls":
        raise TabularError("формат XLS не поддерживается: сохраните файл как XLSX или CSV (UTF-8)")
    else:
        raise TabularError(f"неизвестный формат файла «{suffix or filename}»: нужен CSV или XLSX")


# --- CSV -----------------------------------------------------------------------------------------


def _encoding_error(data: bytes) -> TabularError:
    """Where the file stops being UTF-8, and a hint when it looks like Windows-1251."""
    try:
        data.decode("utf-8-sig")
        position = len(data)
    except UnicodeDecodeError as exc:
        position = exc.start
    hint = ""
    try:
        sample = data[:4096].decode("cp1251")
    except UnicodeDecodeError:
        sample = ""
    if any("а" <= ch <= "я" for ch in sample.lower()):
        hint = " (похоже на Windows-1251)"
    return TabularError(
        f"файл не в кодировке UTF-8{hint}: сохраните его как «CSV UTF-8»",
        line=data.count(b"\n", 0, position) + 1,
    )


def _delimiter(header_line: str) -> str:
    """`;` or `,` (or a tab), whichever the header line uses most; `;` when it uses none."""
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _read_csv(data: bytes) -> Iterator[Sheet]:
    # Decoded as it is read, never as a whole: a 100 MB file would take several times that as
    # one Python string of Cyrillic text. utf-8-sig drops a BOM and reads plain UTF-8 as well.
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    try:
        offset = 0
        for first_line in stream:
            offset += 1
            if first_line.strip():
                break
        else:
            raise TabularError("файл пуст")
    except UnicodeDecodeError:
        raise _encoding_error(data) from None
    delimiter = _delimiter(first_line)
    try:
        header = [cell.strip() for cell in next(csv.reader([first_line], delimiter=delimiter))]
    except csv.Error as exc:
        raise TabularError(f"не удалось разобрать CSV: {exc}", line=offset) from exc
    yield Sheet(
        name=None,
        header=header,
        header_line=offset,
        rows=_csv_rows(csv.reader(stream, delimiter=delimiter), offset, data),
        size_hint=max(data.rstrip(b"\r\n").count(b"\n") + 1 - offset, 0),
    )


def _csv_rows(reader: Any, offset: int, data: bytes) -> Iterator[tuple[int, list[str]]]:
    interned: _Interner = {}
    # `line_num` counts physical lines read so far; a quoted cell may span several of them, so
    # a record starts on the line after the end of the previous one.
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise _encoding_error(data) from None
        except csv.Error as exc:
            raise TabularError(
                f"не удалось разобрать CSV: {exc}", line=offset + previous_end + 1
            ) from exc
        line = offset + previous_end + 1
        previous_end = reader.line_num
        intern = interned.setdefault
        row = [intern(cell, cell) for cell in map(str.strip, cells)]
        if any(row):
            yield line, row


# --- XLSX ----------------------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> Iterator[Sheet]:
    from openpyxl import load_workbook  # imported here: only XLSX files need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TabularError(f"не удалось прочитать XLSX: {exc}") from exc
    try:
        for worksheet in workbook.worksheets:
            yield from _read_sheet(worksheet)
    finally:
        workbook.close()


def _read_sheet(worksheet: Any) -> Iterator[Sheet]:
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
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()
