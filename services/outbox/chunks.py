"""Statements in bounded pieces: the limits on keys and rows per statement, shared by the
outbox's writes and its claims.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final, TypeVar, cast

from sqlalchemy import CursorResult

# Keys per `IN (...)`: far below SQLite's 32,766 variables and asyncpg's 32,767 parameters.
READ_CHUNK: Final = 1000
# Rows per INSERT batch (11 columns a row: ~22,000 parameters at most).
WRITE_CHUNK: Final = 2000

_T = TypeVar("_T")


def chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rowcount(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount)
