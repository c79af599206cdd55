"""What the workflow reads before a change: the application, the actor's authority on it (roles,
school, an active deputyship, read from the database now), the assessment progress and today's
date in the region.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defaultload

from models import (
    Application,
    AssessmentResult,
    AssessmentSection,
    Deputy,
    Person,
    PersonRole,
    Role,
)
from services.region import DEFAULT_TZ
from services.workflow.errors import ApplicationNotFound, NotAllowed
from services.workflow.rules import Actor, Authority, Capacity


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
    if "role_rows" in inspect(person).unloaded:
        # The actor is this application's applicant, met first through `_BY_NUMBER` (which
        # does not load an applicant's roles): read them now.
        roles = set(
            await session.scalars(select(PersonRole.role).where(PersonRole.person_id == person.id))
        )
    else:
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


async def standing_of(
    session: AsyncSession, actor: Actor, application: Application, today: date
) -> Authority:
    """`authority_of`, checked first on every path: an actor with no capacity at all on the
    application is refused before anything about it (its status, its group) is compared, so the
    refusal tells an outsider nothing of it."""
    authority = await authority_of(session, actor, application, today)
    if not authority.capacities:
        raise NotAllowed(None)
    return authority


# Read on every press: built once, so SQLAlchemy computes its cache key once. The applicant's
# roles are not read on this path (authority is the actor's): not loading them saves a second
# query and SQLAlchemy's select-in machinery on every press; touching them raises, so a new use
# shows up in the tests rather than as a silent lazy load.
_BY_NUMBER = (
    select(Application)
    .where(Application.number == bindparam("number"))
    .options(defaultload(Application.applicant).raiseload(Person.role_rows))
)


async def get_application(session: AsyncSession, number: int) -> Application:
    application = await session.scalar(_BY_NUMBER, {"number": number})
    if application is None:
        raise ApplicationNotFound(number)
    return application
