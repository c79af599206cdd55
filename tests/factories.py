"""Small builders of domain rows for tests (no copied fixtures)."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Application,
    AssessmentResult,
    AssessmentSection,
    Group,
    Kind,
    Organization,
    Person,
    PersonRole,
    Program,
    Role,
    Status,
)
from services.labels import fold

_seq = itertools.count(1)


async def organization(session: AsyncSession, name: str | None = None) -> Organization:
    org = Organization(name=name or f"МОУ «СОШ № {next(_seq)}»", municipality="Еткульский район")
    session.add(org)
    await session.flush()
    return org


async def person(
    session: AsyncSession,
    org: Organization | None,
    *roles: Role,
    name: str | None = None,
    telegram_id: int | None = None,
    phone: str | None = None,
) -> Person:
    n = next(_seq)
    full_name = name or f"Иванова{n} Мария Сергеевна"
    p = Person(
        code=f"P-{n}",
        full_name=full_name,
        name_key=fold(full_name),
        phone=phone,
        organization_id=org.id if org else None,
        telegram_id=telegram_id,
        role_rows=[PersonRole(role=r) for r in (roles or (Role.TEACHER,))],
    )
    session.add(p)
    await session.flush()
    return p


async def group(session: AsyncSession, program_title: str | None = None) -> Group:
    prog = Program(title=program_title or f"Программа {next(_seq)}", hours=72, form="очная")
    session.add(prog)
    await session.flush()
    g = Group(
        program_id=prog.id,
        name=f"Группа {next(_seq)}",
        study_start=date(2025, 2, 3),
        study_end=date(2025, 2, 28),
    )
    session.add(g)
    await session.flush()
    return g


async def application(
    session: AsyncSession,
    applicant: Person,
    *,
    status: Status = Status.NEW,
    kind: Kind = Kind.ASSESSMENT,
    grp: Group | None = None,
    number: int | None = None,
) -> Application:
    assert applicant.organization_id is not None
    grp = grp or await group(session)
    app = Application(
        number=number or 40000 + next(_seq),
        applicant_id=applicant.id,
        organization_id=applicant.organization_id,
        kind=kind,
        group_id=grp.id,
        status=status,
    )
    session.add(app)
    await session.flush()
    await session.refresh(app)
    return app


async def assessment(session: AsyncSession, who: Person, results: dict[str, bool]) -> None:
    for name, passed in results.items():
        section = AssessmentSection(name=name)
        session.add(section)
        await session.flush()
        session.add(AssessmentResult(person_id=who.id, section_id=section.id, passed=passed))
    await session.flush()
