"""Export of applications to CSV or XLSX in the import's own columns (PRODUCT.md §7.1, §7.3).

Importing an exported file changes nothing: the same columns, labels and spellings the importer
reads. Rows are streamed from the database and written in batches, so memory stays flat however
many applications there are; file writes run in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import os
from collections.abc import AsyncIterator, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Final, Protocol

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Group, Organization, Person, Program
from services.i18n import Language, catalogue
from services.importer import APPLICATION_EXPORT_COLUMNS, DATE_FORMAT, format_study_dates
from services.labels import KIND_LABELS, STATUS_LABELS

_t = catalogue(Language.RU).text
SHEET_TITLE: Final = _t("export-sheet-title")
BATCH: Final = 2000
# The most rows the in-chat export builds: about a year of a region, an XLSX of ~15 MB that
# takes half a minute. Beyond that the file would near Telegram's 50 MB and hold the bot's
# memory and a worker thread for minutes; `dpo-bot export` writes any size to a file.
CHAT_EXPORT_MAX_ROWS: Final = 100_000


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


async def over_chat_limit(session: AsyncSession) -> int | None:
    """The in-chat limit (CHAT_EXPORT_MAX_ROWS) when the export would exceed it, else None.

    Asked before building the file: one row looked up past the limit on the primary key, so
    the cost is bounded by the limit, not by the table (a count would read it all).
    """
    limit = CHAT_EXPORT_MAX_ROWS
    beyond = select(Application.id).order_by(Application.id).offset(limit).limit(1)
    return limit if await session.scalar(beyond) is not None else None


class ExportError(Exception):
    """The export cannot be made as asked; the message is for the user."""


def export_format(path: Path) -> ExportFormat:
    """The format told by a file name's extension."""
    try:
        return ExportFormat(path.suffix.lower().lstrip("."))
    except ValueError:
        raise ExportError(_t("export-unknown-suffix", suffix=path.suffix)) from None


async def export_applications(session: AsyncSession, path: Path) -> int:
    """Write every application to `path` (`.csv` or `.xlsx`); return the number of rows.

    The file appears whole or not at all: it is written beside and renamed at the end.
    """
    fmt = export_format(path)
    partial = path.with_name(path.name + ".part")
    stream = await asyncio.to_thread(partial.open, "wb")
    try:
        count = await _export(session, fmt, stream)
    except BaseException:
        await asyncio.to_thread(_discard, stream, partial)
        raise
    await asyncio.to_thread(_finish, stream, partial, path)
    return count


async def export_applications_bytes(session: AsyncSession, fmt: ExportFormat | str) -> bytes:
    """The export as the bytes of a file (e.g. a document the bot sends)."""
    data, _count = await export_applications_counted(session, fmt)
    return data


async def export_applications_counted(
    session: AsyncSession, fmt: ExportFormat | str
) -> tuple[bytes, int]:
    """The export's bytes and the number of applications in it."""
    try:
        fmt = ExportFormat(fmt)
    except ValueError:
        raise ExportError(_t("export-unknown-format", format=str(fmt))) from None
    buffer = io.BytesIO()
    count = await _export(session, fmt, buffer)
    return buffer.getvalue(), count


def _discard(stream: IO[bytes], partial: Path) -> None:
    stream.close()
    partial.unlink(missing_ok=True)


def _finish(stream: IO[bytes], partial: Path, path: Path) -> None:
    stream.close()
    os.replace(partial, path)


def _query() -> Select[Any]:
    return (
        select(
            Application.number,
            Person.code,
            Person.full_name,
            Organization.name,
            Application.kind,
            Program.title,
            Group.name,
            Group.description,
            Program.hours,
            Group.study_start,
            Group.study_end,
            Program.form,
            Program.categories,
            Program.competencies,
            Program.provider,
            Application.submitted_on,
            Application.status,
        )
        .join(Person, Person.id == Application.applicant_id)
        .join(Organization, Organization.id == Application.organization_id)
        .join(Group, Group.id == Application.group_id)
        .join(Program, Program.id == Group.program_id)
        .order_by(Application.number)
        .execution_options(yield_per=BATCH)
    )


async def _batches(session: AsyncSession) -> AsyncIterator[list[list[Any]]]:
    """Rows in the order of `APPLICATION_EXPORT_COLUMNS`, with typed values, a batch at a time."""
    result = await session.stream(_query())
    async for partition in result.partitions():
        yield [
            [
                number,
                code,
                full_name,
                organization,
                KIND_LABELS[kind],
                program,
                group,
                description,
                hours,
                format_study_dates(start, end),
                form,
                categories,
                competencies,
                provider,
                submitted_on,
                STATUS_LABELS[status],
            ]
            for (
                number,
                code,
                full_name,
                organization,
                kind,
                program,
                group,
                description,
                hours,
                start,
                end,
                form,
                categories,
                competencies,
                provider,
                submitted_on,
                status,
            ) in partition
        ]


class _Sink(Protocol):
    def write(self, rows: Sequence[list[Any]]) -> None: ...

    def close(self) -> None: ...


async def _export(session: AsyncSession, fmt: ExportFormat, stream: IO[bytes]) -> int:
    sink: _Sink = _CsvSink(stream) if fmt is ExportFormat.CSV else _XlsxSink(stream)
    await asyncio.to_thread(sink.write, [list(APPLICATION_EXPORT_COLUMNS)])
    count = 0
    async for rows in _batches(session):
        await asyncio.to_thread(sink.write, rows)
        count += len(rows)
    await asyncio.to_thread(sink.close)
    return count


class _CsvSink:
    """UTF-8 with a BOM (so that Excel opens it right), `;`-separated like the web module's."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.stream.write(codecs.BOM_UTF8)

    def write(self, rows: Sequence[list[Any]]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(
            [[_text(value) for value in row] for row in rows]
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
                else:
                    cells.append(value)
            self.sheet.append(cells)

    def close(self) -> None:
        self.workbook.save(self.stream)


# Column widths (in characters) for the sixteen columns, so the sheet is readable as opened.
_WIDTHS: Final = (12, 14, 30, 36, 30, 50, 30, 40, 12, 24, 30, 30, 30, 40, 12, 28)
