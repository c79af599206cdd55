"""Status changes: the check a button press asks for, and the compare-and-set that applies it.

The applicant's notification, the refresh of every card shown and the status webhook are queued
in the outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from models import Application, Comment, HistoryAction, HistoryEntry, Kind, Status, utcnow
from services import notifications
from services.locality import school_today
from services.region import DEFAULT_TZ
from services.workflow.authority import (
    assessment_progress,
    get_application,
    standing_of,
)
from services.workflow.comments import check_comment
from services.workflow.errors import (
    CoursePreconditionFailed,
    NotAllowed,
    OwnApplication,
    ReasonRequired,
    StaleStatus,
    TransitionNotAllowed,
    names_the_application,
)
from services.workflow.recording import record_change
from services.workflow.rules import TRANSITIONS, Actor, Authority, Capacity, pick_capacity


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


@names_the_application
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
    # Authority first: an outsider learns nothing of the application, not even its status.
    authority = await standing_of(session, actor, application, school_today(application, now, tz))
    if application.status != seen:
        raise StaleStatus(seen, application.status)
    allowed = TRANSITIONS.get((seen, target))
    if allowed is None:
        raise TransitionNotAllowed(seen, target)
    capacities = authority.capacities
    if Capacity.APPLICANT in capacities and Capacity.DEPUTY in capacities:
        # Conflict of interest: a deputy never decides their own application (withdrawing it
        # as its applicant stays theirs). A director deciding their own is allowed, as in the
        # regional system, and the history names the director as both.
        capacities = capacities - {Capacity.DEPUTY}
        if not capacities & allowed:
            raise OwnApplication
    capacity = pick_capacity(capacities, allowed | {Capacity.SYSTEM}, actor.acting_as)
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


@names_the_application
async def change_status(
    session: AsyncSession,
    application: Application | int,
    target: Status,
    actor: Actor,
    *,
    seen: Status,
    comment: str | None = None,
    reason_required: bool = False,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> StatusChange:
    """Move an application from `seen` to `target`, or raise a `WorkflowError` saying why not.

    `reason_required`: a cancellation without a comment is refused (`ReasonRequired`). The
    channels pass REQUIRE_CANCEL_REASON, one rule for whoever cancels: a director or deputy, an
    applicant withdrawing, the HTTP API's status transition (staff always give a reason). Import
    files and the API's copy of a whole application record what the regional module already
    decided, and do not ask.

    The applicant's notification and the refresh of every card shown are queued in the outbox in
    the same transaction. The caller owns the transaction; this only flushes.
    """
    now = now or utcnow()
    comment = check_comment(comment)
    application, capacity, authority = await check_status_change(
        session, application, target, actor, seen=seen, now=now, tz=tz
    )
    if target is Status.CANCELLED and reason_required and comment is None:
        raise ReasonRequired

    return await apply_status_change(
        session,
        application,
        actor,
        capacity,
        authority,
        seen=seen,
        target=target,
        comment=comment,
        now=now,
        tz=tz,
    )


async def apply_status_change(
    session: AsyncSession,
    application: Application,
    actor: Actor,
    capacity: Capacity,
    authority: Authority,
    *,
    seen: Status,
    target: Status,
    comment: str | None,
    now: datetime,
    tz: ZoneInfo,
) -> StatusChange:
    """A change already checked, written: compare-and-set on `seen` (`StaleStatus` if someone
    changed the row since), the history entry, the applicant's news, the cards' refresh and the
    webhook. Shared by `change_status` and «Вернуть» (`services.workflow.undo`)."""
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

    recorded = await record_change(
        session,
        application,
        actor,
        capacity,
        authority,
        HistoryAction.STATUS,
        now=now,
        from_value=seen.value,
        to_value=target.value,
        comment=comment,
    )
    entry = recorded.history
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
        comment=recorded.comment,
        on_behalf_of_id=entry.on_behalf_of_id,
    )
