"""Request bodies and the list query of the HTTP API (PRODUCT.md §7.4), and its OpenAPI document.
Each validates what comes in; `bot.api.outputs` describes what goes out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from models import Kind, Role, Status
from services.locality import REGION_MAX_CHARS, ZONE_MAX_CHARS, parse_region, parse_zone
from services.phones import InvalidPhone, normalize_phone
from services.workflow import COMMENT_MAX_LENGTH

MAX_INT4: Final = 2**31 - 1
DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 500


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text; refuse it here, as bad input, on every database.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


_NoNul = AfterValidator(_no_nul)
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), _NoNul
]
OrgName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), _NoNul
]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), _NoNul]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000), _NoNul
]
GroupName = OrgName
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300), _NoNul]
Long = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10000), _NoNul]
Number = Annotated[int, Field(ge=1, le=MAX_INT4)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("date out of range") from exc


# --- requests ------------------------------------------------------------------------------------


# A school's clock and region (services.locality): how each is read, and what it must look like.
_LOCALITY: Final[dict[str, tuple[Callable[[str], str], str]]] = {
    "timezone": (parse_zone, "a time zone name such as Asia/Yekaterinburg"),
    "region": (parse_region, "a region code such as RU-CHE"),
}


class PersonIn(_In):
    """`PUT /api/v1/people/{code}`: the person as the regional system knows them."""

    full_name: Name
    organization: OrgName | None = None
    municipality: Short = ""
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    roles: list[Role] = Field(default_factory=lambda: [Role.TEACHER], min_length=1, max_length=3)
    # The school's own clock and region (services.locality), as the import's «Часовой пояс»
    # and «Регион»: given, they are set on the organization; left out, they stay as they are.
    timezone: Annotated[str, StringConstraints(max_length=ZONE_MAX_CHARS)] | None = None
    region: Annotated[str, StringConstraints(max_length=REGION_MAX_CHARS)] | None = None

    @field_validator("timezone", "region")
    @classmethod
    def _locality(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        parse, expected = _LOCALITY[info.field_name or ""]
        try:
            return parse(value)
        except ValueError as exc:
            raise ValueError(f"not {expected}") from exc

    @model_validator(mode="after")
    def _locality_of_a_school(self) -> PersonIn:
        if self.organization is None and (self.timezone is not None or self.region is not None):
            raise ValueError("timezone and region belong to an organization: give it too")
        return self

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return normalize_phone(value)
        except InvalidPhone as exc:
            raise ValueError("not a phone number") from exc

    @field_validator("roles")
    @classmethod
    def _unique_roles(cls, value: list[Role]) -> list[Role]:
        return sorted(set(value))


class ApplicationIn(_In):
    """`PUT /api/v1/applications/{number}`: one row of the regional system's applications."""

    # The path names the application; a body may repeat its number (PRODUCT.md §7.4 lists it
    # among the fields), which must then be the same (`bot.api.applications.upsert_application`).
    number: Number | None = None
    applicant_code: Code
    # Needed when the applicant is not known yet (the person is then created as a listener).
    applicant_name: Name | None = None
    organization: OrgName
    kind: Kind
    program: Title
    group: GroupName
    group_description: Long = ""
    hours: Annotated[int, Field(ge=1, le=10000)] | None = None
    study_start: date | None = None
    study_end: date | None = None
    form: Short = ""
    categories: Long = ""
    competencies: Long = ""
    provider: Title | None = None
    submitted_on: date | None = None
    status: Status = Status.NEW

    @field_validator("study_end")
    @classmethod
    def _dates_in_order(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("study_start")
        if value is not None and start is not None and value < start:
            raise ValueError("study_end is before study_start")
        return value


class StatusIn(_In):
    """`POST /api/v1/applications/{number}/status`: a staff-side transition."""

    status: Status
    comment: Annotated[str, StringConstraints(max_length=COMMENT_MAX_LENGTH)] | None = None
    # The status the caller saw (compare-and-set); the current one when omitted.
    seen: Status | None = None

    @field_validator("comment")
    @classmethod
    def _comment(cls, value: str | None) -> str | None:
        return None if value is None else _no_nul(value)


class ListQuery(_In):
    """Query of `GET /api/v1/applications`."""

    status: Status | None = None
    organization: Annotated[str, StringConstraints(max_length=500)] | None = None
    updated_since: datetime | None = None
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT
    offset: Annotated[int, Field(ge=0, le=MAX_INT4)] = 0

    @field_validator("updated_since")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _utc(value)

    @field_validator("organization")
    @classmethod
    def _organization(cls, value: str | None) -> str | None:
        return None if value is None else _no_nul(value)
