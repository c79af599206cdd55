"""Export of applications (PRODUCT.md §7.1): the import's columns; export → import is a no-op."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from services.exporter import (
    ExportError,
    ExportFormat,
    export_applications,
    export_applications_bytes,
)
from services.importer import APPLICATION_EXPORT_COLUMNS
from tests.conftest import SAMPLES
from tests.test_import import LATER, Maker, dump, import_samples, run, run_bytes


def names(folder: Path) -> list[str]:
    """Files in `folder` (no partial `.part` left behind); sync, for ruff's ASYNC rules."""
    return sorted(path.name for path in folder.iterdir())


def sample_header() -> list[str]:
    return (SAMPLES / "applications.csv").read_text(encoding="utf-8").splitlines()[0].split(";")


def test_columns_are_those_of_the_sample() -> None:
    assert list(APPLICATION_EXPORT_COLUMNS) == sample_header()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
async def test_export_then_import_changes_nothing(
    sessionmaker: Maker, tmp_path: Path, suffix: str
) -> None:
    await import_samples(sessionmaker)
    path = tmp_path / "export" / f"заявки{suffix}"
    path.parent.mkdir()
    async with sessionmaker.begin() as session:
        assert await export_applications(session, path) == 5
    assert names(path.parent) == [path.name]
    before = await dump(sessionmaker)

    report = await run(sessionmaker, path, now=LATER)
    assert report.errors == [] and report.warnings == []
    assert report.applications.unchanged == 5
    for counts in (report.organizations, report.people, report.programs, report.groups):
        assert counts.created == counts.updated == 0
    assert report.applications.created == report.applications.updated == 0
    assert report.transitions == []
    assert report.group_changes == []
    # No history rows, no updated_at: every table as it was.
    assert await dump(sessionmaker) == before


async def test_csv_is_the_sample_again(sessionmaker: Maker) -> None:
    await import_samples(sessionmaker)
    async with sessionmaker() as session:
        data = await export_applications_bytes(session, "csv")
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    sample = (SAMPLES / "applications.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == sample[0]
    # Sorted by number; the sample is in the web module's order.
    assert lines[1:] == sorted(sample[1:])


async def test_xlsx_has_one_sheet_with_typed_cells(sessionmaker: Maker) -> None:
    await import_samples(sessionmaker)
    async with sessionmaker() as session:
        data = await export_applications_bytes(session, ExportFormat.XLSX)
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames == ["Заявки"]
    rows = list(workbook["Заявки"].iter_rows(values_only=True))
    assert list(rows[0]) == sample_header()
    assert len(rows) == 6
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Номер заявки"] == 39735
    assert first["Трудоёмкость"] == 36
    assert first["Дата подачи"].date() == date(2024, 10, 28)
    assert first["Даты обучения"] == "18.11.2024 - 29.11.2024"
    assert first["Статус"] == "Включен в группу"

    # The bot receives bytes and sends them on; importing them back is a no-op too.
    before = await dump(sessionmaker)
    report = await run_bytes(sessionmaker, data, "export.xlsx", now=LATER)
    assert report.applications.unchanged == 5
    assert await dump(sessionmaker) == before


async def test_empty_database_exports_the_header(sessionmaker: Maker, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    async with sessionmaker() as session:
        assert await export_applications(session, path) == 0
    assert path.read_text(encoding="utf-8-sig").strip() == ";".join(sample_header())


async def test_unknown_format_is_refused(sessionmaker: Maker, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    async with sessionmaker() as session:
        with pytest.raises(ExportError, match="нужен"):
            await export_applications(session, folder / "out.ods")
        with pytest.raises(ExportError):
            await export_applications_bytes(session, "pdf")
    assert names(folder) == []


HOSTILE = '=HYPERLINK("http://example.org/x","Открыть")'


async def _plant_formulas(sessionmaker: Maker) -> None:
    """Values a spreadsheet would run: a program title, a group description, a category."""
    from sqlalchemy import select

    from models import Group, Program

    async with sessionmaker.begin() as session:
        program = await session.scalar(select(Program).order_by(Program.id).limit(1))
        group = await session.scalar(select(Group).order_by(Group.id).limit(1))
        assert program is not None and group is not None
        program.title = HOSTILE
        program.categories = "@SUM(1+1)*cmd|' /C calc'!A0"
        group.description = "-2+3+cmd|' /C calc'!A0"


async def test_csv_export_neutralises_formulas_and_imports_back_unchanged(
    sessionmaker: Maker, tmp_path: Path
) -> None:
    await import_samples(sessionmaker)
    await _plant_formulas(sessionmaker)
    async with sessionmaker() as session:
        data = await export_applications_bytes(session, "csv")
    import csv as csv_module

    rows = list(csv_module.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + HOSTILE in cells and HOSTILE not in cells
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cells
    assert "'-2+3+cmd|' /C calc'!A0" in cells
    # No cell a spreadsheet would read as a formula.
    assert not [c for c in cells if c[:1] in ("=", "@") or c.startswith(("+c", "-2+"))]

    before = await dump(sessionmaker)
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    report = await run(sessionmaker, path, now=LATER)
    assert report.errors == [] and report.applications.unchanged == 5
    assert await dump(sessionmaker) == before


async def test_xlsx_export_writes_formulas_as_text_cells(sessionmaker: Maker) -> None:
    await import_samples(sessionmaker)
    await _plant_formulas(sessionmaker)
    async with sessionmaker() as session:
        data = await export_applications_bytes(session, ExportFormat.XLSX)
    sheet = load_workbook(io.BytesIO(data))["Заявки"]
    titles = [row[5] for row in sheet.iter_rows(min_row=2)]
    planted = [cell for cell in titles if cell.value == HOSTILE]
    assert planted, "the title is exported as it is"
    assert all(cell.data_type == "s" for cell in planted)  # a string, not a formula
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]

    before = await dump(sessionmaker)
    report = await run_bytes(sessionmaker, data, "export.xlsx", now=LATER)
    assert report.errors == [] and report.applications.unchanged == 5
    assert await dump(sessionmaker) == before
