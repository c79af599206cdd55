"""What the HTTP API does (PRODUCT.md §7.4), apart from HTTP: upserts, a transition, reading.

Every status or group change goes through the workflow (`services.workflow`) as the trusted
regional system on the `api` channel, so it gets its history and notifications like any other.
The caller owns the transaction; these functions only flush.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Application,
    Channel,
    Comment,
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
from services.api_models import (
    ApplicationDetail,
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    CommentOut,
    HistoryOut,
    ListQuery,
    PersonIn,
    PersonOut,
)
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


async def _organization(
    session: AsyncSession, name: str, municipality: str | None = None
) -> Organization:
    org = await session.scalar(select(Organization).where(Organization.name == name))
    if org is None:
        org = Organization(name=name, municipality=municipality or "")
        session.add(org)
        await session.flush()
    elif municipality and org.municipality != municipality:
        org.municipality = municipality
    return org


# --- people --------------------------------------------------------------------------------------


async def upsert_person(
    session: AsyncSession, code: str, data: PersonIn, *, now: datetime | None = None
) -> PersonOut:
    """Create or update the person with this external code; roles are replaced by `data.roles`."""
    now = now or utcnow()
    org = None
    if data.organization is not None:
        org = await _organization(session, data.organization, data.municipality)
    person = await session.scalar(select(Person).where(Person.code == code))
    created = person is None
    if person is None:
        person = Person(code=code, created_at=now, role_rows=[])
        session.add(person)
    person.full_name = data.full_name
    person.name_key = fold(data.full_name)
    person.phone = data.phone
    person.organization_id = org.id if org is not None else None
    person.updated_at = now
    wanted = set(data.roles)
    if person.roles != wanted:
        person.role_rows = [PersonRole(role=role) for role in sorted(wanted)]
    await session.flush()
    return PersonOut(
        code=person.code,
        full_name=person.full_name,
        organization=org.name if org is not None else None,
        municipality=org.municipality if org is not None else None,
        phone=person.phone,
        roles=sorted(person.roles),
        linked=person.telegram_id is not None,
        created=created,
    )


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
    org = await _organization(session, data.organization)
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
    now: datetime | None = None,
) -> Application:
    """A staff-side transition by the regional system (history channel `api`).

    Raises the workflow's errors: `ApplicationNotFound`, `TransitionNotAllowed`, `StaleStatus`
    (when `seen` is given and no longer true), `CommentTooLong`.
    """
    application = await get_application(session, number)
    await change_status(
        session,
        application,
        target,
        API_ACTOR,
        seen=seen if seen is not None else application.status,
        comment=comment,
        now=now,
    )
    return application


# --- reading -------------------------------------------------------------------------------------


def application_out(application: Application) -> ApplicationOut:
    group = application.group
    return ApplicationOut(
        number=application.number,
        applicant_code=application.applicant.code,
        applicant_name=application.applicant.full_name,
        organization=application.organization.name,
        municipality=application.organization.municipality,
        kind=application.kind,
        program=group.program.title,
        group=group.name,
        hours=group.program.hours,
        study_start=group.study_start,
        study_end=group.study_end,
        form=group.program.form,
        submitted_on=application.submitted_on,
        status=application.status,
        created_at=application.created_at,
        updated_at=application.updated_at,
    )


async def list_applications(session: AsyncSession, query: ListQuery) -> ApplicationPage:
    """A page of applications matching the filters, oldest change first (a stable order).

    The order is that of an index (`updated_at, number`, or `status, updated_at, number`), so a
    page reads its `limit` rows whatever the table's size; a school's rows are found by the
    school's index and sorted (hundreds, not millions).
    """
    conditions = []
    if query.status is not None:
        conditions.append(Application.status == query.status)
    if query.organization is not None:
        # Names are unique: `=` on one id lets the planner use the school's index.
        org_id = select(Organization.id).where(Organization.name == query.organization)
        conditions.append(Application.organization_id == org_id.scalar_subquery())
    if query.updated_since is not None:
        conditions.append(Application.updated_at >= query.updated_since)
    total = await session.scalar(select(func.count()).select_from(Application).where(*conditions))
    rows: Sequence[Application] = (
        await session.scalars(
            select(Application)
            .where(*conditions)
            .order_by(Application.updated_at, Application.number)
            .limit(query.limit)
            .offset(query.offset)
        )
    ).all()
    return ApplicationPage(
        items=[application_out(a) for a in rows],
        total=total or 0,
        limit=query.limit,
        offset=query.offset,
    )


async def application_detail(session: AsyncSession, number: int) -> ApplicationDetail:
    """One application with its comments and history, oldest first."""
    application = await get_application(session, number)
    comments = (
        await session.scalars(
            select(Comment)
            .where(Comment.application_id == application.id)
            .order_by(Comment.created_at, Comment.id)
        )
    ).all()
    history = (
        await session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.application_id == application.id)
            .order_by(HistoryEntry.id)
        )
    ).all()
    return ApplicationDetail(
        **application_out(application).model_dump(),
        comments=[
            CommentOut(
                author_code=c.author.code if c.author else None,
                author_name=c.author.full_name if c.author else None,
                text=c.text,
                created_at=c.created_at,
            )
            for c in comments
        ],
        history=[
            HistoryOut(
                id=h.id,
                created_at=h.created_at,
                actor_code=h.actor.code if h.actor else None,
                actor_role=h.actor_role,
                channel=h.channel,
                action=h.action,
                from_value=h.from_value,
                to_value=h.to_value,
                comment=h.comment,
            )
            for h in history
        ],
    )
