"""Export of applications to CSV or XLSX in the import's own columns (PRODUCT.md §7.1, §7.3).

Importing an exported file changes nothing: the same columns, labels and spellings the importer
reads. Rows are streamed from the database and written in batches, so memory stays flat however
many applications there are; file writes run in a worker thread, off the event loop.

The package: `rows` (the applications read from the database), `sinks` (CSV and XLSX writers);
this module holds the entry points.
"""

from __future__ import annotations

import asyncio
import io
import os
from enum import StrEnum
from pathlib import Path
from typing import IO, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application
from services.exporter.rows import BATCH, _batches
from services.exporter.sinks import SHEET_TITLE, _CsvSink, _Sink, _XlsxSink
from services.i18n import Language, catalogue
from services.importer import APPLICATION_EXPORT_COLUMNS

__all__ = [
    "BATCH",
    "CHAT_EXPORT_MAX_ROWS",
    "SHEET_TITLE",
    "ExportError",
    "ExportFormat",
    "export_applications",
    "export_applications_bytes",
    "export_applications_counted",
    "export_format",
    "over_chat_limit",
]

_t = catalogue(Language.RU).text
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


async def _export(session: AsyncSession, fmt: ExportFormat, stream: IO[bytes]) -> int:
    sink: _Sink = _CsvSink(stream) if fmt is ExportFormat.CSV else _XlsxSink(stream)
    await asyncio.to_thread(sink.write, [list(APPLICATION_EXPORT_COLUMNS)])
    count = 0
    async for rows in _batches(session):
        await asyncio.to_thread(sink.write, rows)
        count += len(rows)
    await asyncio.to_thread(sink.close)
    return count
