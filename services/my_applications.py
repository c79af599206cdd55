"""What a teacher sees of their own applications («Мои заявки», PRODUCT.md §4.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Comment, Group, Kind, Program, Status


@dataclass(frozen=True)
class MyEntry:
    """One line of the list."""

    number: int
    status: Status
    kind: Kind
    program: str
    group: str
    submitted_on: date | None


@dataclass(frozen=True)
class MyPage:
    entries: list[MyEntry]
    total: int
    page: int  # from 0, clamped to the pages there are
    pages: int  # at least 1, even when there is nothing to show


async def my_page(session: AsyncSession, person_id: int, page: int, size: int = 10) -> MyPage:
    """A page of the person's applications as applicant, newest first."""
    total = (
        await session.scalar(
            select(func.count())
            .select_from(Application)
            .where(Application.applicant_id == person_id)
        )
        or 0
    )
    pages = max(1, -(-total // size))
    page = max(0, min(page, pages - 1))
    rows = await session.execute(
        select(
            Application.number,
            Application.status,
            Application.kind,
            Program.title,
            Group.name,
            Application.submitted_on,
        )
        .join(Group, Group.id == Application.group_id)
        .join(Program, Program.id == Group.program_id)
        .where(Application.applicant_id == person_id)
        # Newest first; an application without a date of submission by when it was recorded.
        .order_by(
            Application.submitted_on.desc().nulls_last(),
            Application.created_at.desc(),
            Application.number.desc(),
        )
        .offset(page * size)
        .limit(size)
    )
    entries = [MyEntry(*row) for row in rows.tuples()]
    return MyPage(entries=entries, total=total, page=page, pages=pages)


async def comment_on(session: AsyncSession, comment_id: int, application_id: int) -> Comment | None:
    """The comment, if it is one of this application's (a forged button may name another)."""
    return await session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.application_id == application_id)
    )
