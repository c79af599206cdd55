"""Response bodies of the HTTP API (PRODUCT.md §7.4), and the status event it POSTs out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import (
    BaseModel,
    Field,
)

from models import Channel, HistoryAction, Kind, Role, Status

# --- responses -----------------------------------------------------------------------------------


class PersonOut(BaseModel):
    code: str
    full_name: str
    organization: str | None
    municipality: str | None
    # The organization's own time zone and region; None: the TIMEZONE setting, the country.
    timezone: str | None = None
    region: str | None = None
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
