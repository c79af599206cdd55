"""Step 2, the records a plan is made of, and the helpers that load and chunk them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Row, Select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Kind, Role, Status
from services import importer
from services.importer.columns import format_study_dates
from services.importer.rows import _ApplicationRow

# The tunables (`WRITE_CHUNK`, `READ_CHUNK`, ...) are read from the package at call time, so
# that setting them on `services.importer` (as the tests do) takes effect here.


# --- step 2: planning against the database -------------------------------------------------------
#
# Records stand for rows of the database, existing (`id` set) or to be created (`id` None until
# written). Comparing a record with what the file says decides created / updated / unchanged.


@dataclass(eq=False, slots=True)
class _Org:
    id: int | None
    name: str
    municipality: str
    timezone: str | None = None
    region: str | None = None
    dirty: bool = False
    touched: bool = False
    warned: bool = False
    # Attribute → (line, value) of the first row that gave it (time zone, region).
    given: dict[str, tuple[int, object]] = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class _Person:
    id: int | None
    code: str
    full_name: str
    phone: str | None
    org: _Org | None
    roles: frozenset[Role]
    dirty: bool = False
    roles_dirty: bool = False
    touched: bool = False


@dataclass(eq=False, slots=True)
class _Program:
    id: int | None
    title: str
    hours: int | None
    form: str
    categories: str
    competencies: str
    provider: str
    dirty: bool = False
    touched: bool = False
    # attribute → (line, value) of the first row of this file that gave it.
    given: dict[str, tuple[int, object]] = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class _Group:
    id: int | None
    program: _Program
    name: str
    description: str
    study: tuple[date, date] | None
    dirty: bool = False
    touched: bool = False
    given: dict[str, tuple[int, object]] = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class _Stored:
    """An application as stored, in the columns an import compares."""

    id: int
    number: int
    applicant_code: str
    organization_id: int
    kind: Kind
    group_id: int
    status: Status
    submitted_on: date | None


@dataclass(eq=False, slots=True)
class _NewApplication:
    row: _ApplicationRow
    applicant: _Person
    org: _Org
    group: _Group


@dataclass(eq=False, slots=True)
class _Change:
    stored: _Stored
    row: _ApplicationRow
    org: _Org
    # What changes besides the workflow: columns written by a plain bulk update.
    fields: bool
    group: _Group | None
    old_group: str
    status: Status | None


@dataclass(eq=False, slots=True)
class _Section:
    id: int | None
    name: str
    touched: bool = False


@dataclass(eq=False, slots=True)
class _Result:
    id: int | None
    person: _Person
    section: _Section
    passed: bool
    dirty: bool = False


_T = TypeVar("_T")


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _rows_by_key(
    session: AsyncSession, statement: Select[Any], key: Any, keys: Iterable[Any]
) -> list[Row[Any]]:
    """The rows of `statement` whose `key` column is one of `keys`, in a few queries.

    Always short `IN` lists, answered by the key's index: the cost follows the file, never the
    table. (A pass over the whole table for a file naming a good share of it, as once here,
    costs the table's size: a 100k file into a million applications took 105 s against 17 s.)
    """
    wanted = set(keys)
    rows: list[Row[Any]] = []
    for chunk in _chunks(sorted(wanted), importer.READ_CHUNK):
        rows.extend(await session.execute(statement.where(key.in_(chunk))))
    return rows


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return format_study_dates(*value)
    return str(value)
