"""The transition table of PRODUCT.md §3.2, for every role, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Application,
    Channel,
    Comment,
    Deputy,
    Group,
    HistoryEntry,
    Kind,
    Person,
    Role,
    Status,
)
from services import workflow
from services.workflow import (
    Actor,
    CommentTooLong,
    CoursePreconditionFailed,
    NotAllowed,
    StaleStatus,
    TransitionNotAllowed,
)
from tests import factories as f

# Who is asking, relative to the application: the applicant, the director of the applicant's
# school, that school's active deputy, staff of the institute, a director of another school,
# a teacher of the same school who is not the applicant, and the operator's import.
ACTORS = (
    "applicant",
    "director",
    "deputy",
    "staff",
    "other_director",
    "colleague",
    "system",
)

# Actors with no capacity at all on the application.
OUTSIDERS = {"other_director", "colleague"}

ALLOWED: dict[tuple[Status, Status], set[str]] = {
    (Status.NEW, Status.APPROVED): {"director", "deputy", "system"},
    (Status.NEW, Status.CANCELLED): {"applicant", "director", "deputy", "staff", "system"},
    (Status.APPROVED, Status.INCLUDED): {"staff", "system"},
    (Status.APPROVED, Status.CANCELLED): {"applicant", "director", "deputy", "staff", "system"},
    (Status.INCLUDED, Status.CANCELLED): {"applicant", "staff", "system"},
}

TODAY = date(2025, 3, 3)
NOW = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)


@dataclass
class World:
    app: Application
    actors: dict[str, Actor]


async def build_world(session: AsyncSession, status: Status, kind: Kind = Kind.ASSESSMENT) -> World:
    school = await f.organization(session)
    other = await f.organization(session)
    applicant = await f.person(session, school, Role.TEACHER)
    director = await f.person(session, school, Role.DIRECTOR, Role.TEACHER)
    deputy = await f.person(session, school, Role.TEACHER)
    staff = await f.person(session, None, Role.STAFF)
    other_director = await f.person(session, other, Role.DIRECTOR)
    colleague = await f.person(session, school, Role.TEACHER)
    session.add(
        Deputy(
            organization_id=school.id,
            director_id=director.id,
            deputy_id=deputy.id,
            starts_on=date(2025, 3, 1),
            ends_on=date(2025, 3, 10),
        )
    )
    app = await f.application(session, applicant, status=status, kind=kind)
    people = {
        "applicant": applicant,
        "director": director,
        "deputy": deputy,
        "staff": staff,
        "other_director": other_director,
        "colleague": colleague,
    }
    actors = {name: Actor(p.id, Channel.BOT) for name, p in people.items()}
    actors["system"] = Actor.system()
    return World(app, actors)


CASES = [
    (current, target, who)
    for current, target in itertools.product(Status, Status)
    if current != target
    for who in ACTORS
]


@pytest.mark.parametrize(("current", "target", "who"), CASES)
async def test_transition_table(
    sessionmaker: async_sessionmaker[AsyncSession], current: Status, target: Status, who: str
) -> None:
    async with sessionmaker.begin() as session:
        world = await build_world(session, current)
        allowed = who in ALLOWED.get((current, target), set())
        if allowed:
            change = await workflow.change_status(
                session, world.app, target, world.actors[who], seen=current, now=NOW
            )
            assert change.old == current and change.new == target
        elif who in OUTSIDERS:
            # No standing on the application: refused before its status is compared or named.
            with pytest.raises(NotAllowed) as refused:
                await workflow.change_status(
                    session, world.app, target, world.actors[who], seen=current, now=NOW
                )
            assert refused.value.current is None
        else:
            expected = TransitionNotAllowed if (current, target) not in ALLOWED else NotAllowed
            with pytest.raises(expected):
                await workflow.change_status(
                    session, world.app, target, world.actors[who], seen=current, now=NOW
                )
        number = world.app.number

    async with sessionmaker() as session:
        stored = await session.scalar(select(Application).where(Application.number == number))
        assert stored is not None
        assert stored.status == (target if allowed else current)
        history = (await session.scalars(select(HistoryEntry))).all()
        if allowed:
            assert len(history) == 1
            entry = history[0]
            assert (entry.from_value, entry.to_value) == (current.value, target.value)
            assert entry.actor_id == world.actors[who].person_id
            if who == "deputy":
                assert entry.on_behalf_of_id == world.actors["director"].person_id
                assert entry.actor_role == "deputy"
        else:
            assert history == []


async def test_deputy_outside_period_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        world = await build_world(session, Status.NEW)
        later = datetime(2025, 3, 11, 6, 0, tzinfo=UTC)
        with pytest.raises(NotAllowed):
            await workflow.change_status(
                session,
                world.app,
                Status.APPROVED,
                world.actors["deputy"],
                seen=Status.NEW,
                now=later,
            )


async def test_course_precondition_counts_sections(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        world = await build_world(session, Status.NEW, kind=Kind.COURSE)
        applicant = await session.get(type(world.app.applicant), world.app.applicant_id)
        assert applicant is not None
        await f.assessment(
            session,
            applicant,
            {"Методическая": True, "Предметная": True, "Психолого-педагогическая": False},
        )
        with pytest.raises(CoursePreconditionFailed) as refused:
            await workflow.change_status(
                session,
                world.app,
                Status.APPROVED,
                world.actors["director"],
                seen=Status.NEW,
                now=NOW,
            )
        assert (refused.value.passed, refused.value.total) == (2, 3)
        # The operator's import reflects the regional system and is not second-guessed.
        await workflow.change_status(
            session, world.app, Status.APPROVED, Actor.system(), seen=Status.NEW, now=NOW
        )


async def test_course_approved_when_every_section_passed(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        world = await build_world(session, Status.NEW, kind=Kind.COURSE)
        applicant = await session.get(type(world.app.applicant), world.app.applicant_id)
        assert applicant is not None
        await f.assessment(session, applicant, {"Методическая": True, "Предметная": True})
        change = await workflow.change_status(
            session,
            world.app,
            Status.APPROVED,
            world.actors["director"],
            seen=Status.NEW,
            now=NOW,
        )
        assert change.new is Status.APPROVED


async def test_stale_status_names_the_current_one(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        world = await build_world(session, Status.APPROVED)
        with pytest.raises(StaleStatus) as stale:
            await workflow.change_status(
                session,
                world.app,
                Status.APPROVED,
                world.actors["director"],
                seen=Status.NEW,
                now=NOW,
            )
        assert stale.value.current is Status.APPROVED


async def test_comment_is_stored_with_the_change_and_length_is_limited(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        world = await build_world(session, Status.NEW)
        with pytest.raises(CommentTooLong):
            await workflow.change_status(
                session,
                world.app,
                Status.CANCELLED,
                world.actors["director"],
                seen=Status.NEW,
                comment="я" * 1001,
                now=NOW,
            )
        change = await workflow.change_status(
            session,
            world.app,
            Status.CANCELLED,
            world.actors["director"],
            seen=Status.NEW,
            comment="  Не та группа  ",
            now=NOW,
        )
        assert change.comment is not None and change.comment.text == "Не та группа"
        comments = (await session.scalars(select(Comment))).all()
        assert [c.text for c in comments] == ["Не та группа"]
        assert change.history.comment == "Не та группа"


async def test_concurrent_decisions_record_exactly_one_change(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The director approves while the teacher withdraws: one wins, the other sees it."""
    async with sessionmaker.begin() as session:
        world = await build_world(session, Status.NEW)
    number = world.app.number

    async def act(who: str, target: Status) -> str:
        async with sessionmaker.begin() as session:
            try:
                await workflow.change_status(
                    session, number, target, world.actors[who], seen=Status.NEW, now=NOW
                )
            except StaleStatus as stale:
                return f"stale:{stale.current}"
            return "ok"

    results = await asyncio.gather(
        *[act("director", Status.APPROVED) for _ in range(5)],
        *[act("applicant", Status.CANCELLED) for _ in range(5)],
    )
    assert results.count("ok") == 1
    async with sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(HistoryEntry))
        assert count == 1


async def test_group_change_rules(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker.begin() as session:
        world = await build_world(session, Status.NEW)
        same_program = Group(program_id=world.app.group.program_id, name="59/23-ГЗ")
        session.add(same_program)
        foreign = await f.group(session)
        await session.flush()
        with pytest.raises(workflow.GroupNotAllowed):
            await workflow.change_group(
                session, world.app, foreign.id, world.actors["director"], now=NOW
            )
        with pytest.raises(NotAllowed):
            await workflow.change_group(
                session, world.app, same_program.id, world.actors["applicant"], now=NOW
            )
        change = await workflow.change_group(
            session, world.app, same_program.id, world.actors["director"], now=NOW
        )
        assert change.history.to_value == "59/23-ГЗ"
        await workflow.change_status(
            session, world.app, Status.APPROVED, world.actors["director"], seen=Status.NEW, now=NOW
        )
        # Directors only while new; staff until included.
        with pytest.raises(workflow.GroupNotAllowed):
            await workflow.change_group(
                session, world.app, change.old_group.id, world.actors["director"], now=NOW
            )
        await workflow.change_group(
            session, world.app, change.old_group.id, world.actors["staff"], now=NOW
        )


async def test_a_refusal_names_the_application_whether_given_by_number_or_as_a_row(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        world = await build_world(session, Status.APPROVED)
        for application in (world.app, world.app.number):
            with pytest.raises(StaleStatus) as stale:
                await workflow.change_status(
                    session,
                    application,
                    Status.CANCELLED,
                    world.actors["director"],
                    seen=Status.NEW,
                    now=NOW,
                )
            assert stale.value.number == world.app.number
        with pytest.raises(NotAllowed) as refused:
            await workflow.check_status_change(
                session,
                world.app.number,
                Status.CANCELLED,
                world.actors["other_director"],
                seen=Status.APPROVED,
                now=NOW,
            )
        assert refused.value.number == world.app.number


async def test_a_deputy_never_decides_their_own_application(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        world = await build_world(session, Status.NEW)
        deputy = world.actors["deputy"]
        assert deputy.person_id is not None
        deputy_person = await session.get_one(Person, deputy.person_id)
        own = await f.application(session, deputy_person, status=Status.NEW)
        with pytest.raises(workflow.OwnApplication):
            await workflow.change_status(
                session, own, Status.APPROVED, deputy, seen=Status.NEW, now=NOW
            )
        # Withdrawing it stays the applicant's right; approving it, the director's.
        withdrawn = await f.application(session, deputy_person, status=Status.NEW)
        change = await workflow.change_status(
            session, withdrawn, Status.CANCELLED, deputy, seen=Status.NEW, now=NOW
        )
        assert change.capacity is workflow.Capacity.APPLICANT
        approved = await workflow.change_status(
            session, own, Status.APPROVED, world.actors["director"], seen=Status.NEW, now=NOW
        )
        assert approved.capacity is workflow.Capacity.DIRECTOR
        # The deputy still decides the others of the school.
        theirs = await workflow.change_status(
            session, world.app, Status.APPROVED, deputy, seen=Status.NEW, now=NOW
        )
        assert theirs.capacity is workflow.Capacity.DEPUTY


def test_the_refusal_says_why() -> None:
    from handlers.errors import refusal

    error = workflow.OwnApplication()
    error.about(43113)
    assert refusal(error) == (
        "Заявка №43113 — ваша собственная: заместитель её не решает, она ждёт решения"
        " руководителя ОО."
    )
