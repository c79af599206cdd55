"""The bulk writer, the workflow's refusals in the operator's words, and what the writing
mixins read from the plan."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import importer
from services.i18n import Message
from services.importer.records import (
    _Change,
    _chunks,
    _Group,
    _NewApplication,
    _Org,
    _Person,
    _Program,
    _Result,
    _Section,
)
from services.importer.report import ImportReport, _Meter, transition_refused
from services.importer.rows import _Problems
from services.labels import STATUS_LABELS
from services.workflow import GroupNotAllowed, StaleStatus, TransitionNotAllowed, WorkflowError

# The tunables (`WRITE_CHUNK`, `READ_CHUNK`, ...) are read from the package at call time, so
# that setting them on `services.importer` (as the tests do) takes effect here.


class _WriteState:
    """The attributes `_Plan` (`services.importer.plan`) sets, read by the writing mixins."""

    session: AsyncSession
    problems: _Problems
    report: ImportReport
    now: datetime
    orgs: dict[str, _Org]
    people: dict[str, _Person]
    programs: dict[str, _Program]
    groups: dict[tuple[_Program, str], _Group]
    sections: dict[str, _Section]
    results: dict[tuple[_Person, _Section], _Result]
    new_applications: list[_NewApplication]
    changes: list[_Change]


def _refusal(exc: WorkflowError) -> Message:
    """The workflow's refusal in the operator's words."""
    if isinstance(exc, TransitionNotAllowed):
        return transition_refused(exc.current, exc.target)
    if isinstance(exc, StaleStatus):
        # Someone changed the application while the file was being imported.
        now = STATUS_LABELS[exc.current]
        return Message.of("import-changed-meanwhile", now=now)
    if isinstance(exc, GroupNotAllowed):
        return Message.of("import-group-change-refused")
    name = exc.__class__.__name__
    return Message.of("import-change-refused", name=name)


class _Writer:
    """Bulk INSERT (with RETURNING of the keys) and bulk UPDATE by primary key, in chunks."""

    def __init__(self, session: AsyncSession, meter: _Meter, work: int) -> None:
        self.session = session
        self.meter = meter
        self.work = max(work, 1)
        self.done = 0

    def advance(self, rows: int) -> None:
        self.done += rows
        self.meter.wrote(self.done / self.work)

    async def insert(
        self, model: type[Any], rows: list[dict[str, Any]], *keys: Any, count: bool = True
    ) -> list[tuple[Any, ...]]:
        # Core inserts on the table: the ORM's bulk path costs several times more per row, and
        # these rows need none of it (no relationships, every value given).
        table = model.__table__
        statement = insert(table)
        if keys:
            statement = statement.returning(table.c.id, *(table.c[key.key] for key in keys))
        returned: list[tuple[Any, ...]] = []
        for chunk in _chunks(rows, importer.WRITE_CHUNK):
            result = await self.session.execute(statement, list(chunk))
            if keys:
                returned.extend(tuple(row) for row in result)
            if count:
                self.advance(len(chunk))
        return returned

    async def update(
        self, model: type[Any], rows: list[dict[str, Any]], *, count: bool = True
    ) -> None:
        for chunk in _chunks(rows, importer.WRITE_CHUNK):
            await self.session.execute(update(model), list(chunk))
            if count:
                self.advance(len(chunk))
