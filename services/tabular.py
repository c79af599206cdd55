"""Reading CSV and XLSX files as tables of strings (PRODUCT.md §7.3), knowing nothing of their kind.

Every cell comes out as a stripped string: what a number, a date or a boolean looked like to the
person who typed it in a spreadsheet. Interpreting the cells is the importer's business.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any, Final

from services.i18n import Language, Message, catalogue
from services.labels import fold

# Repeated values (program titles, group descriptions, school names) are shared between rows
# instead of being held once per row: a 100,000-row file keeps a fraction of the memory.
_Interner = dict[str, str]
_WORDS: Final = catalogue(Language.RU)
# A boolean cell reads as the word a person would have typed.
_CELL_BOOL: Final = {True: _WORDS.text("cell-true"), False: _WORDS.text("cell-false")}


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


def read_tables(data: bytes, filename: str, *, columns: Collection[str] = ()) -> Iterator[Sheet]:
    """The tables of a `.csv` or `.xlsx` file given as bytes; raise `TabularError` if unreadable.

    A CSV file is read as UTF-8 (with or without a BOM) or, failing that, as Windows-1251 (what a
    Russian Excel writes for «CSV»), if the result is plausible: its header has one of `columns`
    (the header cells the caller expects, compared without case) or its text reads as Russian.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        yield from _read_csv(data, columns)
    elif suffix in {".xlsx", ".xlsm"}:
        yield from _read_xlsx(data)
    elif suffix == ".xls":
        raise TabularError(Message.of("import-xls-unsupported"))
    else:
        shown = suffix or filename
        raise TabularError(Message.of("import-unknown-format", shown=shown))


# --- CSV -----------------------------------------------------------------------------------------


# Bytes decoded at a time when checking that a file is UTF-8: never the whole file as one string.
_CHECK_CHUNK: Final = 1 << 20
# Text sampled to judge whether a file decoded as Windows-1251 reads as Russian.
_SAMPLE: Final = 1 << 16
# Control characters no spreadsheet writes into a CSV (all but tab, line feed, carriage return);
# Windows-1251 maps bytes below 0x80 as ASCII does, so the bytes themselves are searched.
_CONTROL_BYTES: Final = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Cyrillic letters А-я, Ё, ё by code point (the code holds no Russian words; see tests).
_RUSSIAN: Final = re.compile(r"[\u0410-\u044f\u0401\u0451]")
_LETTER: Final = re.compile(r"[^\W\d_]")


def _utf8_error(data: bytes) -> int | None:
    """The offset of the first byte that is not UTF-8, or None if the whole file is UTF-8."""
    view = memoryview(data)
    pending = b""
    start = 0  # offset of `pending` in `data`
    while True:
        chunk = bytes(view[start + len(pending) : start + len(pending) + _CHECK_CHUNK])
        final = start + len(pending) + len(chunk) >= len(data)
        buffer = pending + chunk
        try:
            _, consumed = codecs.utf_8_decode(buffer, "strict", final)
        except UnicodeDecodeError as exc:
            return start + exc.start
        if final:
            return None
        start += consumed
        pending = buffer[consumed:]


def _plausible_cp1251(data: bytes, columns: Collection[str]) -> bool:
    """Whether `data`, not UTF-8, is a text in Windows-1251 rather than bytes of something else.

    Almost any bytes decode as Windows-1251, so the text must also look like one: no control
    characters, and a header with a column the caller knows or letters mostly Russian (UTF-8 or
    another encoding read as Windows-1251 gives letters such as «Ђ», «ѓ», «Ѕ» instead).
    """
    if b"\x98" in data or _CONTROL_BYTES.search(data):  # 0x98 is not a Windows-1251 character
        return False
    sample = data[:_SAMPLE].decode(CP1251)
    header = next((line for line in sample.splitlines() if line.strip()), "")
    if columns:
        known = {fold(column) for column in columns}
        cells = re.split("[;,\t]", header)
        if any(fold(cell.strip().strip('"')) in known for cell in cells):
            return True
    letters = _LETTER.findall(sample)
    russian = len(_RUSSIAN.findall(sample))
    other = len(letters) - russian - sum(letter.isascii() for letter in letters)
    return russian > 0 and russian >= len(letters) / 2 and other <= len(letters) / 100


def _encoding_error(data: bytes, position: int) -> TabularError:
    """The file is neither UTF-8 nor Windows-1251: where it stops being UTF-8, and a hint."""
    hint: Message | str = ""
    head = data[:4096]
    # UTF-16 (Excel's «Unicode text») has a BOM or, without one, the high byte of every other
    # pair 0x00 (ASCII) or 0x04 (Cyrillic).
    bom = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if bom or any(
        2 * (half.count(0) + half.count(4)) > len(half) > 0 for half in (head[::2], head[1::2])
    ):
        hint = Message.of("import-looks-like-utf16")
    return TabularError(
        Message.of("import-not-decoded", hint=hint),
        line=data.count(b"\n", 0, position) + 1,
    )


def _csv_encoding(data: bytes, columns: Collection[str]) -> str:
    """`UTF8` (a BOM allowed) or `CP1251`; raise `TabularError` if the file is neither."""
    position = _utf8_error(data)
    if position is None:
        return UTF8
    if _plausible_cp1251(data, columns):
        return CP1251
    raise _encoding_error(data, position)


def _delimiter(header_line: str) -> str:
    """`;` or `,` (or a tab), whichever the header line uses most; `;` when it uses none."""
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _read_csv(data: bytes, columns: Collection[str]) -> Iterator[Sheet]:
    encoding = _csv_encoding(data, columns)
    # Decoded as it is read, never as a whole: a 100 MB file would take several times that as
    # one Python string of Cyrillic text. utf-8-sig drops a BOM and reads plain UTF-8 as well.
    codec = "utf-8-sig" if encoding == UTF8 else encoding
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=codec, newline="")
    offset = 0
    for first_line in stream:
        offset += 1
        if first_line.strip():
            break
    else:
        raise TabularError(Message.of("import-empty-file"))
    delimiter = _delimiter(first_line)
    try:
        header = [cell.strip() for cell in next(csv.reader([first_line], delimiter=delimiter))]
    except csv.Error as exc:
        raise TabularError(
            Message.of("import-csv-unparsed", error=exc),
            line=offset,
        ) from exc
    yield Sheet(
        name=None,
        header=header,
        header_line=offset,
        rows=_csv_rows(csv.reader(stream, delimiter=delimiter), offset),
        size_hint=max(data.rstrip(b"\r\n").count(b"\n") + 1 - offset, 0),
        encoding=encoding,
    )


def _csv_rows(reader: Any, offset: int) -> Iterator[tuple[int, list[str]]]:
    interned: _Interner = {}
    # `line_num` counts physical lines read so far; a quoted cell may span several of them, so
    # a record starts on the line after the end of the previous one.
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise TabularError(
                Message.of("import-csv-unparsed", error=exc),
                line=offset + previous_end + 1,
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
        raise TabularError(Message.of("import-xlsx-unreadable", error=exc)) from exc
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
        return _CELL_BOOL[bool(value)]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()
