"""What the sender sends: refreshed cards keep their owner's buttons; capacity on own cards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from handlers.render.outbox import OutboxRenderer
from handlers.render.outgoing import Outgoing
from models import Channel, HistoryEntry, OutboxMessage, Role, Status
from services import workflow
from services.notifications import DECIDER_CARD, TEACHER_CARD, refresh_items
from services.outbox import enqueue_many
from services.workflow import Actor, Capacity
from tests import factories as f


def labels(markup: Any) -> list[str]:
    return [b.text for row in (markup.inline_keyboard if markup else []) for b in row]


async def render_refresh(session: AsyncSession, app_id: int, view: str | None) -> list[str]:
    from models import CardMessage

    card = CardMessage(application_id=app_id, chat_id=1, message_id=2, note=view)
    session.add(card)
    await session.flush()
    await enqueue_many(session, refresh_items(app_id, [card], f"t{view}"))
    message = (
        await session.scalars(select(OutboxMessage).where(OutboxMessage.key.like(f"%t{view}%")))
    ).one()
    renderer = OutboxRenderer(Settings(_env_file=None))
    outgoing = await renderer(session, message)
    assert isinstance(outgoing, Outgoing)
    return labels(outgoing.method.reply_markup)  # type: ignore[attr-defined]


async def test_refresh_keeps_the_buttons_of_whoever_sees_the_card(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sqlite_sessionmaker.begin() as session:
        school = await f.organization(session)
        teacher = await f.person(session, school, Role.TEACHER)
        app = await f.application(session, teacher)
        assert await render_refresh(session, app.id, DECIDER_CARD) == [
            "✅ Одобрить",
            "❌ Отменить",
            "Подробнее",
        ]
        teacher_view = await render_refresh(session, app.id, TEACHER_CARD)
        assert "Отозвать заявку" in teacher_view and "Назад" in teacher_view
        assert "• Сведения о заявке" in teacher_view
        assert await render_refresh(session, app.id, None) == []


async def test_a_director_withdrawing_her_own_application_acts_as_its_applicant(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sqlite_sessionmaker.begin() as session:
        school = await f.organization(session)
        director = await f.person(session, school, Role.DIRECTOR, Role.TEACHER)
        other_director = await f.person(session, school, Role.DIRECTOR)
        app = await f.application(session, director)
        actor = Actor(director.id, Channel.BOT, acting_as=Capacity.APPLICANT)
        await workflow.change_status(session, app, Status.CANCELLED, actor, seen=Status.NEW)
        entry = (await session.scalars(select(HistoryEntry))).one()
        queued = (await session.scalars(select(OutboxMessage))).all()
    assert entry.actor_role == "teacher"
    # The school's other director is told of the withdrawal; the applicant is not told of her
    # own withdrawal (no «Решение» news to the one who made it).
    assert sorted((m.person_id, m.payload["type"]) for m in queued) == [
        (other_director.id, "status")
    ]
