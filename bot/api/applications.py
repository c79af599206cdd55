"""What the HTTP API does (PRODUCT.md §7.4), apart from HTTP: applications
created or updated, a transition.

Every status or group change goes through the workflow (`services.workflow`) as the trusted
regional system on the `api` channel, so it gets its history and notifications like any other.
The caller owns the transaction; these functions only flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.inputs import ApplicationIn
from bot.api.people import find_organization
from models import (
    Application,
    Channel,
    Group,
    HistoryAction,
    HistoryEntry,
    Organization,
    Person,
    PersonRole,
    Program,
    Role,
    Status,
    utcnow,
)
from services import notifications
from services.labels import fold
from services.workflow import Actor, change_group, change_status, get_application

API_ACTOR = Actor.system(Channel.API)


class InvalidField(Exception):
    """Input that is well-formed but contradicts the database (e.g. another school) or the path."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Saved:
    application: Application
    created: bool


# --- applications --------------------------------------------------------------------------------


async def _group(session: AsyncSession, data: ApplicationIn) -> Group:
    """The program (by title) and its group (by name), created when first seen, as import does."""
    program = await session.scalar(select(Program).where(Program.title == data.program))
    if program is None:
        program = Program(
            title=data.program,
            hours=data.hours,
            form=data.form,
            categories=data.categories,
            competencies=data.competencies,
            provider=data.provider or "",
        )
        session.add(program)
        await session.flush()
    else:
        if data.hours is not None:
            program.hours = data.hours
        for name in ("form", "categories", "competencies"):
            value = getattr(data, name)
            if value:
                setattr(program, name, value)
        if data.provider:
            program.provider = data.provider
    group = await session.scalar(
        select(Group).where(Group.program_id == program.id, Group.name == data.group)
    )
    if group is None:
        group = Group(
            program_id=program.id,
            name=data.group,
            description=data.group_description,
            study_start=data.study_start,
            study_end=data.study_end,
        )
        session.add(group)
        await session.flush()
    else:
        if data.group_description:
            group.description = data.group_description
        if data.study_start is not None and data.study_end is not None:
            group.study_start, group.study_end = data.study_start, data.study_end
    return group


async def _applicant(session: AsyncSession, data: ApplicationIn, org: Organization) -> Person:
    person = await session.scalar(select(Person).where(Person.code == data.applicant_code))
    if person is None:
        if data.applicant_name is None:
            raise InvalidField("applicant_name", "required for an applicant not known yet")
        person = Person(
            code=data.applicant_code,
            full_name=data.applicant_name,
            name_key=fold(data.applicant_name),
            organization_id=org.id,
            role_rows=[PersonRole(role=Role.TEACHER)],
        )
        session.add(person)
        await session.flush()
    elif person.organization_id != org.id:
        raise InvalidField("organization", "the applicant belongs to another organization")
    return person


async def upsert_application(
    session: AsyncSession, number: int, data: ApplicationIn, *, now: datetime | None = None
) -> Saved:
    """Create or update application `number`.

    A new one is recorded in history (channel `api`) and, when `new`, its school's deciders get
    its card. On an existing one a different group or status is applied through the workflow;
    a transition the table refuses raises the workflow's `TransitionNotAllowed`. A `number` in
    the body other than `number` raises `InvalidField` before anything is read or written.
    """
    if data.number is not None and data.number != number:
        raise InvalidField("number", f"the body's number differs from the path's ({number})")
    now = now or utcnow()
    org = await find_organization(session, data.organization)
    applicant = await _applicant(session, data, org)
    group = await _group(session, data)
    application = await session.scalar(select(Application).where(Application.number == number))
    if application is None:
        application = Application(
            number=number,
            applicant_id=applicant.id,
            organization_id=org.id,
            kind=data.kind,
            group_id=group.id,
            status=data.status,
            submitted_on=data.submitted_on,
            created_at=now,
            updated_at=now,
        )
        session.add(application)
        await session.flush()
        session.add(
            HistoryEntry(
                application_id=application.id,
                created_at=now,
                actor_role="system",
                channel=Channel.API,
                action=HistoryAction.CREATED,
                to_value=data.status.value,
            )
        )
        await session.flush()
        if data.status is Status.NEW:
            await notifications.applications_arrived(session, [application.id], now=now)
        await session.refresh(application)
        return Saved(application, created=True)

    if application.applicant_id != applicant.id:
        raise InvalidField("applicant_code", "the application belongs to another applicant")
    if (application.kind, application.organization_id, application.submitted_on) != (
        data.kind,
        org.id,
        data.submitted_on or application.submitted_on,
    ):
        application.kind = data.kind
        application.organization_id = org.id
        application.submitted_on = data.submitted_on or application.submitted_on
        application.updated_at = now
        await session.flush()
    if application.group_id != group.id:
        await change_group(session, application, group.id, API_ACTOR, now=now)
    if application.status != data.status:
        await change_status(
            session, application, data.status, API_ACTOR, seen=application.status, now=now
        )
    await session.refresh(application)
    return Saved(application, created=False)


async def transition(
    session: AsyncSession,
    number: int,
    target: Status,
    *,
    comment: str | None = None,
    seen: Status | None = None,
    reason_required: bool = False,
    now: datetime | None = None,
) -> Application:
    """A staff-side transition by the regional system (history channel `api`).

    Raises the workflow's errors: `ApplicationNotFound`, `TransitionNotAllowed`, `StaleStatus`
    (when `seen` is given and no longer true), `CommentTooLong`, `ReasonRequired` (a
    cancellation without a comment under REQUIRE_CANCEL_REASON).
    """
    application = await get_application(session, number)
    await change_status(
        session,
        application,
        target,
        API_ACTOR,
        seen=seen if seen is not None else application.status,
        comment=comment,
        reason_required=reason_required,
        now=now,
    )
    return application
