"""Import of CSV/XLSX files (PRODUCT.md §7.3), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Application,
    AssessmentResult,
    Base,
    Channel,
    Group,
    HistoryAction,
    HistoryEntry,
    Kind,
    Organization,
    OutboxMessage,
    Person,
    Program,
    Role,
    Status,
)
from services import importer
from services.i18n import Language
from services.importer import (
    ImportFailed,
    ImportReport,
    Transition,
    import_bytes,
    import_file,
)
from tests.conftest import CYRILLIC, FIXTURES, SAMPLES, english

Maker = async_sessionmaker[AsyncSession]
NOW = datetime(2024, 11, 25, 6, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=3)
SCHOOL_12 = "МАОУ «СОШ № 12 г. Челябинска»"


# --- helpers (also used by tests/test_export.py) -------------------------------------------------


async def run(maker: Maker, path: Path, **kwargs: Any) -> ImportReport:
    """Import in a transaction of its own, as the CLI does."""
    kwargs.setdefault("now", NOW)
    async with maker.begin() as session:
        return await import_file(session, path, **kwargs)


async def run_bytes(maker: Maker, data: bytes, filename: str, **kwargs: Any) -> ImportReport:
    kwargs.setdefault("now", NOW)
    async with maker.begin() as session:
        return await import_bytes(session, data, filename, **kwargs)


async def refused(maker: Maker, data: bytes, filename: str) -> ImportReport:
    with pytest.raises(ImportFailed) as caught:
        await run_bytes(maker, data, filename)
    assert caught.value.report.errors
    return caught.value.report


async def dump(maker: Maker) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: "unchanged" means equal dumps."""
    async with maker() as session:
        tables = {}
        for table in Base.metadata.sorted_tables:
            result = await session.execute(select(table).order_by(*table.primary_key.columns))
            tables[table.name] = [tuple(row) for row in result]
        return tables


async def import_samples(maker: Maker) -> None:
    for name in ("people.csv", "applications.csv", "assessment.csv"):
        await run(maker, SAMPLES / name)


async def count(maker: Maker, model: type[Any]) -> int:
    async with maker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def person(maker: Maker, code: str) -> Person:
    async with maker() as session:
        found = await session.scalar(select(Person).where(Person.code == code))
        assert found is not None, code
        return found


async def application(maker: Maker, number: int) -> Application:
    async with maker() as session:
        found = await session.scalar(select(Application).where(Application.number == number))
        assert found is not None, number
        return found


def sample_table(name: str) -> tuple[list[str], list[list[str]]]:
    with (SAMPLES / name).open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, delimiter=";"))
    return rows[0], rows[1:]


def to_csv(header: list[str], rows: list[list[str]], *, sep: str = ";", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def replace_cells(name: str, changes: dict[str, dict[str, str]]) -> bytes:
    """The sample file `name` with some cells changed: {number: {column: value}}."""
    header, rows = sample_table(name)
    key = header.index(importer.Col.NUMBER)
    for row in rows:
        for column, value in changes.get(row[key], {}).items():
            row[header.index(column)] = value
    return to_csv(header, rows)


# --- the sample files ----------------------------------------------------------------------------


async def test_samples_import_with_their_values(sessionmaker: Maker) -> None:
    people = await run(sessionmaker, SAMPLES / "people.csv")
    assert (people.people.created, people.organizations.created) == (6, 3)
    applications = await run(sessionmaker, SAMPLES / "applications.csv")
    assert applications.applications.created == 5
    assert (applications.programs.created, applications.groups.created) == (5, 5)
    assessment = await run(sessionmaker, SAMPLES / "assessment.csv")
    assert (assessment.sections.created, assessment.results.created) == (3, 4)

    director = await person(sessionmaker, "P-1001")
    assert director.phone == "+79000000001"
    assert director.roles == {Role.DIRECTOR, Role.TEACHER}
    assert director.name_key == "смирнова ольга викторовна"
    assert (await person(sessionmaker, "P-1003")).phone == "+79000000003"
    assert (await person(sessionmaker, "P-9001")).roles == {Role.STAFF}

    course = await application(sessionmaker, 43112)
    assert (course.status, course.kind) == (Status.NEW, Kind.COURSE)
    assert course.applicant.code == "P-1002"
    assert course.organization.name == SCHOOL_12
    assert course.organization.municipality == "Челябинский городской округ"
    assert course.submitted_on == date(2024, 11, 20)
    assert course.group.name == "Предварительная запись на 2025 год"
    assert (course.group.study_start, course.group.study_end) == (
        date(2025, 2, 3),
        date(2025, 2, 28),
    )
    assert course.group.description.startswith("Предварительная запись на программу")
    assert course.group.program.hours == 72
    assert course.group.program.form == "очная с применением электронного обучения и ДОТ"
    assert course.group.program.provider.startswith("Государственное бюджетное учреждение")
    assert (await application(sessionmaker, 43113)).kind is Kind.ASSESSMENT
    assert (await application(sessionmaker, 39742)).status is Status.CANCELLED
    assert (await application(sessionmaker, 39735)).status is Status.INCLUDED

    # Directors are to hear of the new ones only.
    async with sessionmaker() as session:
        new_ids = set(
            await session.scalars(select(Application.id).where(Application.status == Status.NEW))
        )
        history = (await session.scalars(select(HistoryEntry))).all()
        passed = await session.scalar(
            select(func.count())
            .select_from(AssessmentResult)
            .where(AssessmentResult.person_id == course.applicant_id, AssessmentResult.passed)
        )
    assert set(applications.new_applications) == new_ids and len(new_ids) == 3
    assert sorted(entry.to_value or "" for entry in history) == sorted(
        ["new", "new", "new", "cancelled", "included"]
    )
    assert {(e.action, e.channel, e.actor_id, e.actor_role) for e in history} == {
        (HistoryAction.CREATED, Channel.IMPORT, None, "system")
    }
    assert passed == 2


async def test_unknown_applicant_becomes_a_listener_of_the_rows_school(sessionmaker: Maker) -> None:
    report = await run(sessionmaker, SAMPLES / "applications.csv")
    assert (report.people.created, report.organizations.created) == (4, 2)
    created = await person(sessionmaker, "P-1002")
    assert created.full_name == "Кузнецов Андрей Петрович"
    assert created.roles == {Role.TEACHER}
    assert created.organization is not None and created.organization.name == SCHOOL_12
    assert created.organization.municipality == ""

    # The people file then fills the municipality and replaces the roles.
    people = await run(sessionmaker, SAMPLES / "people.csv")
    assert (people.organizations.created, people.organizations.updated) == (1, 2)
    assert (people.people.created, people.people.updated) == (2, 4)
    director = await person(sessionmaker, "P-1001")
    assert director.roles == {Role.DIRECTOR, Role.TEACHER}
    assert director.organization is not None
    assert director.organization.municipality == "Челябинский городской округ"


# --- file formats --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sep", "bom", "shuffle"),
    [(";", True, False), (",", False, True), (",", True, False), (";", False, True)],
    ids=["semicolon-bom", "comma-shuffled-extra", "comma-bom", "semicolon-shuffled-extra"],
)
async def test_csv_variants_read_the_same(
    sessionmaker: Maker, sep: str, bom: bool, shuffle: bool
) -> None:
    for name in ("people.csv", "applications.csv"):
        header, rows = sample_table(name)
        if shuffle:
            order = list(range(len(header)))
            random.Random(7).shuffle(order)
            header = ["  " + header[i].upper() + " " for i in order] + ["Комментарий"]
            rows = [[row[i] for i in order] + ["что угодно; даже, с разделителями"] for row in rows]
        report = await run_bytes(sessionmaker, to_csv(header, rows, sep=sep, bom=bom), name)
        assert report.errors == []
    before = await dump(sessionmaker)

    # Read the same as the samples themselves: importing those now changes nothing.
    for name in ("people.csv", "applications.csv"):
        again = await run(sessionmaker, SAMPLES / name, now=LATER)
        assert again.people.created + again.people.updated == 0
        assert again.applications.created + again.applications.updated == 0
    assert await dump(sessionmaker) == before
    assert (await person(sessionmaker, "P-1001")).roles == {Role.DIRECTOR, Role.TEACHER}
    course = await application(sessionmaker, 43112)
    assert course.group.program.competencies == "Методическая_шнор, психолого-педагогическая_шнор"


def xlsx(*sheets: tuple[str, list[list[Any]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def typed(header: list[str], row: list[str]) -> list[Any]:
    """Cells as a spreadsheet holds them: numbers as numbers, the submission date as a date."""
    cells: list[Any] = []
    for column, value in zip(header, row, strict=True):
        if column in {importer.Col.NUMBER, importer.Col.HOURS}:
            cells.append(int(value))
        elif column == importer.Col.SUBMITTED:
            cells.append(datetime.strptime(value, "%d.%m.%Y"))
        else:
            cells.append(value or None)
    return cells


async def test_xlsx_with_people_and_applications_sheets(sessionmaker: Maker) -> None:
    people_header, people = sample_table("people.csv")
    header, rows = sample_table("applications.csv")
    reversed_header = list(reversed(people_header))
    data = xlsx(
        # Applications first: people are still created before the applications refer to them.
        ("Заявки", [header, *[typed(header, row) for row in rows]]),
        ("Справочник", []),  # an empty sheet is no table and is skipped
        ("Люди", [reversed_header, *[list(reversed(row)) for row in people]]),
    )
    report = await run_bytes(sessionmaker, data, "выгрузка.xlsx")
    assert report.kinds == [importer.FileKind.APPLICATIONS, importer.FileKind.PEOPLE]
    assert (report.people.created, report.applications.created) == (6, 5)
    assert (await person(sessionmaker, "P-1003")).phone == "+79000000003"
    # P-1002 comes from the people sheet (phone), not made up from the application row.
    assert (await person(sessionmaker, "P-1002")).phone == "+79000000002"
    assert (await application(sessionmaker, 43112)).submitted_on == date(2024, 11, 20)

    before = await dump(sessionmaker)
    for name in ("people.csv", "applications.csv"):
        again = await run(sessionmaker, SAMPLES / name, now=LATER)
        assert again.applications.updated + again.people.updated == 0
    assert await dump(sessionmaker) == before


async def test_xlsx_errors_name_the_sheet_and_row(sessionmaker: Maker) -> None:
    header, rows = sample_table("applications.csv")
    bad = typed(header, rows[0])
    bad[header.index(importer.Col.STATUS)] = "Неизвестно"
    data = xlsx(("Лист1", [header, [None] * len(header), bad]))
    report = await refused(sessionmaker, data, "заявки.xlsx")
    assert [(e.sheet, e.line, e.column) for e in report.errors] == [("Лист1", 3, "Статус")]
    assert str(report.errors[0]).startswith("заявки.xlsx[Лист1]:3: Статус = «Неизвестно»")


# --- people and phones ---------------------------------------------------------------------------

PEOPLE_HEADER = "Код;ФИО;Роль;Организация;Муниципалитет;Телефон\n"


@pytest.mark.parametrize("spelling", ["8 912 555 01 01", "+79125550101", "7(912)5550101"])
async def test_phone_spellings_are_one_person(sessionmaker: Maker, spelling: str) -> None:
    line = "P-7001;Белова Ирина Олеговна;Слушатель;МОУ «СОШ № 3»;Миасский городской округ;{}\n"
    first = await run_bytes(
        sessionmaker, (PEOPLE_HEADER + line.format("+7 (912) 555-01-01")).encode(), "p.csv"
    )
    assert first.people.created == 1
    assert (await person(sessionmaker, "P-7001")).phone == "+79125550101"
    before = await dump(sessionmaker)

    again = await run_bytes(
        sessionmaker, (PEOPLE_HEADER + line.format(spelling)).encode(), "p.csv", now=LATER
    )
    assert (again.people.created, again.people.updated, again.people.unchanged) == (0, 0, 1)
    assert await dump(sessionmaker) == before


async def test_people_update_replaces_roles_and_fields(sessionmaker: Maker) -> None:
    await run(sessionmaker, SAMPLES / "people.csv")
    changed = (
        PEOPLE_HEADER
        + "P-1001;Смирнова-Орлова Ольга Викторовна;Слушатель;МОУ «Еткульская СОШ»;;89000000099\n"
    )
    report = await run_bytes(sessionmaker, changed.encode(), "people.csv", now=LATER)
    assert (report.people.updated, report.organizations.unchanged) == (1, 1)
    updated = await person(sessionmaker, "P-1001")
    assert updated.roles == {Role.TEACHER}
    assert updated.full_name == "Смирнова-Орлова Ольга Викторовна"
    assert updated.name_key == "смирнова-орлова ольга викторовна"
    assert updated.phone == "+79000000099"
    assert updated.organization is not None
    assert updated.organization.name == "МОУ «Еткульская СОШ»"
    assert updated.updated_at == LATER


# --- refused files -------------------------------------------------------------------------------

BAD_FILES: dict[str, set[tuple[int | None, str | None, str | None]]] = {
    # file: {(line, column, value)}
    "applications_bad.csv": {
        (2, "Статус", "Неизвестно"),
        (4, "Номер заявки", "50002"),
        (5, "Даты обучения", "31.02.2025 - 28.02.2025"),
        (6, "Организация", SCHOOL_12),
        (7, "Трудоёмкость", "много"),
        (8, "Вид заявки", "Стажировка"),
        (9, "Дата подачи", "2024.11.20"),
        (10, "Номер заявки", "5O008"),
        (11, "Программа", None),
        (12, "Код заявителя", "P-1003"),
        (13, "Статус", "Не обработана"),
    },
    "people_bad.csv": {
        (3, "Код", "P-5001"),
        (4, "Роль", "Директор"),
        (5, "Телефон", "12345"),
        (6, "ФИО", None),
    },
    "assessment_bad.csv": {
        (3, "Код", "P-0000"),
        (4, "Пройден", "может быть"),
        (5, "Раздел", "методическая"),
    },
    "wrong_header.csv": {(1, None, None)},
    "unknown_header.csv": {(1, None, None)},
}
MESSAGES = {
    "wrong_header.csv": "не хватает столбцов (заявки): Программа, Группа, Код заявителя",
    "unknown_header.csv": "заголовок не распознан",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
async def test_a_bad_file_lists_every_error_and_writes_nothing(
    sessionmaker: Maker, name: str
) -> None:
    await import_samples(sessionmaker)
    before = await dump(sessionmaker)

    report = await refused(sessionmaker, (FIXTURES / name).read_bytes(), name)
    assert {(e.line, e.column, e.value) for e in report.errors} == BAD_FILES[name]
    assert all(e.file == name for e in report.errors)
    if name in MESSAGES:
        assert MESSAGES[name] in report.errors[0].message.ru
    assert await dump(sessionmaker) == before


async def test_error_text_names_line_column_and_value(sessionmaker: Maker) -> None:
    await import_samples(sessionmaker)
    report = await refused(
        sessionmaker, (FIXTURES / "applications_bad.csv").read_bytes(), "applications.csv"
    )
    texts = [str(error) for error in report.errors]
    assert any(
        t.startswith("applications.csv:2: Статус = «Неизвестно»: неизвестный статус") for t in texts
    )
    assert any(t.startswith("applications.csv:11: Программа: не заполнено") for t in texts)
    assert any(
        "applications.csv:13: Статус = «Не обработана»: переход «Отменена» → «Не обработана»" in t
        for t in texts
    )
    assert any("другой организации: «МОУ «Еткульская СОШ»»" in t for t in texts)

    # The operator's terminal gets the same problems in English (`dpo-bot import`).
    in_english = [error.render(Language.EN) for error in report.errors]
    assert any(
        t.startswith("applications.csv:2: Статус = «Неизвестно»: unknown status (allowed: «")
        for t in in_english
    )
    assert any(t.startswith("applications.csv:11: Программа: empty") for t in in_english)
    assert any(
        "applications.csv:13: Статус = «Не обработана»: the change «Отменена» → «Не обработана» "
        "is not allowed" in t
        for t in in_english
    )
    assert any("another organization: «МОУ «Еткульская СОШ»»" in t for t in in_english)
    assert report.summary(Language.EN).endswith("errors: 11; the file was not imported")
    assert report.summary().endswith("ошибок: 11; файл не загружен")


@pytest.mark.parametrize("name", sorted(BAD_FILES))
async def test_every_problem_is_said_in_both_languages(sessionmaker: Maker, name: str) -> None:
    await import_samples(sessionmaker)
    report = await refused(sessionmaker, (FIXTURES / name).read_bytes(), name)
    for error in report.errors:
        assert CYRILLIC.search(error.message.ru), error.message
        # Cyrillic in English only inside «quotes» (values, labels) and as the fixed column names.
        assert english(error.message.en), error.message.en


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("empty.csv", b"", "файл пуст"),
        ("data.xls", b"whatever", "XLS не поддерживается"),
        ("data.txt", b"a;b", "неизвестный формат"),
        ("broken.xlsx", b"not a zip", "не удалось прочитать XLSX"),
    ],
)
async def test_unreadable_files(
    sessionmaker: Maker, filename: str, data: bytes, message: str
) -> None:
    report = await refused(sessionmaker, data, filename)
    assert message in report.errors[0].message.ru
    assert english(report.errors[0].message.en)
    assert await count(sessionmaker, Person) == 0


# --- encodings -----------------------------------------------------------------------------------

SAMPLE_NAMES = ("people.csv", "applications.csv", "assessment.csv")
SAMPLE_COUNTS = {
    "people.csv": ("people", 6),
    "applications.csv": ("applications", 5),
    "assessment.csv": ("results", 4),
}
NOT_DECODED = "не в кодировке UTF-8 или Windows-1251"


def sample_in(name: str, encoding: str) -> bytes:
    return (SAMPLES / name).read_text(encoding="utf-8-sig").encode(encoding)


async def test_a_windows_1251_csv_imports_the_rows_of_the_utf8_one(sessionmaker: Maker) -> None:
    # What a Russian Excel saves for «CSV (разделители — точки с запятой)».
    assert (FIXTURES / "people_cp1251.csv").read_bytes() == sample_in("people.csv", "cp1251")
    for name in SAMPLE_NAMES:
        report = await run_bytes(sessionmaker, sample_in(name, "cp1251"), name)
        entity, created = SAMPLE_COUNTS[name]
        assert getattr(report, entity).created == created, name
        assert report.encoding == "cp1251"
        assert report.summary().splitlines()[1] == "  кодировка: Windows-1251"
    assert (await person(sessionmaker, "P-1001")).full_name == "Смирнова Ольга Викторовна"
    before = await dump(sessionmaker)

    # The UTF-8 samples find every row already there, equal; their report names no encoding.
    for name in SAMPLE_NAMES:
        report = await run(sessionmaker, SAMPLES / name, now=LATER)
        for counts in (report.people, report.applications, report.groups, report.results):
            assert counts.created == counts.updated == 0
        assert getattr(report, SAMPLE_COUNTS[name][0]).unchanged == SAMPLE_COUNTS[name][1]
        assert report.encoding == "utf-8"
        assert "1251" not in report.summary() and "кодировка" not in report.summary()
    assert await dump(sessionmaker) == before


async def test_a_refused_windows_1251_file_still_names_its_encoding(sessionmaker: Maker) -> None:
    data = (FIXTURES / "applications_bad.csv").read_text(encoding="utf-8").encode("cp1251")
    report = await refused(sessionmaker, data, "applications.csv")
    assert "кодировка: Windows-1251" in report.summary()
    assert (4, "Номер заявки", "50002") in {(e.line, e.column, e.value) for e in report.errors}


@pytest.mark.parametrize(
    ("data", "line", "hint"),
    [
        (random.Random(1251).randbytes(4096), None, ""),
        # Letters above 0x7f only, without control bytes: decodes as Windows-1251, reads as nothing.
        (bytes(random.Random(7).choices(range(0x80, 0x100), k=4096)).replace(b"\x98", b""), 1, ""),
        (sample_in("people.csv", "utf-16"), 1, "(похоже на UTF-16)"),
        (sample_in("people.csv", "utf-16-le"), None, "(похоже на UTF-16)"),
        # A UTF-8 file with one row typed in another program: not read as mojibake.
        (
            sample_in("people.csv", "utf-8")
            + "P-9001;Иванов Иван;Слушатель;МОУ СОШ;Округ;\n".encode("cp1251"),
            8,
            "",
        ),
    ],
    ids=["random", "high-bytes", "utf-16", "utf-16-le", "utf-8-with-a-cp1251-row"],
)
async def test_a_file_in_no_known_encoding_is_refused(
    sessionmaker: Maker, data: bytes, line: int | None, hint: str
) -> None:
    report = await refused(sessionmaker, data, "people.csv")
    [error] = report.errors
    assert NOT_DECODED in error.message.ru and hint in error.message.ru
    assert "сохраните его как «CSV UTF-8»" in error.message.ru
    assert "neither UTF-8 nor Windows-1251" in error.message.en
    if line is not None:
        assert error.line == line
    assert report.encoding is None
    assert "1251" not in report.summary().split("\n", 1)[1]
    assert await count(sessionmaker, Person) == 0


# --- dry run, repeated imports, workflow ---------------------------------------------------------


async def test_dry_run_reports_and_writes_nothing(sessionmaker: Maker) -> None:
    before = await dump(sessionmaker)
    report = await run(sessionmaker, SAMPLES / "people.csv", dry_run=True)
    assert report.dry_run and report.ok
    assert (report.people.created, report.organizations.created) == (6, 3)
    assert await dump(sessionmaker) == before

    await import_samples(sessionmaker)
    before = await dump(sessionmaker)
    data = replace_cells("applications.csv", {"43112": {"Статус": "Отменена"}})
    planned = await run_bytes(sessionmaker, data, "applications.csv", dry_run=True)
    assert planned.transitions == [Transition(43112, Status.NEW, Status.CANCELLED)]
    assert (planned.applications.updated, planned.applications.unchanged) == (1, 4)
    assert planned.new_applications == []
    assert await dump(sessionmaker) == before

    # A dry run of a bad file is refused the same way.
    with pytest.raises(ImportFailed):
        await run(sessionmaker, FIXTURES / "applications_bad.csv", dry_run=True)


async def test_importing_the_same_files_twice_changes_nothing(sessionmaker: Maker) -> None:
    await import_samples(sessionmaker)
    before = await dump(sessionmaker)
    for name in ("people.csv", "applications.csv", "assessment.csv"):
        report = await run(sessionmaker, SAMPLES / name, now=LATER)
        for counts in (
            report.organizations,
            report.people,
            report.programs,
            report.groups,
            report.applications,
            report.sections,
            report.results,
        ):
            assert counts.created == counts.updated == 0
        assert report.transitions == []
        assert report.group_changes == []
        assert report.new_applications == []
    assert report.results.unchanged == 4
    # Same rows, same history, same updated_at.
    assert await dump(sessionmaker) == before


async def test_a_later_status_goes_through_the_workflow(sessionmaker: Maker) -> None:
    await import_samples(sessionmaker)
    history_before = await count(sessionmaker, HistoryEntry)
    data = replace_cells(
        "applications.csv",
        {
            # A course whose applicant has not passed the assessment: the import is trusted.
            "43112": {"Статус": "Подтверждена руководителем ОО"},
            "43113": {"Группа": "Оценка компетенций ШНОР 2025"},
            "39746": {"Дата подачи": "11.11.2024"},
        },
    )
    report = await run_bytes(sessionmaker, data, "applications.csv", now=LATER)
    assert report.transitions == [Transition(43112, Status.NEW, Status.APPROVED)]
    assert [(m.number, m.old_group, m.new_group) for m in report.group_changes] == [
        (43113, "Оценка компетенций ШНОР 2024", "Оценка компетенций ШНОР 2025")
    ]
    assert (report.applications.updated, report.groups.created) == (3, 1)
    assert report.new_applications == []

    approved = await application(sessionmaker, 43112)
    assert (approved.status, approved.updated_at) == (Status.APPROVED, LATER)
    assert (await application(sessionmaker, 43113)).group.name == "Оценка компетенций ШНОР 2025"
    assert (await application(sessionmaker, 39746)).submitted_on == date(2024, 11, 11)
    async with sessionmaker() as session:
        entries = (
            await session.scalars(select(HistoryEntry).where(HistoryEntry.id > history_before))
        ).all()
    assert sorted(
        (e.action, e.channel, e.actor_role, e.from_value, e.to_value) for e in entries
    ) == [
        (HistoryAction.GROUP, Channel.IMPORT, "system", "Оценка компетенций ШНОР 2024",
         "Оценка компетенций ШНОР 2025"),
        (HistoryAction.STATUS, Channel.IMPORT, "system", "new", "approved"),
    ]  # fmt: skip
    # Every change is told to the applicant, whatever the channel: the new group too.
    group_entry = next(e for e in entries if e.action == HistoryAction.GROUP)
    async with sessionmaker() as session:
        told = (
            await session.scalars(
                select(OutboxMessage.method).where(
                    OutboxMessage.key.like(f"group:{group_entry.id}:%")
                )
            )
        ).all()
    assert told == ["group"]


async def test_a_refused_transition_is_an_error_and_nothing_is_written(sessionmaker: Maker) -> None:
    await import_samples(sessionmaker)
    before = await dump(sessionmaker)
    data = replace_cells(
        "applications.csv",
        {
            "43112": {"Статус": "Подтверждена руководителем ОО"},  # fine on its own
            "39742": {"Статус": "Не обработана"},  # cancelled is final
            "43113": {"Статус": "Включен в группу"},  # new → included skips approval
        },
    )
    report = await refused(sessionmaker, data, "applications.csv")
    assert [(e.line, e.column, e.value) for e in report.errors] == [
        (3, "Статус", "Включен в группу"),
        (5, "Статус", "Не обработана"),
    ]
    assert all("не разрешён" in e.message.ru for e in report.errors)
    assert await dump(sessionmaker) == before


async def test_assessment_results_are_upserted(sessionmaker: Maker) -> None:
    await import_samples(sessionmaker)
    data = "Код;Раздел;Пройден\nP-1002;Предметная;да\nP-1003;Психолого-педагогическая;ДА\n"
    report = await run_bytes(sessionmaker, data.encode(), "assessment.csv", now=LATER)
    assert (report.results.created, report.results.updated, report.sections.unchanged) == (1, 1, 2)
    async with sessionmaker() as session:
        passed = await session.scalar(
            select(func.count())
            .select_from(AssessmentResult)
            .join(Person, Person.id == AssessmentResult.person_id)
            .where(Person.code == "P-1002", AssessmentResult.passed)
        )
    assert passed == 3


# --- larger files, chunks, progress --------------------------------------------------------------


def generated(people: int, applications: int) -> tuple[bytes, bytes]:
    """A people file and an applications file of the given sizes, many schools and groups."""
    people_rows = [
        [
            f"G-{i}",
            f"Фамилия{i} Имя Отчество",
            "Слушатель",
            f"МОУ «СОШ № {i % 37}»",
            "Городской округ",
            f"+7900{i:07d}",
        ]
        for i in range(people)
    ]
    header, _ = sample_table("applications.csv")
    application_rows = []
    for n in range(applications):
        i = n % people
        application_rows.append(
            [
                str(100_000 + n),
                f"G-{i}",
                f"Фамилия{i} Имя Отчество",
                f"МОУ «СОШ № {i % 37}»",
                "Курс повышения квалификации",
                f"Программа {n % 11}",
                f"Группа {n % 5}",
                "",
                "36 ч.",
                "03.02.2025 - 28.02.2025",
                "очная",
                "",
                "",
                "",
                "20.11.2024",
                ["Не обработана", "Отменена", "Включен в группу"][n % 3],
            ]
        )
    return (
        to_csv(PEOPLE_HEADER.strip().split(";"), people_rows),
        to_csv(header, application_rows),
    )


async def test_larger_file_in_small_chunks(
    sessionmaker: Maker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tiny chunks exercise every batch boundary of the bulk reads and writes.
    monkeypatch.setattr(importer, "WRITE_CHUNK", 97)
    monkeypatch.setattr(importer, "READ_CHUNK", 53)
    monkeypatch.setattr(importer, "WORKFLOW_CHUNK", 7)
    people, applications = generated(300, 1200)
    calls: list[tuple[int, int]] = []
    await run_bytes(sessionmaker, people, "people.csv")
    report = await run_bytes(
        sessionmaker, applications, "applications.csv", progress=lambda *a: calls.append(a)
    )
    assert (report.rows, report.applications.created, report.groups.created) == (1200, 1200, 55)
    assert len(report.new_applications) == 400
    assert await count(sessionmaker, HistoryEntry) == 1200
    assert calls and calls[-1] == (2400, 2400)
    assert all(done <= total for done, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)

    # Cancel every new one: 400 transitions through the workflow, in chunks of 7.
    text = applications.decode().replace("Не обработана", "Отменена")
    again = await run_bytes(sessionmaker, text.encode(), "applications.csv", now=LATER)
    assert (again.applications.updated, again.applications.unchanged) == (400, 800)
    assert len(again.transitions) == 400
    assert await count(sessionmaker, HistoryEntry) == 1600
    async with sessionmaker() as session:
        statuses = set(await session.scalars(select(Application.status).distinct()))
    assert statuses == {Status.CANCELLED, Status.INCLUDED}
    assert await count(sessionmaker, Program) == 11
    assert await count(sessionmaker, Organization) == 37
    assert await count(sessionmaker, Group) == 55
