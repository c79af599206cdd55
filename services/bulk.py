"""«Одобрить все»: each application goes through the workflow on its own (PRODUCT.md §4.2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Channel, Status
from services import workflow
from services.workflow import DEFAULT_TZ, Actor, WorkflowError


@dataclass
class BulkReport:
    approved: list[int] = field(default_factory=list)
    # (number, the refusal) for each application left as it was.
    skipped: list[tuple[int, WorkflowError]] = field(default_factory=list)


async def approve_all(
    session: AsyncSession,
    person_id: int,
    application_ids: Sequence[int],
    *,
    channel: Channel = Channel.BOT,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> BulkReport:
    """Approve each of the applications the director saw as new; refusals are reported.

    A savepoint per application: one refusal (a course without the assessment, an application
    withdrawn meanwhile) leaves the others to be approved.
    """
    report = BulkReport()
    actor = Actor(person_id, channel)
    for app_id in application_ids:
        application = await session.get(Application, app_id)
        if application is None:
            continue
        try:
            async with session.begin_nested():
                await workflow.change_status(
                    session, application, Status.APPROVED, actor, seen=Status.NEW, now=now, tz=tz
                )
        except WorkflowError as refused:
            await session.refresh(application)
            report.skipped.append((application.number, refused))
        else:
            report.approved.append(application.number)
    return report
