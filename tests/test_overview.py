"""services.overview and services.assessment on their own."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.render.overview_chart import render_chart
from models import Role, Status
from services import assessment, overview
from services.calendar import WorkCalendar
from tests import factories as f


async def test_counts_and_escalated_schools(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sqlite_sessionmaker.begin() as session:
        north = await f.organization(session, "Север")
        south = await f.organization(session, "Юг")
        south.municipality = "Южный"
        await f.person(session, north, Role.DIRECTOR, name="Линкова", telegram_id=501)
        gone = await f.person(session, north, Role.DIRECTOR, name="Ушедшая", telegram_id=502)
        gone.reachable = False
        await f.person(session, south, Role.DIRECTOR, name="Безбота")
        teacher = await f.person(session, north)
        other = await f.person(session, south)
        old = await f.application(session, teacher)
        old.submitted_on = date(2025, 1, 10)
        fresh = await f.application(session, other)
        fresh.submitted_on = date(2025, 3, 3)
        await f.application(session, teacher, status=Status.APPROVED)
        await f.application(session, other, status=Status.INCLUDED)
        await session.flush()

        data = await overview.load_overview(
            session, today=date(2025, 3, 4), calendar=WorkCalendar(), escalate_after_days=7
        )
    assert data.totals == {
        Status.NEW: 2,
        Status.APPROVED: 1,
        Status.CANCELLED: 0,
        Status.INCLUDED: 1,
    }
    assert [(p.name, p.total) for p in data.municipalities] == [
        ("Еткульский район", 2),
        ("Южный", 2),
    ]
    assert [(p.name, p.counts[Status.NEW]) for p in data.schools] == [("Север", 1), ("Юг", 1)]
    assert len(data.escalated) == 1
    late = data.escalated[0]
    assert late.school == "Север" and late.waiting == 1 and late.oldest_days > 7
    assert [(d.name, d.reachable) for d in late.directors] == [
        ("Линкова", True),
        ("Ушедшая", False),
    ]
    png = render_chart(data.municipalities)
    assert png.startswith(b"\x89PNG") and len(png) > 500


async def test_queue_filters_and_choices(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sqlite_sessionmaker.begin() as session:
        north = await f.organization(session)
        south = await f.organization(session)
        south.municipality = "Южный"
        grp = await f.group(session)
        for org in (north, north, south):
            who = await f.person(session, org)
            await f.application(session, who, status=Status.APPROVED, grp=grp)
        await f.application(session, await f.person(session, south))  # new: not queued
        everything = await overview.queue(session, overview.QueueFilter())
        assert len(everything) == 3
        municipalities = await overview.choices(session, overview.QueueFilter(), "m")
        assert [(c.label, c.count) for c in municipalities] == [
            ("Еткульский район", 2),
            ("Южный", 1),
        ]
        southern = overview.QueueFilter(municipality_of=municipalities[1].id)
        assert len(await overview.queue(session, southern)) == 1
        assert [c.count for c in await overview.choices(session, southern, "o")] == [1]
        by_group = overview.QueueFilter(program=grp.program_id, group=grp.id)
        assert len(await overview.queue(session, by_group)) == 3
        assert await overview.label_of(session, "g", grp.id) == grp.name


async def test_assessment_results_recorded(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sqlite_sessionmaker.begin() as session:
        who = await f.person(session, await f.organization(session))
        await f.assessment(session, who, {"А": False, "Б": True})
        found = await assessment.person_by_code(session, who.code)
        first = (await assessment.results_of(session, found.id))[0]
        assert (first.name, first.passed) == ("А", False)
        await assessment.set_result(session, who.id, first.section_id, True)
        assert all(r.passed for r in await assessment.results_of(session, who.id))
