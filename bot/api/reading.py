"""What the HTTP API reads (PRODUCT.md §7.4): an application, its comments and history, a page.

The caller owns the session."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.inputs import ListQuery
from bot.api.outputs import (
    ApplicationDetail,
    ApplicationOut,
    ApplicationPage,
    CommentOut,
    HistoryOut,
)
from models import (
    Application,
    Comment,
    HistoryEntry,
    Organization,
)
from services.workflow import get_application

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
