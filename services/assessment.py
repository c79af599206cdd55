"""Assessment results recorded by staff (PRODUCT.md §4.4): sections passed per teacher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AssessmentResult, AssessmentSection, Person, utcnow


class PersonNotFound(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(f"no person with code {code!r}")
        self.code = code


class SectionNotFound(Exception):
    pass


@dataclass(frozen=True)
class SectionResult:
    section_id: int
    name: str
    passed: bool


async def person_by_code(session: AsyncSession, code: str) -> Person:
    person = await session.scalar(select(Person).where(Person.code == code.strip()))
    if person is None:
        raise PersonNotFound(code)
    return person


async def results_of(session: AsyncSession, person_id: int) -> list[SectionResult]:
    """Every section, in name order, with whether the person passed it."""
    passed = {
        section_id: ok
        for section_id, ok in await session.execute(
            select(AssessmentResult.section_id, AssessmentResult.passed).where(
                AssessmentResult.person_id == person_id
            )
        )
    }
    sections = await session.scalars(select(AssessmentSection).order_by(AssessmentSection.name))
    return [SectionResult(s.id, s.name, bool(passed.get(s.id, False))) for s in sections]


async def set_result(
    session: AsyncSession,
    person_id: int,
    section_id: int,
    passed: bool,
    *,
    now: datetime | None = None,
) -> None:
    """Record whether the person passed the section (created or updated)."""
    if await session.get(AssessmentSection, section_id) is None:
        raise SectionNotFound(section_id)
    result = await session.scalar(
        select(AssessmentResult).where(
            AssessmentResult.person_id == person_id, AssessmentResult.section_id == section_id
        )
    )
    if result is None:
        result = AssessmentResult(person_id=person_id, section_id=section_id)
        session.add(result)
    result.passed = passed
    result.updated_at = now or utcnow()
    await session.flush()
