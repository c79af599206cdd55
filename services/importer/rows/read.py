"""Reading a whole file: each sheet's rows, by kind, into `_Parsed` (runs in a worker thread)."""

from __future__ import annotations

from services.i18n import Message
from services.importer.columns import Col, FileKind
from services.importer.report import Progress
from services.importer.rows.cells import _Row
from services.importer.rows.detect import _HEADERS, _detect
from services.importer.rows.parsed import (
    _ApplicationRow,
    _Parsed,
    _PersonRow,
    _Problems,
    _ResultRow,
)
from services.labels import fold
from services.tabular import TabularError, read_tables


def _parse(data: bytes, filename: str, tick: Progress) -> _Parsed:
    """Step 1: read the file and check each row on its own; runs in a worker thread."""
    parsed = _Parsed(file=filename, problems=_Problems(filename))
    expected = 0
    numbers: dict[int, int] = {}
    codes: dict[str, int] = {}
    results: dict[tuple[str, str], int] = {}
    try:
        for sheet in read_tables(data, filename, columns=_HEADERS):
            parsed.encoding = sheet.encoding
            detected = _detect(sheet.header, parsed.problems, sheet.name, sheet.header_line)
            if detected is None:
                continue
            kind, columns = detected
            if kind not in parsed.kinds:
                parsed.kinds.append(kind)
            expected += sheet.size_hint
            for line, cells in sheet.rows:
                parsed.rows += 1
                row = _Row(parsed.problems, sheet.name, line, cells, columns)
                if kind is FileKind.PEOPLE:
                    _read_person(parsed, row, codes)
                elif kind is FileKind.APPLICATIONS:
                    _read_application(parsed, row, numbers)
                else:
                    _read_result(parsed, row, results)
                if parsed.rows % 5000 == 0:
                    tick(parsed.rows, max(expected, parsed.rows))
    except TabularError as exc:
        parsed.problems.error(exc.sheet, exc.line, None, None, exc.message)
    if not parsed.kinds and not parsed.problems.errors:
        parsed.problems.error(
            None,
            None,
            None,
            None,
            Message.of("import-no-table"),
        )
    return parsed


def _read_person(parsed: _Parsed, row: _Row, codes: dict[str, int]) -> None:
    code = row.text(Col.CODE)
    person = _PersonRow(
        sheet=row.sheet,
        line=row.line,
        code=code,
        full_name=row.text(Col.NAME),
        roles=row.roles(Col.ROLE),
        organization=row.text(Col.ORGANIZATION),
        municipality=row.text(Col.MUNICIPALITY, required=False),
        phone=row.phone(Col.PHONE),
        timezone=row.zone(Col.TIMEZONE),
        region=row.region(Col.REGION),
    )
    if code:
        first = codes.setdefault(code, row.line)
        if first != row.line:
            row.fail(
                Col.CODE,
                code,
                Message.of("import-code-repeats", first=first),
            )
    if row.ok:
        parsed.people.append(person)


def _read_application(parsed: _Parsed, row: _Row, numbers: dict[int, int]) -> None:
    number = row.number(Col.NUMBER)
    application = _ApplicationRow(
        sheet=row.sheet,
        line=row.line,
        number=number,
        applicant_code=row.text(Col.APPLICANT_CODE),
        applicant=row.text(Col.APPLICANT),
        organization=row.text(Col.ORGANIZATION),
        kind=row.kind(Col.KIND),
        program=row.text(Col.PROGRAM),
        group=row.text(Col.GROUP),
        status=row.status(Col.STATUS),
        hours=row.hours(Col.HOURS),
        study=row.study_dates(Col.DATES),
        form=row.optional(Col.FORM),
        description=row.optional(Col.GROUP_DESCRIPTION),
        categories=row.optional(Col.CATEGORIES),
        competencies=row.optional(Col.COMPETENCIES),
        provider=row.optional(Col.PROVIDER),
        submitted_on=row.day(Col.SUBMITTED),
    )
    if number:
        first = numbers.setdefault(number, row.line)
        if first != row.line:
            row.fail(
                Col.NUMBER,
                str(number),
                Message.of("import-number-repeats", first=first),
            )
    if row.ok:
        parsed.applications.append(application)


def _read_result(parsed: _Parsed, row: _Row, seen: dict[tuple[str, str], int]) -> None:
    result = _ResultRow(
        sheet=row.sheet,
        line=row.line,
        code=row.text(Col.CODE),
        section=row.text(Col.SECTION),
        passed=row.passed(Col.PASSED),
    )
    if result.code and result.section:
        first = seen.setdefault((result.code, fold(result.section)), row.line)
        if first != row.line:
            row.fail(
                Col.SECTION,
                result.section,
                Message.of("import-section-repeats", first=first),
            )
    if row.ok:
        parsed.results.append(result)
