"""The authorization matrix: every action × who asks — by role, own or another school, and a
deputy before, during and after their period or revoked — on SQLite and PostgreSQL.

One world per action (an application of a school, everyone around it), committed; each actor
then tries the action in a transaction of its own that is rolled back. Whoever has no standing
on the application (another school's director or deputy, a colleague, a deputy outside their
period or revoked) is refused before anything of the application is compared: the refusal
names no status. The status-transition table of every capacity is `tests/test_workflow.py`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Application, Channel, Deputy, Group, HistoryEntry, Role, Status
from services import workflow
from services.workflow import Actor, NotAllowed, WorkflowError
from tests import factories as f

TODAY = date(2025, 3, 5)
NOW = datetime(2025, 3, 5, 6, 0, tzinfo=UTC)

ACTORS = (
    "applicant",
    "director",
    "deputy",
    "deputy_before",
    "deputy_after",
    "deputy_revoked",
    "other_deputy",
    "staff",
    "other_director",
    "colleague",
)
# No capacity at all on the application.
NO_STANDING = frozenset(
    {
        "deputy_before",
        "deputy_after",
        "deputy_revoked",
        "other_deputy",
        "other_director",
        "colleague",
    }
)


@dataclass(frozen=True)
class Action:
    status: Status  # the application's status when it is tried
    allowed: frozenset[str]


ACTIONS = {
    "approve": Action(Status.NEW, frozenset({"director", "deputy"})),
    "cancel new": Action(Status.NEW, frozenset({"applicant", "director", "deputy", "staff"})),
    "include": Action(Status.APPROVED, frozenset({"staff"})),
    "cancel approved": Action(
        Status.APPROVED, frozenset({"applicant", "director", "deputy", "staff"})
    ),
    "cancel included": Action(Status.INCLUDED, frozenset({"applicant", "staff"})),
    "change group, new": Action(Status.NEW, frozenset({"director", "deputy", "staff"})),
    "change group, approved": Action(Status.APPROVED, frozenset({"staff"})),
    "comment": Action(Status.NEW, frozenset({"applicant", "director", "deputy", "staff"})),
}


@dataclass
class World:
    number: int
    group_id: int  # another group of the application's program
    actors: dict[str, Actor]


async def build_world(session: AsyncSession, status: Status) -> World:
    school, other = await f.organization(session), await f.organization(session)
    applicant = await f.person(session, school, Role.TEACHER)
    director = await f.person(session, school, Role.DIRECTOR)
    other_director = await f.person(session, other, Role.DIRECTOR)
    people = {
        "applicant": applicant,
        "director": director,
        "staff": await f.person(session, None, Role.STAFF),
        "other_director": other_director,
        "colleague": await f.person(session, school, Role.TEACHER),
    }
    periods = {
        "deputy": (school, director, date(2025, 3, 1), date(2025, 3, 10), None),
        "deputy_before": (school, director, date(2025, 3, 6), date(2025, 3, 20), None),
        "deputy_after": (school, director, date(2025, 2, 20), date(2025, 3, 4), None),
        "deputy_revoked": (school, director, date(2025, 3, 1), date(2025, 3, 10), NOW),
        "other_deputy": (other, other_director, date(2025, 3, 1), date(2025, 3, 10), None),
    }
    for name, (org, boss, starts, ends, revoked) in periods.items():
        deputy = await f.person(session, org, Role.TEACHER)
        session.add(
            Deputy(
                organization_id=org.id,
                director_id=boss.id,
                deputy_id=deputy.id,
                starts_on=starts,
                ends_on=ends,
                revoked_at=revoked,
            )
        )
        people[name] = deputy
    app = await f.application(session, applicant, status=status)
    group = Group(program_id=app.group.program_id, name="Другая группа")
    session.add(group)
    await session.flush()
    actors = {name: Actor(person.id, Channel.BOT) for name, person in people.items()}
    return World(app.number, group.id, actors)


def attempt(action: str, world: World, who: str) -> Callable[[AsyncSession], Awaitable[object]]:
    actor, number, status = world.actors[who], world.number, ACTIONS[action].status

    async def do(session: AsyncSession) -> object:
        if action.startswith("change group"):
            return await workflow.change_group(session, number, world.group_id, actor, now=NOW)
        if action == "comment":
            return await workflow.add_comment(session, number, actor, "Вопрос", now=NOW)
        target = {"approve": Status.APPROVED, "include": Status.INCLUDED}.get(
            action, Status.CANCELLED
        )
        return await workflow.change_status(
            session, number, target, actor, seen=status, comment="Причина", now=NOW
        )

    return do


@pytest.mark.parametrize("action", list(ACTIONS))
async def test_every_action_by_everyone(
    sessionmaker: async_sessionmaker[AsyncSession], action: str
) -> None:
    async with sessionmaker.begin() as session:
        world = await build_world(session, ACTIONS[action].status)
    outcome: dict[str, str] = {}
    for who in ACTORS:
        async with sessionmaker() as session:
            try:
                await attempt(action, world, who)(session)
            except NotAllowed as refused:
                outcome[who] = "refused, status named" if refused.current else "refused"
            except WorkflowError as refused:
                outcome[who] = f"refused: {type(refused).__name__}"
            else:
                changed = await session.scalar(select(func.count()).select_from(HistoryEntry))
                outcome[who] = "done" if changed == 1 else f"done, {changed} history entries"
            finally:
                await session.rollback()
    expected_done = {who: "done" for who in ACTIONS[action].allowed}
    assert {who: o for who, o in outcome.items() if o.startswith("done")} == expected_done
    # No standing: refused before the status is compared, and the refusal names nothing.
    assert {who: outcome[who] for who in NO_STANDING} == {who: "refused" for who in NO_STANDING}
    async with sessionmaker() as session:
        stored = await session.scalar(select(Application).where(Application.number == world.number))
        assert stored is not None and stored.status is ACTIONS[action].status
        assert await session.scalar(select(func.count()).select_from(HistoryEntry)) == 0
