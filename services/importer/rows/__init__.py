"""Step 1: reading a file and checking each row on its own, without the database.

Runs in a worker thread (`_parse`); the result is `_Parsed`, the rows that passed and the
problems of those that did not.

The package: `parsed` (what step 1 produces), `values` (parsing one cell's value), `cells`
(one row's cells, checked), `detect` (a table's kind from its header), `read` (the whole file).
"""

from __future__ import annotations

from services.importer.rows.parsed import (
    MAX_INT4,
    _ApplicationRow,
    _Parsed,
    _PersonRow,
    _Problems,
    _ResultRow,
)
from services.importer.rows.read import _parse

__all__ = [
    "MAX_INT4",
    "_ApplicationRow",
    "_Parsed",
    "_PersonRow",
    "_Problems",
    "_ResultRow",
    "_parse",
]
