"""Bulk transitions: the director's «Одобрить все» (PRODUCT.md §4.2) and the staff's «Включить
всех» (§4.4).

Both are one loop: each application goes through the workflow on its own, with a savepoint each,
so one refusal (a course without the assessment, an application withdrawn meanwhile) leaves the
others to be changed. What differs is only the transition, named once below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Channel, Status
from services import workflow
from services.region import DEFAULT_TZ
from services.workflow import Actor, WorkflowError


@dataclass(frozen=True)
class Transition:
    """The status every application was seen in, and the one it is moved to."""

    seen: Status
    target: Status


APPROVE = Transition(seen=Status.NEW, target=Status.APPROVED)
INCLUDE = Transition(seen=Status.APPROVED, target=Status.INCLUDED)


@dataclass
class BulkReport:
    # Numbers of the applications changed.
    done: list[int] = field(default_factory=list)
    # (number, the refusal) for each application left as it was.
    skipped: list[tuple[int, WorkflowError]] = field(default_factory=list)


async def apply_all(
    session: AsyncSession,
    transition: Transition,
    actor: Actor,
    application_ids: Sequence[int],
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> BulkReport:
    """Move each of the applications the actor saw; refusals are reported, not raised."""
    report = BulkReport()
    for app_id in application_ids:
        application = await session.get(Application, app_id)
        if application is None:
            continue
        try:
            async with session.begin_nested():
                await workflow.change_status(
                    session,
                    application,
                    transition.target,
                    actor,
                    seen=transition.seen,
                    now=now,
                    tz=tz,
                )
        except WorkflowError as refused:
            await session.refresh(application)
            report.skipped.append((application.number, refused))
        else:
            report.done.append(application.number)
    return report


async def approve_all(
    session: AsyncSession,
    person_id: int,
    application_ids: Sequence[int],
    *,
    channel: Channel = Channel.BOT,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> BulkReport:
    """«Одобрить все»: approve each of the applications the director saw as new."""
    actor = Actor(person_id, channel)
    return await apply_all(session, APPROVE, actor, application_ids, now=now, tz=tz)


async def include_all(
    session: AsyncSession,
    person_id: int,
    application_ids: Sequence[int],
    *,
    tz: ZoneInfo = DEFAULT_TZ,
) -> BulkReport:
    """«Включить всех»: include each of the approved applications the staff member saw."""
    actor = Actor(person_id, Channel.BOT)
    return await apply_all(session, INCLUDE, actor, application_ids, tz=tz)
