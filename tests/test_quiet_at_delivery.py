"""Quiet hours are decided when a message is about to go, from the person's settings then."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from handlers.render.outbox import OutboxRenderer
from handlers.render.outgoing import Deferred, Outgoing
from models import OutboxMessage, Person, utcnow
from services import outbox, person_settings
from services.outbox import OutboxItem
from tests import factories as f

Maker = async_sessionmaker[AsyncSession]


def window_around_now(tz_name: str = "Asia/Yekaterinburg") -> str:
    from zoneinfo import ZoneInfo

    local = datetime.now(ZoneInfo(tz_name))
    start, end = local - timedelta(hours=1), local + timedelta(hours=1)
    return f"{start:%H:%M}-{end:%H:%M}"


async def _person(maker: Maker, quiet: str | None = None) -> int:
    async with maker.begin() as session:
        person = await f.person(session, None, telegram_id=8801)
        person.quiet_hours = quiet
        await session.flush()
        return person.id


async def _queue(maker: Maker, person_id: int, key: str, method: str, due: datetime) -> int:
    async with maker.begin() as session:
        await outbox.enqueue(
            session,
            OutboxItem(key, person_id, {"type": "text", "text": key}, method=method),
            now=due,
        )
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
        assert row is not None
        return row.id


async def test_switching_quiet_hours_off_makes_the_waiting_digest_due(sessionmaker: Maker) -> None:
    person_id = await _person(sessionmaker)
    morning = utcnow() + timedelta(hours=10)
    digest = await _queue(sessionmaker, person_id, "digest", "digest", morning)
    later = await _queue(sessionmaker, person_id, "a reply", "comment", morning)
    async with sessionmaker.begin() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        await person_settings.set_quiet_hours(session, person, "off")
    async with sessionmaker() as session:
        waiting = await session.get(OutboxMessage, digest)
        other = await session.get(OutboxMessage, later)
        assert waiting is not None and other is not None
        assert waiting.not_before <= utcnow()  # due now: the sender decides with «off»
        assert other.not_before == morning  # not a scheduled kind: left alone


async def test_a_digest_due_in_quiet_hours_switched_on_since_waits(sessionmaker: Maker) -> None:
    quiet = window_around_now()
    person_id = await _person(sessionmaker, quiet=quiet)
    digest = await _queue(sessionmaker, person_id, "digest", "digest", utcnow())
    reply = await _queue(sessionmaker, person_id, "reply", "text", utcnow())
    render = OutboxRenderer(Settings(_env_file=None, quiet_hours="off"))
    async with sessionmaker() as session:
        held = await render(session, await session.get_one(OutboxMessage, digest))
        sent = await render(session, await session.get_one(OutboxMessage, reply))
    assert isinstance(held, Deferred)
    assert timedelta(minutes=50) < held.until - utcnow() <= timedelta(hours=1, minutes=1)
    # An instant message still goes (silently), as before.
    assert isinstance(sent, Outgoing)
    assert sent.method.disable_notification is True  # type: ignore[attr-defined]
