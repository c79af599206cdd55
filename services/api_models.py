"""Request and response bodies of the HTTP API (PRODUCT.md §7.4), and its OpenAPI document.

The models validate what comes in and describe what goes out; the OpenAPI document is assembled
from their JSON schemas (`openapi_document`), so the two never disagree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import models_json_schema

from models import Channel, HistoryAction, Kind, Role, Status
from services.phones import InvalidPhone, normalize_phone

MAX_INT4: Final = 2**31 - 1
COMMENT_MAX_LENGTH: Final = 1000
DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 500
API_VERSION: Final = "1.0.0"


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


class PersonIn(_In):
    """`PUT /api/v1/people/{code}`: the person as the regional system knows them."""

    full_name: Name
    organization: OrgName | None = None
    municipality: Short = ""
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    roles: list[Role] = Field(default_factory=lambda: [Role.TEACHER], min_length=1, max_length=3)

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
    # among the fields), which must then be the same (`services.api.upsert_application`).
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


# --- responses -----------------------------------------------------------------------------------


class PersonOut(BaseModel):
    code: str
    full_name: str
    organization: str | None
    municipality: str | None
    phone: str | None
    roles: list[Role]
    # Whether the person has linked a Telegram account.
    linked: bool
    created: bool = False


class ApplicationOut(BaseModel):
    number: int
    applicant_code: str
    applicant_name: str
    organization: str
    municipality: str
    kind: Kind
    program: str
    group: str
    hours: int | None
    study_start: date | None
    study_end: date | None
    form: str
    submitted_on: date | None
    status: Status
    created_at: datetime
    updated_at: datetime


class CommentOut(BaseModel):
    author_code: str | None
    author_name: str | None
    text: str
    created_at: datetime


class HistoryOut(BaseModel):
    id: int
    created_at: datetime
    actor_code: str | None
    actor_role: str | None
    channel: Channel
    action: HistoryAction
    from_value: str | None
    to_value: str | None
    comment: str | None


class ApplicationDetail(ApplicationOut):
    comments: list[CommentOut]
    history: list[HistoryOut]


class ApplicationSaved(ApplicationOut):
    created: bool


class ApplicationPage(BaseModel):
    items: list[ApplicationOut]
    total: int
    limit: int
    offset: int


class FieldError(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    error: str
    message: str
    # The first field at fault (422), and every one of them.
    field: str | None = None
    errors: list[FieldError] = Field(default_factory=list)
    # A refused transition (409): the status the application is in now.
    current_status: Status | None = None


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    database: bool


class StatusEvent(BaseModel):
    """The body POSTed to WEBHOOK_OUT_URL for every status change."""

    event_id: str
    type: Literal["application.status_changed"] = "application.status_changed"
    number: int
    old_status: Status
    new_status: Status
    actor_role: str | None
    channel: Channel
    comment: str | None
    time: datetime


# --- the OpenAPI document ------------------------------------------------------------------------

_REF = "#/components/schemas/{model}"
_INPUTS: Final = (PersonIn, ApplicationIn, StatusIn)
_OUTPUTS: Final = (
    PersonOut,
    ApplicationSaved,
    ApplicationDetail,
    ApplicationPage,
    ErrorOut,
    Health,
    StatusEvent,
)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _json(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _errors(*codes: int) -> dict[str, Any]:
    words = {
        400: "Malformed JSON",
        401: "Missing or wrong bearer token",
        404: "Not found",
        409: "Transition refused; `current_status` says where the application is",
        422: "Invalid input; `field` names the field",
    }
    return {str(code): _json(ErrorOut, words[code]) for code in codes}


def _parameter(name: str, where: str, schema: dict[str, Any], required: bool) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": schema}


def _query_parameters() -> list[dict[str, Any]]:
    schema = ListQuery.model_json_schema(ref_template=_REF)
    properties: dict[str, Any] = schema["properties"]
    defs: dict[str, Any] = schema.get("$defs", {})

    def inline(value: Any) -> Any:
        # Parameters may not refer to `$defs` of their own schema: inline the (enum) references.
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str):
                return inline(defs[ref.rsplit("/", 1)[-1]])
            return {key: inline(item) for key, item in value.items()}
        if isinstance(value, list):
            return [inline(item) for item in value]
        return value

    def optional(prop: dict[str, Any]) -> dict[str, Any]:
        # A query parameter is absent rather than null.
        variants = [v for v in prop.get("anyOf", []) if v != {"type": "null"}]
        if len(variants) == 1:
            rest = {k: v for k, v in prop.items() if k not in {"anyOf", "default"}}
            return {**rest, **variants[0]}
        return prop

    return [
        _parameter(name, "query", optional(inline(prop)), False)
        for name, prop in properties.items()
    ]


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API, built from the pydantic models above."""
    _, definitions = models_json_schema(
        [(model, "validation") for model in _INPUTS]
        + [(model, "serialization") for model in _OUTPUTS],
        ref_template=_REF,
    )
    schemas: dict[str, Any] = definitions.get("$defs", {})
    number = _parameter(
        "number", "path", {"type": "integer", "minimum": 1, "maximum": MAX_INT4}, True
    )
    code = _parameter(
        "code", "path", {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"\S"}, True
    )
    secured: list[dict[str, list[str]]] = [{"bearer": []}]
    paths: dict[str, Any] = {
        "/api/v1/people/{code}": {
            "put": {
                "operationId": "upsertPerson",
                "summary": "Create or update a person",
                "security": secured,
                "parameters": [code],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(PersonIn)}},
                },
                "responses": {
                    "200": _json(PersonOut, "The person as stored"),
                    **_errors(400, 401, 422),
                },
            }
        },
        "/api/v1/applications": {
            "get": {
                "operationId": "listApplications",
                "summary": "Applications, filtered and paged (oldest change first)",
                "security": secured,
                "parameters": _query_parameters(),
                "responses": {
                    "200": _json(ApplicationPage, "One page of applications"),
                    **_errors(401, 422),
                },
            }
        },
        "/api/v1/applications/{number}": {
            "put": {
                "operationId": "upsertApplication",
                "summary": "Create or update an application (a new one notifies the director)",
                "security": secured,
                "parameters": [number],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(ApplicationIn)}},
                },
                "responses": {
                    "200": _json(ApplicationSaved, "The application as stored"),
                    **_errors(400, 401, 409, 422),
                },
            },
            "get": {
                "operationId": "getApplication",
                "summary": "One application with its comments and history",
                "security": secured,
                "parameters": [number],
                "responses": {
                    "200": _json(ApplicationDetail, "The application"),
                    **_errors(401, 404, 422),
                },
            },
        },
        "/api/v1/applications/{number}/status": {
            "post": {
                "operationId": "changeStatus",
                "summary": "A staff-side status transition",
                "security": secured,
                "parameters": [number],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(StatusIn)}},
                },
                "responses": {
                    "200": _json(ApplicationDetail, "The application after the change"),
                    **_errors(400, 401, 404, 409, 422),
                },
            }
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Liveness and database reachability (no token)",
                "security": [],
                "responses": {
                    "200": _json(Health, "Serving, database reachable"),
                    "503": _json(Health, "Database unreachable"),
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "dpo-bot API",
            "version": API_VERSION,
            "description": "Teachers' applications for professional development (§7.4).",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "webhooks": {
            "statusChanged": {
                "post": {
                    "summary": "Sent to WEBHOOK_OUT_URL, signed X-DPO-Signature: sha256=<hex>",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(StatusEvent)}},
                    },
                    "responses": {"200": {"description": "Any 2xx acknowledges the event"}},
                }
            }
        },
    }
