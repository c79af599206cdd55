"""Reading a CSV file as one table, decoded as it is read."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterator
from typing import Any

from services.i18n import Message
from services.tabular.encoding import _csv_encoding
from services.tabular.formulas import restored
from services.tabular.sheet import UTF8, Sheet, TabularError, _Interner


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
        row = [intern(cell, cell) for cell in (restored(c.strip()) for c in cells)]
        if any(row):
            yield line, row
