"""The group change («Смена группы», PRODUCT.md §3.2): an application moved to another group of
its program.

The one place the move is written, whoever makes it: a director or deputy from the card, staff
from their queue, the HTTP API, or the operator's import. Who may move it, and in which statuses,
is the `GROUP_CHANGE` table next to the transitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Group, HistoryAction, HistoryEntry, utcnow
from services import notifications
from services.locality import school_today
from services.region import DEFAULT_TZ
from services.workflow.authority import get_application, standing_of
from services.workflow.errors import (
    GroupNotAllowed,
    GroupRefusal,
    NotAllowed,
    names_the_application,
)
from services.workflow.recording import record_change
from services.workflow.rules import GROUP_CHANGE, Actor, Capacity, pick_capacity


@dataclass
class GroupChange:
    application: Application
    old_group: Group
    new_group: Group
    capacity: Capacity
    history: HistoryEntry


@names_the_application
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
    # Authority first: an outsider learns nothing of the application or its groups.
    authority = await standing_of(session, actor, application, school_today(application, now, tz))
    new_group = await session.get(Group, group_id)
    old_group = application.group
    if new_group is None or (
        new_group.program_id != old_group.program_id and actor.person_id is not None
    ):
        raise GroupNotAllowed(GroupRefusal.OTHER_PROGRAM)
    capacity = pick_capacity(
        authority.capacities,
        frozenset(c for c, statuses in GROUP_CHANGE.items() if application.status in statuses),
    )
    if capacity is None:
        if held := authority.capacities & GROUP_CHANGE.keys():
            allowed = frozenset(s for c in held for s in GROUP_CHANGE[c])
            raise GroupNotAllowed(GroupRefusal.STATUS, application.status, allowed)
        raise NotAllowed(application.status)
    if new_group.id == old_group.id:
        raise GroupNotAllowed(GroupRefusal.SAME_GROUP)

    application.group_id = new_group.id
    application.group = new_group
    application.updated_at = now
    recorded = await record_change(
        session,
        application,
        actor,
        capacity,
        authority,
        HistoryAction.GROUP,
        now=now,
        from_value=old_group.name,
        to_value=new_group.name,
    )
    # Whatever the channel (the bot, the import, the API): the applicant is told (§4.3).
    await notifications.group_changed(session, application, recorded.history.id, now=now)
    return GroupChange(application, old_group, new_group, capacity, recorded.history)
