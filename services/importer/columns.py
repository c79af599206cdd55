"""Column headers of the import files, the columns of each file kind, and the kinds' labels."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Final

from services.i18n import Message


class Col:
    """Column headers of the import files, as users and the web module spell them."""

    CODE: Final = "Код"
    NAME: Final = "ФИО"
    ROLE: Final = "Роль"
    ORGANIZATION: Final = "Организация"
    MUNICIPALITY: Final = "Муниципалитет"
    PHONE: Final = "Телефон"
    # A school's own clock and working-day calendar (services.locality); both optional.
    TIMEZONE: Final = "Часовой пояс"
    REGION: Final = "Регион"

    NUMBER: Final = "Номер заявки"
    APPLICANT_CODE: Final = "Код заявителя"
    APPLICANT: Final = "Заявитель"
    KIND: Final = "Вид заявки"
    PROGRAM: Final = "Программа"
    GROUP: Final = "Группа"
    GROUP_DESCRIPTION: Final = "Описание группы"
    HOURS: Final = "Трудоёмкость"
    DATES: Final = "Даты обучения"
    FORM: Final = "Форма обучения"
    CATEGORIES: Final = "Категории слушателей"
    COMPETENCIES: Final = "Совершенствуемые компетенции"
    PROVIDER: Final = "Организация ДПО"
    SUBMITTED: Final = "Дата подачи"
    STATUS: Final = "Статус"

    SECTION: Final = "Раздел"
    PASSED: Final = "Пройден"


PEOPLE_COLUMNS: Final = (
    Col.CODE,
    Col.NAME,
    Col.ROLE,
    Col.ORGANIZATION,
    Col.MUNICIPALITY,
    Col.PHONE,
)
PEOPLE_OPTIONAL_COLUMNS: Final = (Col.TIMEZONE, Col.REGION)
APPLICATION_COLUMNS: Final = (
    Col.NUMBER,
    Col.APPLICANT,
    Col.PROGRAM,
    Col.GROUP,
    Col.STATUS,
    Col.APPLICANT_CODE,
    Col.ORGANIZATION,
    Col.KIND,
    Col.HOURS,
    Col.DATES,
    Col.FORM,
)
APPLICATION_OPTIONAL_COLUMNS: Final = (
    Col.GROUP_DESCRIPTION,
    Col.CATEGORIES,
    Col.COMPETENCIES,
    Col.PROVIDER,
    Col.SUBMITTED,
)
# The order of the web module's export (and of ours, `services.exporter`).
APPLICATION_EXPORT_COLUMNS: Final = (
    Col.NUMBER,
    Col.APPLICANT_CODE,
    Col.APPLICANT,
    Col.ORGANIZATION,
    Col.KIND,
    Col.PROGRAM,
    Col.GROUP,
    Col.GROUP_DESCRIPTION,
    Col.HOURS,
    Col.DATES,
    Col.FORM,
    Col.CATEGORIES,
    Col.COMPETENCIES,
    Col.PROVIDER,
    Col.SUBMITTED,
    Col.STATUS,
)
ASSESSMENT_COLUMNS: Final = (Col.CODE, Col.SECTION, Col.PASSED)

DATE_FORMAT: Final = "%d.%m.%Y"
# How cells are written: hours («72», «72 ч.»), and the yes/no of «Пройден» (compared folded).
HOURS_RE: Final = re.compile(r"^(\d{1,5})\s*(?:ч|час|часа|часов)?\.?$")
YES_WORDS: Final = frozenset({"да", "1", "true", "yes", "+"})
NO_WORDS: Final = frozenset({"нет", "0", "false", "no", "-"})


def format_study_dates(start: date | None, end: date | None) -> str:
    """`05.02.2024 - 29.02.2024`, the spelling of «Даты обучения»; empty unless both are known."""
    if start is None or end is None:
        return ""
    return f"{start.strftime(DATE_FORMAT)} - {end.strftime(DATE_FORMAT)}"


class FileKind(StrEnum):
    PEOPLE = "people"
    APPLICATIONS = "applications"
    ASSESSMENT = "assessment"


FILE_KIND_LABELS: Final = {
    FileKind.PEOPLE: Message.of("import-kind-people"),
    FileKind.APPLICATIONS: Message.of("import-kind-applications"),
    FileKind.ASSESSMENT: Message.of("import-kind-assessment"),
}

_REQUIRED: Final[dict[FileKind, tuple[str, ...]]] = {
    FileKind.PEOPLE: PEOPLE_COLUMNS,
    FileKind.APPLICATIONS: APPLICATION_COLUMNS,
    FileKind.ASSESSMENT: ASSESSMENT_COLUMNS,
}
_OPTIONAL: Final[dict[FileKind, tuple[str, ...]]] = {
    FileKind.PEOPLE: PEOPLE_OPTIONAL_COLUMNS,
    FileKind.APPLICATIONS: APPLICATION_OPTIONAL_COLUMNS,
}
# People first, so that applications and results may refer to people of the same file.
_KIND_ORDER: Final = (FileKind.PEOPLE, FileKind.APPLICATIONS, FileKind.ASSESSMENT)
