"""The application workflow (PRODUCT.md §3.2): every path that changes an application comes here.

Rules live in one table. A change is applied with compare-and-set on the status the actor saw, so
two presses, two devices, or a teacher withdrawing while the director approves end in exactly one
recorded change; the loser gets `StaleStatus` naming the current status. Authority is read from the
database at the moment of action (roles, school, active deputy), never from what a client sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from models import (
    Application,
    AssessmentResult,
    AssessmentSection,
    Channel,
    Comment,
    Deputy,
    Group,
    HistoryAction,
    HistoryEntry,
    Kind,
    Person,
    Role,
    Status,
    utcnow,
)
from services import notifications

COMMENT_MAX_LENGTH = 1000
DEFAULT_TZ = ZoneInfo("Asia/Yekaterinburg")


class Capacity(StrEnum):
    """In what capacity a person acts on an application."""

    APPLICANT = "teacher"
    DIRECTOR = "director"
    DEPUTY = "deputy"
    STAFF = "staff"
    SYSTEM = "system"  # the operator's import, trusted like the regional system itself


_DIRECTORS = frozenset({Capacity.DIRECTOR, Capacity.DEPUTY})

TRANSITIONS: dict[tuple[Status, Status], frozenset[Capacity]] = {
    (Status.NEW, Status.APPROVED): _DIRECTORS,
    (Status.NEW, Status.CANCELLED): _DIRECTORS | {Capacity.APPLICANT, Capacity.STAFF},
    (Status.APPROVED, Status.INCLUDED): frozenset({Capacity.STAFF}),
    (Status.APPROVED, Status.CANCELLED): _DIRECTORS | {Capacity.APPLICANT, Capacity.STAFF},
    (Status.INCLUDED, Status.CANCELLED): frozenset({Capacity.APPLICANT, Capacity.STAFF}),
}

# Who may move an application to another group, and while in which statuses.
GROUP_CHANGE: dict[Capacity, frozenset[Status]] = {
    Capacity.DIRECTOR: frozenset({Status.NEW}),
    Capacity.DEPUTY: frozenset({Status.NEW}),
    Capacity.STAFF: frozenset({Status.NEW, Status.APPROVED}),
    Capacity.SYSTEM: frozenset(Status),
}

# When a person holds several capacities, the one recorded is the first that may act.
_PREFERENCE = (
    Capacity.SYSTEM,
    Capacity.DIRECTOR,
    Capacity.DEPUTY,
    Capacity.STAFF,
    Capacity.APPLICANT,
)


class WorkflowError(Exception):
    """A refused change; handlers and the API turn it into the user's words."""


class ApplicationNotFound(WorkflowError):
    def __init__(self, number: int) -> None:
        super().__init__(f"application {number} not found")
        self.number = number


class TransitionNotAllowed(WorkflowError):
    def __init__(self, current: Status, target: Status) -> None:
        super().__init__(f"transition {current} -> {target} is not allowed")
        self.current = current
        self.target = target


class NotAllowed(WorkflowError):
    """The actor may not do this to this application (another school, wrong role...)."""

    def __init__(self, current: Status) -> None:
        super().__init__("not allowed")
        self.current = current


class StaleStatus(WorkflowError):
    """The application is no longer in the status the actor saw."""

    def __init__(self, seen: Status, current: Status) -> None:
        super().__init__(f"application changed: {seen} -> {current}")
        self.seen = seen
        self.current = current


class CoursePreconditionFailed(WorkflowError):
    """A course needs every assessment section passed first."""

    def __init__(self, passed: int, total: int) -> None:
        super().__init__(f"assessment passed {passed} of {total}")
        self.passed = passed
        self.total = total


class CommentTooLong(WorkflowError):
    def __init__(self, length: int) -> None:
        super().__init__(f"comment of {length} characters, at most {COMMENT_MAX_LENGTH}")
        self.length = length


class EmptyComment(WorkflowError):
    def __init__(self) -> None:
        super().__init__("empty comment")


class GroupNotAllowed(WorkflowError):
    """The target group belongs to another program, or the status no longer allows a change."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a person (by id) through a channel, or the system (operator's import)."""

    person_id: int | None
    channel: Channel
    # The capacity the person means to act in (the applicant on their own «Мои заявки»), when
    # they hold several; otherwise the first of `_PREFERENCE` that may act.
    acting_as: Capacity | None = None

    @classmethod
    def system(cls, channel: Channel = Channel.IMPORT) -> Actor:
        return cls(person_id=None, channel=channel)


@dataclass(frozen=True)
class Authority:
    capacities: frozenset[Capacity]
    # The director a deputy acts for (recorded in history).
    on_behalf_of_id: int | None = None


@dataclass
class StatusChange:
    application: Application
    old: Status
    new: Status
    capacity: Capacity
    history: HistoryEntry
    comment: Comment | None = None
    on_behalf_of_id: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class GroupChange:
    application: Application
    old_group: Group
    new_group: Group
    capacity: Capacity
    history: HistoryEntry


def local_today(now: datetime, tz: ZoneInfo = DEFAULT_TZ) -> date:
    return now.astimezone(tz).date()


async def authority_of(
    session: AsyncSession, actor: Actor, application: Application, today: date
) -> Authority:
    """Every capacity in which `actor` may act on `application`, read from the database now."""
    if actor.person_id is None:
        return Authority(frozenset({Capacity.SYSTEM}))
    person = await session.get(Person, actor.person_id)
    if person is None:
        return Authority(frozenset())
    capacities: set[Capacity] = set()
    roles = person.roles
    if application.applicant_id == person.id:
        capacities.add(Capacity.APPLICANT)
    if Role.STAFF in roles:
        capacities.add(Capacity.STAFF)
    if Role.DIRECTOR in roles and person.organization_id == application.organization_id:
        capacities.add(Capacity.DIRECTOR)
    on_behalf_of_id = None
    # The school's own director is nobody's deputy there: no need to ask (one statement fewer
    # on every press of a director, the hot path).
    if Capacity.DIRECTOR not in capacities:
        deputy_of = await active_deputyship(session, person.id, application.organization_id, today)
        if deputy_of is not None:
            capacities.add(Capacity.DEPUTY)
            on_behalf_of_id = deputy_of.director_id
    return Authority(frozenset(capacities), on_behalf_of_id)


# Asked on every press (built once: its cache key is computed once).
_ACTIVE_DEPUTYSHIP = (
    select(Deputy)
    .where(
        Deputy.deputy_id == bindparam("person_id"),
        Deputy.organization_id == bindparam("organization_id"),
        Deputy.starts_on <= bindparam("today"),
        Deputy.ends_on >= bindparam("today"),
        Deputy.revoked_at.is_(None),
    )
    .limit(1)
)


async def active_deputyship(
    session: AsyncSession, person_id: int, organization_id: int, today: date
) -> Deputy | None:
    found = await session.scalars(
        _ACTIVE_DEPUTYSHIP,
        {"person_id": person_id, "organization_id": organization_id, "today": today},
    )
    return found.first()


async def assessment_progress(session: AsyncSession, person_id: int) -> tuple[int, int]:
    """(sections passed by the person, sections in all)."""
    total = await session.scalar(select(func.count()).select_from(AssessmentSection)) or 0
    passed = (
        await session.scalar(
            select(func.count())
            .select_from(AssessmentResult)
            .where(AssessmentResult.person_id == person_id, AssessmentResult.passed.is_(True))
        )
        or 0
    )
    return passed, total


# Read on every press: built once, so SQLAlchemy computes its cache key once.
_BY_NUMBER = select(Application).where(Application.number == bindparam("number"))


async def get_application(session: AsyncSession, number: int) -> Application:
    application = await session.scalar(_BY_NUMBER, {"number": number})
    if application is None:
        raise ApplicationNotFound(number)
    return application


def _check_comment(comment: str | None) -> str | None:
    if comment is None:
        return None
    comment = comment.strip()
    if not comment:
        return None
    if len(comment) > COMMENT_MAX_LENGTH:
        raise CommentTooLong(len(comment))
    return comment


async def check_status_change(
    session: AsyncSession,
    application: Application | int,
    target: Status,
    actor: Actor,
    *,
    seen: Status,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> tuple[Application, Capacity, Authority]:
    """Everything `change_status` checks, without changing anything.

    The bot asks this when a button is pressed, so that a refusal comes at once rather than
    after the director has typed a comment; `change_status` checks it all again when applying.
    """
    now = now or utcnow()
    if isinstance(application, int):
        application = await get_application(session, application)
    if application.status != seen:
        raise StaleStatus(seen, application.status)
    allowed = TRANSITIONS.get((seen, target))
    if allowed is None:
        raise TransitionNotAllowed(seen, target)
    authority = await authority_of(session, actor, application, local_today(now, tz))
    capacity = _pick(authority.capacities, allowed | {Capacity.SYSTEM}, actor.acting_as)
    if capacity is None:
        raise NotAllowed(application.status)
    if (
        target is Status.APPROVED
        and application.kind is Kind.COURSE
        and capacity is not Capacity.SYSTEM
    ):
        passed, total = await assessment_progress(session, application.applicant_id)
        if total == 0 or passed < total:
            raise CoursePreconditionFailed(passed, total)
    return application, capacity, authority


async def change_status(
    session: AsyncSession,
    application: Application | int,
    target: Status,
    actor: Actor,
    *,
    seen: Status,
    comment: str | None = None,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> StatusChange:
    """Move an application from `seen` to `target`, or raise a `WorkflowError` saying why not.

    The applicant's notification and the refresh of every card shown are queued in the outbox in
    the same transaction. The caller owns the transaction; this only flushes.
    """
    now = now or utcnow()
    comment = _check_comment(comment)
    application, capacity, authority = await check_status_change(
        session, application, target, actor, seen=seen, now=now, tz=tz
    )

    # Compare-and-set: the row changes only if nobody changed it since the actor looked.
    result = await session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == seen)
        .values(status=target, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = await session.scalar(
            select(Application.status).where(Application.id == application.id)
        )
        raise StaleStatus(seen, current or seen)
    set_committed_value(application, "status", target)
    set_committed_value(application, "updated_at", now)

    on_behalf_of = authority.on_behalf_of_id if capacity is Capacity.DEPUTY else None
    saved_comment = None
    if comment is not None:
        saved_comment = Comment(
            application_id=application.id,
            author_id=actor.person_id,
            text=comment,
            created_at=now,
        )
        session.add(saved_comment)
    entry = HistoryEntry(
        application_id=application.id,
        created_at=now,
        actor_id=actor.person_id,
        on_behalf_of_id=on_behalf_of,
        actor_role=capacity.value,
        channel=actor.channel,
        action=HistoryAction.STATUS,
        from_value=seen.value,
        to_value=target.value,
        comment=comment,
    )
    session.add(entry)
    await session.flush()
    await notifications.status_changed(
        session,
        application,
        entry.id,
        by_applicant=capacity is Capacity.APPLICANT,
        actor_id=actor.person_id,
        now=now,
        tz=tz,
    )
    await notifications.status_webhook(session, application, entry.id, now=now)
    return StatusChange(
        application=application,
        old=seen,
        new=target,
        capacity=capacity,
        history=entry,
        comment=saved_comment,
        on_behalf_of_id=on_behalf_of,
    )


async def change_group(
    session: AsyncSession,
    application: Application | int,
    group_id: int,
    actor: Actor,
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> GroupChange:
    """Move an application to another group of the same program («Смена группы»)."""
    now = now or utcnow()
    if isinstance(application, int):
        application = await get_application(session, application)
    new_group = await session.get(Group, group_id)
    old_group = application.group
    if new_group is None or (
        new_group.program_id != old_group.program_id and actor.person_id is not None
    ):
        raise GroupNotAllowed("the group is not one of this program's")
    authority = await authority_of(session, actor, application, local_today(now, tz))
    capacity = _pick(
        authority.capacities,
        frozenset(c for c, statuses in GROUP_CHANGE.items() if application.status in statuses),
    )
    if capacity is None:
        if authority.capacities & GROUP_CHANGE.keys():
            raise GroupNotAllowed("the status no longer allows a group change")
        raise NotAllowed(application.status)
    if new_group.id == old_group.id:
        raise GroupNotAllowed("the application is already in this group")

    entry = HistoryEntry(
        application_id=application.id,
        created_at=now,
        actor_id=actor.person_id,
        on_behalf_of_id=authority.on_behalf_of_id if capacity is Capacity.DEPUTY else None,
        actor_role=capacity.value,
        channel=actor.channel,
        action=HistoryAction.GROUP,
        from_value=old_group.name,
        to_value=new_group.name,
    )
    application.group_id = new_group.id
    application.group = new_group
    application.updated_at = now
    session.add(entry)
    await session.flush()
    if capacity is not Capacity.SYSTEM:
        # The import reflects the regional system, which told the applicant itself.
        await notifications.group_changed(session, application, entry.id, now=now)
    return GroupChange(application, old_group, new_group, capacity, entry)


async def add_comment(
    session: AsyncSession,
    application: Application | int,
    actor: Actor,
    text: str,
    *,
    reply_to_id: int | None = None,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> Comment:
    """A comment by the applicant, the school's director or deputy, or staff."""
    now = now or utcnow()
    if isinstance(application, int):
        application = await get_application(session, application)
    checked = _check_comment(text)
    if checked is None:
        raise EmptyComment
    authority = await authority_of(session, actor, application, local_today(now, tz))
    capacity = _pick(authority.capacities, frozenset(Capacity), actor.acting_as)
    if capacity is None:
        raise NotAllowed(application.status)
    comment = Comment(
        application_id=application.id,
        author_id=actor.person_id,
        text=checked,
        reply_to_id=reply_to_id,
        created_at=now,
    )
    session.add(comment)
    entry = HistoryEntry(
        application_id=application.id,
        created_at=now,
        actor_id=actor.person_id,
        on_behalf_of_id=authority.on_behalf_of_id if capacity is Capacity.DEPUTY else None,
        actor_role=capacity.value,
        channel=actor.channel,
        action=HistoryAction.COMMENT,
        comment=checked,
    )
    session.add(entry)
    await session.flush()
    await notifications.comment_added(
        session,
        application,
        entry.id,
        by_applicant=capacity is Capacity.APPLICANT,
        now=now,
        tz=tz,
    )
    return comment


def _pick(
    have: frozenset[Capacity], allowed: frozenset[Capacity], prefer: Capacity | None = None
) -> Capacity | None:
    if prefer is not None and prefer in have and prefer in allowed:
        return prefer
    for capacity in _PREFERENCE:
        if capacity in have and capacity in allowed:
            return capacity
    return None
