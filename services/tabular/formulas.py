"""Exported cells never run as formulas; what the export neutralised, the import restores.

A value that starts with `=`, `+`, `-` or `@` (or a tab or a carriage return) is read as a
formula by Excel and LibreOffice when they open a CSV file: an application's comment typed as
`=HYPERLINK("http://…","Открыть")` would become a live link in the institute's spreadsheet. So:

* CSV export puts an apostrophe before such a value (`'=HYPERLINK(…)`), the usual defence, unless
  the value is a plain number or phone (`+7 999 000-11-22`, `-5`): those cannot call anything.
* XLSX export writes such a value as a string cell, which is never evaluated; nothing is added.
* Import drops one apostrophe before such a value, so an exported file imports back unchanged.
"""

from __future__ import annotations

import re
from typing import Final

FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER: Final = re.compile(r"[+-]?[\d\s().-]*\d[\d\s().-]*")


def neutralised(text: str) -> str:
    """The text to write into a CSV cell."""
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def restored(text: str) -> str:
    """A cell read back: the export's apostrophe removed."""
    if text.startswith("'") and text[1:2] and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def is_formula_like(text: str) -> bool:
    return text.startswith("=")
