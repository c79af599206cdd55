"""Writing exported rows as CSV or as an XLSX sheet, in the worker thread."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import IO, Any, Final, Protocol

from services.i18n import Language, catalogue
from services.importer import DATE_FORMAT
from services.tabular.formulas import is_formula_like, neutralised

_t = catalogue(Language.RU).text
SHEET_TITLE: Final = _t("export-sheet-title")


class _Sink(Protocol):
    def write(self, rows: Sequence[list[Any]]) -> None: ...

    def close(self) -> None: ...


class _CsvSink:
    """UTF-8 with a BOM (so that Excel opens it right), `;`-separated like the web module's."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.stream.write(codecs.BOM_UTF8)

    def write(self, rows: Sequence[list[Any]]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(
            [[neutralised(_text(value)) for value in row] for row in rows]
        )
        self.stream.write(buffer.getvalue().encode("utf-8"))

    def close(self) -> None:
        # The stream is the caller's (a file or a BytesIO); nothing is buffered here.
        pass


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    return str(value)


class _XlsxSink:
    """One sheet «Заявки» with the header row; numbers and dates as real cells."""

    def __init__(self, stream: IO[bytes]) -> None:
        from openpyxl import Workbook  # imported here: only XLSX exports need it

        self.stream = stream
        # write_only: rows go to a temporary file as they come, not into memory.
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(SHEET_TITLE)
        self.sheet.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGHIJKLMNOP", _WIDTHS, strict=True):
            self.sheet.column_dimensions[letter].width = width

    def write(self, rows: Sequence[list[Any]]) -> None:
        from openpyxl.cell import WriteOnlyCell

        for row in rows:
            cells: list[Any] = []
            for value in row:
                if isinstance(value, date):
                    cell = WriteOnlyCell(self.sheet, value=value)
                    cell.number_format = "DD.MM.YYYY"
                    cells.append(cell)
                elif isinstance(value, str) and is_formula_like(value):
                    # A string cell, never a formula (`services.tabular.formulas`).
                    cell = WriteOnlyCell(self.sheet, value=value)
                    cell.data_type = "s"
                    cells.append(cell)
                else:
                    cells.append(value)
            self.sheet.append(cells)

    def close(self) -> None:
        self.workbook.save(self.stream)


# Column widths (in characters) for the sixteen columns, so the sheet is readable as opened.
_WIDTHS: Final = (12, 14, 30, 36, 30, 50, 30, 40, 12, 24, 30, 30, 30, 40, 12, 28)
