"""Reading the applications to export from the database, streamed a batch at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Final

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Group, Organization, Person, Program
from services.importer import format_study_dates
from services.labels import KIND_LABELS, STATUS_LABELS

BATCH: Final = 2000


def _query() -> Select[Any]:
    return (
        select(
            Application.number,
            Person.code,
            Person.full_name,
            Organization.name,
            Application.kind,
            Program.title,
            Group.name,
            Group.description,
            Program.hours,
            Group.study_start,
            Group.study_end,
            Program.form,
            Program.categories,
            Program.competencies,
            Program.provider,
            Application.submitted_on,
            Application.status,
        )
        .join(Person, Person.id == Application.applicant_id)
        .join(Organization, Organization.id == Application.organization_id)
        .join(Group, Group.id == Application.group_id)
        .join(Program, Program.id == Group.program_id)
        .order_by(Application.number)
        .execution_options(yield_per=BATCH)
    )


async def _batches(session: AsyncSession) -> AsyncIterator[list[list[Any]]]:
    """Rows in the order of `APPLICATION_EXPORT_COLUMNS`, with typed values, a batch at a time."""
    result = await session.stream(_query())
    async for partition in result.partitions():
        yield [
            [
                number,
                code,
                full_name,
                organization,
                KIND_LABELS[kind],
                program,
                group,
                description,
                hours,
                format_study_dates(start, end),
                form,
                categories,
                competencies,
                provider,
                submitted_on,
                STATUS_LABELS[status],
            ]
            for (
                number,
                code,
                full_name,
                organization,
                kind,
                program,
                group,
                description,
                hours,
                start,
                end,
                form,
                categories,
                competencies,
                provider,
                submitted_on,
                status,
            ) in partition
        ]
