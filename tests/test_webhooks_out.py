"""Outbound status webhooks: a receiver that fails twice then accepts gets every event once."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.api.outputs import StatusEvent
from bot.webhooks_out import EVENT_HEADER, SIGNATURE_HEADER, WebhookSender, encode, sign
from models import Channel, OutboxChannel, OutboxMessage, OutboxState, Role, Status
from services import notifications
from services.workflow import Actor, change_status
from tests import factories as f

SECRET = "webhook-secret"


@pytest.fixture
def webhooks_on(sqlite_sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Sessions of a process with WEBHOOK_OUT_URL set (see `Settings.session_info`)."""
    sqlite_sessionmaker.configure(info={notifications.STATUS_WEBHOOKS: True})


class Receiver:
    """Answers 500 to the first `failures` requests, then 200; keeps what it accepted."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.requests = 0
        self.accepted: list[dict[str, Any]] = []
        self.signatures_ok = True
        self.done = asyncio.Event()
        self.expected = 0

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests += 1
        if self.requests <= self.failures:
            return web.Response(status=500)
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get(SIGNATURE_HEADER, ""), expected):
            self.signatures_ok = False
            return web.Response(status=401)
        event = json.loads(body)
        assert request.headers[EVENT_HEADER] == event["event_id"]
        self.accepted.append(event)
        if len(self.accepted) >= self.expected:
            self.done.set()
        return web.Response(status=204)


async def change(session: AsyncSession, number: int, target: Status, seen: Status) -> None:
    """A status change; the workflow itself queues its webhook (a second call adds nothing)."""
    done = await change_status(
        session, number, target, Actor.system(Channel.API), seen=seen, comment="ok"
    )
    assert not await notifications.status_webhook(session, done.application, done.history.id)


async def test_sign_is_hmac_sha256_of_the_body() -> None:
    body = encode({"b": 1, "a": "я"})
    assert body == '{"a":"я","b":1}'.encode()
    digest = hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert sign(body, "k") == f"sha256={digest}"


async def test_disabled_webhooks_queue_nothing(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sqlite_sessionmaker.begin() as session:
        org = await f.organization(session)
        teacher = await f.person(session, org, Role.TEACHER)
        app = await f.application(session, teacher)
        done = await change_status(
            session, app, Status.CANCELLED, Actor.system(Channel.API), seen=Status.NEW
        )
        assert not await notifications.status_webhook(session, app, done.history.id)
        webhooks = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == OutboxChannel.WEBHOOK)
        )
        assert webhooks.all() == []


async def test_receiver_failing_twice_gets_each_event_once_in_order(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession], webhooks_on: None
) -> None:
    async with sqlite_sessionmaker.begin() as session:
        org = await f.organization(session)
        teacher = await f.person(session, org, Role.TEACHER)
        first = await f.application(session, teacher, number=101)
        second = await f.application(session, teacher, number=102)
        await change(session, first.number, Status.APPROVED, Status.NEW)
        await change(session, second.number, Status.APPROVED, Status.NEW)
        await change(session, first.number, Status.INCLUDED, Status.APPROVED)
        await change(session, second.number, Status.CANCELLED, Status.APPROVED)
        await change(session, first.number, Status.CANCELLED, Status.INCLUDED)

    receiver = Receiver(failures=2)
    receiver.expected = 5
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    async with TestServer(app) as server:
        sender = WebhookSender(
            sqlite_sessionmaker,
            str(server.make_url("/hook")),
            SECRET,
            poll_interval=0.05,
            backoff_base=0.05,
            max_backoff=0.2,
        )
        task = asyncio.create_task(sender.run())
        try:
            await asyncio.wait_for(receiver.done.wait(), 15)
            await asyncio.sleep(0.3)  # anything sent twice would arrive by now
        finally:
            await sender.stop()
            await asyncio.wait_for(task, 5)

    assert receiver.signatures_ok
    assert receiver.requests == 7  # two refused, then each of the five once
    events = [StatusEvent.model_validate(event) for event in receiver.accepted]
    assert len({event.event_id for event in events}) == 5
    by_number: dict[int, list[tuple[str, str]]] = {}
    for event in events:
        by_number.setdefault(event.number, []).append((event.old_status, event.new_status))
        assert event.channel is Channel.API
        assert event.comment == "ok"
        assert event.actor_role == "system"
    assert by_number == {
        101: [("new", "approved"), ("approved", "included"), ("included", "cancelled")],
        102: [("new", "approved"), ("approved", "cancelled")],
    }
    async with sqlite_sessionmaker() as session:
        states = (
            await session.scalars(
                select(OutboxMessage.state).where(OutboxMessage.channel == OutboxChannel.WEBHOOK)
            )
        ).all()
        assert states == [OutboxState.SENT] * 5


async def test_status_webhook_is_idempotent_per_history_entry(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession], webhooks_on: None
) -> None:
    async with sqlite_sessionmaker.begin() as session:
        org = await f.organization(session)
        teacher = await f.person(session, org, Role.TEACHER)
        app = await f.application(session, teacher)
        done = await change_status(
            session, app, Status.CANCELLED, Actor.system(Channel.API), seen=Status.NEW
        )
        # change_status queued it already: asking again for the same history entry adds nothing.
        assert not await notifications.status_webhook(session, app, done.history.id)
        rows = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.channel == OutboxChannel.WEBHOOK)
            )
        ).all()
        assert len(rows) == 1
        assert rows[0].state is OutboxState.PENDING
        assert rows[0].payload["number"] == app.number


async def test_later_event_waits_for_an_earlier_one_in_retry(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession], webhooks_on: None
) -> None:
    async with sqlite_sessionmaker.begin() as session:
        org = await f.organization(session)
        teacher = await f.person(session, org, Role.TEACHER)
        app = await f.application(session, teacher, number=201)
        await change(session, app.number, Status.APPROVED, Status.NEW)

    receiver = Receiver(failures=1)
    receiver.expected = 2
    server_app = web.Application()
    server_app.router.add_post("/hook", receiver.handle)
    async with TestServer(server_app) as server:
        sender = WebhookSender(
            sqlite_sessionmaker,
            str(server.make_url("/hook")),
            SECRET,
            poll_interval=0.02,
            backoff_base=0.5,
            max_backoff=0.5,
        )
        task = asyncio.create_task(sender.run())
        try:
            while receiver.requests < 1:
                await asyncio.sleep(0.01)
            # The first event now waits for its retry; the second is due at once.
            async with sqlite_sessionmaker.begin() as session:
                await change(session, app.number, Status.INCLUDED, Status.APPROVED)
            sender.wake()
            await asyncio.wait_for(receiver.done.wait(), 10)
        finally:
            await sender.stop()
            await asyncio.wait_for(task, 5)

    assert [(e["old_status"], e["new_status"]) for e in receiver.accepted] == [
        ("new", "approved"),
        ("approved", "included"),
    ]
    assert receiver.requests == 3


def test_a_process_with_a_webhook_url_says_so_to_every_session() -> None:
    from bot.settings import Settings

    on = Settings(webhook_out_url="https://example.org/hook", webhook_out_secret="s" * 32)
    assert on.session_info() == {notifications.STATUS_WEBHOOKS: True}
    assert Settings().session_info() == {notifications.STATUS_WEBHOOKS: False}


def test_the_retry_schedule_doubles_up_to_its_setting() -> None:
    from bot.settings import load_settings

    settings = load_settings(webhook_out_max_backoff=60)
    sender = WebhookSender(
        None,  # type: ignore[arg-type]  # the schedule needs no database
        "http://127.0.0.1:1/hook",
        "secret",
        max_backoff=float(settings.webhook_out_max_backoff),
    )
    assert [sender._backoff(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert load_settings().webhook_out_max_backoff == 300
