"""Reading CSV and XLSX files as tables of strings (PRODUCT.md §7.3), knowing nothing of their kind.

Every cell comes out as a stripped string: what a number, a date or a boolean looked like to the
person who typed it in a spreadsheet. Interpreting the cells is the importer's business.

The package: `sheet` (what reading gives), `encoding` (a CSV file's encoding), `csv_tables` and
`xlsx_tables` (reading each format); this module holds the entry point.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import PurePath

from services.i18n import Message
from services.tabular.csv_tables import _read_csv
from services.tabular.sheet import CP1251, UTF8, Sheet, TabularError
from services.tabular.xlsx_tables import _read_xlsx

__all__ = ["CP1251", "UTF8", "Sheet", "TabularError", "read_tables"]


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
