"""An XLSX that would inflate in memory is refused before it is read, with the reason."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from services.tabular import TabularError, read_tables, xlsx_tables
from tests.test_import import Maker, dump, import_samples, refused

PEOPLE_HEADER = ["Код", "ФИО", "Телефон", "Организация", "Роль"]


def workbook(rows: int = 3) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(PEOPLE_HEADER)
    for i in range(rows):
        sheet.append([f"P-{i}", "Иванова Мария Петровна", "", "", "Педагог"])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def rebuilt(
    data: bytes,
    *,
    extra: dict[str, bytes] | None = None,
    edit: dict[str, tuple[str, str]] | None = None,
) -> bytes:
    """The workbook with members added or their text rewritten (a pattern → a replacement)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            for name, (pattern, replacement) in (edit or {}).items():
                if member.filename == name:
                    content = re.sub(pattern, replacement, content.decode()).encode()
            target.writestr(member, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def read_all(data: bytes) -> None:
    for sheet in read_tables(data, "people.xlsx"):
        list(sheet.rows)


def test_a_real_workbook_reads() -> None:
    read_all(workbook())


def test_a_member_that_inflates_a_thousandfold_is_refused() -> None:
    bomb = rebuilt(workbook(), extra={"xl/media/pad.bin": bytes(20 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024
    with pytest.raises(TabularError) as refusal:
        read_all(bomb)
    assert refusal.value.message.message_id == "import-xlsx-inflated"
    assert "так настоящие таблицы не сжимаются" in refusal.value.message.ru


def test_a_workbook_beyond_the_unpacked_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_tables, "MAX_UNPACKED", 1024 * 1024)
    data = rebuilt(workbook(), extra={"xl/media/photo.bin": bytes(range(256)) * 8192})
    with pytest.raises(TabularError) as refusal:
        read_all(data)
    assert refusal.value.message.message_id == "import-xlsx-too-large"
    assert "больше предела в 1 МБ" in refusal.value.message.ru


def test_a_sheet_claiming_more_rows_than_excel_allows_is_refused() -> None:
    data = rebuilt(
        workbook(),
        edit={
            "xl/worksheets/sheet1.xml": (
                r'<dimension ref="[A-Z0-9:]+"',
                '<dimension ref="A1:E2000000"',
            )
        },
    )
    with pytest.raises(TabularError) as refusal:
        read_all(data)
    assert refusal.value.message.message_id == "import-xlsx-too-many-rows"


async def test_the_import_refuses_a_bomb_and_changes_nothing(sessionmaker: Maker) -> None:
    await import_samples(sessionmaker)
    before = await dump(sessionmaker)
    bomb = rebuilt(workbook(), extra={"xl/media/pad.bin": bytes(20 * 1024 * 1024)})
    report = await refused(sessionmaker, bomb, "people.xlsx")
    assert any("распаковывается" in error.message.ru for error in report.errors), report.errors
    assert await dump(sessionmaker) == before
