"""Import of CSV and XLSX files (PRODUCT.md §7.3): people, applications, assessment results.

One file is one unit of work, done in three steps:

1. read and check every row without the database, in a worker thread (a big file sent to the bot
   must not stall its event loop);
2. load what the file refers to in a few queries and plan every change in memory, checking what
   needs the database (a known applicant's school, a status transition);
3. only if nothing was wrong, write: bulk inserts and bulk updates by primary key in chunks, and
   the workflow (`services.workflow`) for each status or group change, so that those get their
   history like any other change.

Problems are collected, not raised one by one: a refused file raises `ImportFailed` carrying the
report with every problem, before anything is written. The service never commits; the caller owns
the transaction, one per file:

    try:
        async with sessionmaker.begin() as session:
            report = await import_file(session, path, dry_run=dry_run)
    except ImportFailed as failed:  # rolled back by the context manager; nothing written
        report = failed.report

A dry run stops after step 2 and neither writes nor flushes anything, so committing or rolling
back afterwards makes no difference. Should the workflow refuse a change in step 3 (another
process changed the application meanwhile), `ImportFailed` is raised after some writes were
flushed: leaving the `begin()` block by that exception rolls them back.

The package: `columns` (column headers and file kinds), `report` (what the caller gets back),
`rows` (step 1), `records` and `plan` (step 2), `write` (step 3); this module holds the entry
points and the tunables below, and re-exports the public names.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path, PurePath
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from models import utcnow
from services.i18n import Message
from services.importer.columns import (
    APPLICATION_COLUMNS,
    APPLICATION_EXPORT_COLUMNS,
    APPLICATION_OPTIONAL_COLUMNS,
    ASSESSMENT_COLUMNS,
    DATE_FORMAT,
    FILE_KIND_LABELS,
    PEOPLE_COLUMNS,
    PEOPLE_OPTIONAL_COLUMNS,
    Col,
    FileKind,
    format_study_dates,
)
from services.importer.plan import _Plan
from services.importer.report import (
    Counts,
    GroupMove,
    ImportFailed,
    ImportProblem,
    ImportReport,
    Progress,
    Transition,
    _Meter,
)
from services.importer.rows import MAX_INT4, _parse

__all__ = [
    "APPLICATION_COLUMNS",
    "APPLICATION_EXPORT_COLUMNS",
    "APPLICATION_OPTIONAL_COLUMNS",
    "ASSESSMENT_COLUMNS",
    "DATE_FORMAT",
    "FILE_KIND_LABELS",
    "MAX_INT4",
    "PEOPLE_COLUMNS",
    "PEOPLE_OPTIONAL_COLUMNS",
    "READ_CHUNK",
    "WORKFLOW_CHUNK",
    "WRITE_CHUNK",
    "Col",
    "Counts",
    "FileKind",
    "GroupMove",
    "ImportFailed",
    "ImportProblem",
    "ImportReport",
    "Progress",
    "Transition",
    "format_study_dates",
    "import_bytes",
    "import_file",
]

# Rows per INSERT/UPDATE statement batch: well under asyncpg's 32,767 bind parameters and
# SQLite's 32,766 variables for the widest table (applications, 9 columns).
WRITE_CHUNK: Final = 2000
# Values per `IN (...)` when loading what a file refers to. Short on purpose: PostgreSQL may
# reuse a generic plan for a statement asyncpg keeps prepared, and with a long list that plan
# compares every row of a sequential scan with every value of the list, one by one.
READ_CHUNK: Final = 500
# Applications loaded at a time for changes that go through the workflow.
WORKFLOW_CHUNK: Final = 500


# --- public entry points -------------------------------------------------------------------------


async def import_file(
    session: AsyncSession,
    path: Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import one CSV or XLSX file in the caller's transaction (never commits).

    Raises `ImportFailed` if any row is wrong (nothing has been written then). With `dry_run`
    nothing is written either and the report says what would have happened.
    """
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        report = ImportReport(file=path.name, dry_run=dry_run)
        reason = exc.strerror or exc.__class__.__name__
        message = Message.of("import-not-read", reason=reason)
        report.errors.append(ImportProblem(path.name, None, None, None, message))
        raise ImportFailed(report) from exc
    return await import_bytes(session, data, path.name, dry_run=dry_run, progress=progress, now=now)


async def import_bytes(
    session: AsyncSession,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Like `import_file`, for a file received as bytes (e.g. a document sent to the bot).

    `filename` tells the format by its extension and names the file in messages.
    `progress(done, total)` is called from the event loop's thread now and then; `total` is
    twice the number of data rows (each row is read once and written once) and may grow while
    the sheets of an XLSX file are discovered.
    """
    now = now or utcnow()
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    name = PurePath(filename).name
    meter = _Meter(progress)
    loop = asyncio.get_running_loop()

    def tick(done: int, total: int) -> None:  # called in the worker thread
        loop.call_soon_threadsafe(meter.read, done, total)

    parsed = await asyncio.to_thread(_parse, data, name, tick)
    meter.read(parsed.rows, parsed.rows)
    report = ImportReport(
        file=name,
        dry_run=dry_run,
        kinds=parsed.kinds,
        rows=parsed.rows,
        encoding=parsed.encoding,
        errors=parsed.problems.errors,
        warnings=parsed.problems.warnings,
    )
    # Planned even when some rows were refused already, so that the report lists the problems
    # only the database shows (another school, a refused transition) as well.
    plan = _Plan(session, parsed, report, now)
    await plan.load()
    await plan.build()
    if report.errors:
        raise ImportFailed(report)
    plan.count()
    if dry_run:
        report.transitions.extend(plan.planned_transitions())
        report.group_changes.extend(plan.planned_group_moves())
        meter.done()
        return report

    await plan.write(meter)
    if report.errors:  # the workflow refused what the plan let through: the caller rolls back
        raise ImportFailed(report)
    meter.done()
    return report
