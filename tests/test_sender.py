"""The outbox sender with a real aiogram Bot against the in-process fake Bot API server."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod
from aiogram.types import Chat, Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import Call, FakeTelegram, User
from bot.sender import CallPacer, OutboxSender, describe
from handlers.render.outgoing import Outgoing
from models import CardMessage, OutboxMessage, OutboxState, Person, utcnow
from services import outbox
from services.outbox import OutboxItem
from tests import factories as f

TOKEN = "123456:TEST"


class Clock:
    """Real time plus an offset a test can jump forward: sleeps stay real, waits get skipped."""

    def __init__(self) -> None:
        self.offset = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def now(self) -> datetime:
        return utcnow() + timedelta(seconds=self.offset)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class _QuickCloseSession(AiohttpSession):
    """aiogram's session sleeps 250 ms on close (for TLS); not needed on loopback."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as server:
        yield server


@pytest_asyncio.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    session = _QuickCloseSession(api=TelegramAPIServer.from_base(fake.base_url))
    yield Bot(TOKEN, session=session)
    await session.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def render(session: AsyncSession, message: OutboxMessage) -> Outgoing | None:
    """The test renderer: {"type": "text", "text": ...} to the person's chat (and "edit")."""
    payload = message.payload
    person = await session.get(Person, message.person_id) if message.person_id else None
    if person is None or person.telegram_id is None:
        return None
    chat_id = person.telegram_id
    if payload["type"] == "text":
        return Outgoing(
            SendMessage(chat_id=chat_id, text=payload["text"]),
            chat_id=chat_id,
            card_application_id=payload.get("card"),
            card_note=payload.get("note"),
        )
    if payload["type"] == "edit":
        method = EditMessageText(
            chat_id=chat_id, message_id=payload["message_id"], text=payload["text"]
        )
        return Outgoing(method, chat_id=chat_id)
    if payload["type"] == "boom":
        raise RuntimeError("renderer bug")
    return None


class Env:
    """The database, the fake, a bot and a clock, with helpers to seed and to observe."""

    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        fake: FakeTelegram,
        bot: Bot,
        clock: Clock,
    ) -> None:
        self.db = db
        self.fake = fake
        self.bot = bot
        self.clock = clock
        self._keys = 0
        self._next_chat = 7000

    def sender(self, **kwargs: Any) -> OutboxSender:
        kwargs.setdefault("clock", self.clock.monotonic)
        kwargs.setdefault("now", self.clock.now)
        return OutboxSender(self.bot, self.db, render, **kwargs)

    async def person(self, *, registered: bool = True) -> tuple[int, int]:
        """A linked person (id, chat id) whose chat the fake knows (unless not `registered`)."""
        self._next_chat += 1
        chat_id = self._next_chat
        if registered:
            self.fake.register_user(User(id=chat_id, first_name="Мария"))
        async with self.db.begin() as session:
            person = await f.person(session, None, telegram_id=chat_id)
            return person.id, chat_id

    async def enqueue(self, person_id: int, text: str, **payload: Any) -> int:
        self._keys += 1
        key = f"test:{self._keys}"
        async with self.db.begin() as session:
            await outbox.enqueue(
                session,
                OutboxItem(key, person_id, {"type": "text", "text": text, **payload}),
                now=self.clock.now(),
            )
            message = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
            assert message is not None
            return message.id

    async def row(self, message_id: int) -> OutboxMessage:
        async with self.db() as session:
            message = await session.get(OutboxMessage, message_id)
            assert message is not None
            return message

    async def due_in(self, message_id: int) -> float:
        row = await self.row(message_id)
        return (row.not_before - self.clock.now()).total_seconds()

    def sent(self, chat_id: int | None = None) -> list[Call]:
        return [
            call
            for call in self.fake.calls_of("sendMessage", ok=True)
            if chat_id is None or call.params["chat_id"] == chat_id
        ]


@pytest.fixture
def env(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
    fake: FakeTelegram,
    bot: Bot,
    clock: Clock,
) -> Env:
    return Env(sqlite_sessionmaker, fake, bot, clock)


async def test_delivers_and_marks_sent(env: Env) -> None:
    person_id, chat_id = await env.person()
    message_id = await env.enqueue(person_id, "Заявка № 43112 подтверждена")
    sender = env.sender()

    assert await sender.drain_once() == 1
    [call] = env.sent(chat_id)
    assert call.params["text"] == "Заявка № 43112 подтверждена"
    row = await env.row(message_id)
    assert row.state is OutboxState.SENT
    assert row.sent_message_id == call.result["message_id"]
    assert row.sent_at is not None and row.attempts == 1
    # Sent means done: nothing more, even long after the lease.
    env.clock.advance(3600)
    assert await sender.drain_once() == 0
    assert len(env.sent()) == 1


async def test_retry_after_is_honoured_and_pauses_the_chat(env: Env) -> None:
    person_id, chat_id = await env.person()
    first = await env.enqueue(person_id, "first")
    sender = env.sender(per_chat_interval=0.2)
    env.fake.fail_next(1, status=429, retry_after=2, methods=["sendMessage"])

    assert await sender.drain_once() == 1
    row = await env.row(first)
    assert row.state is OutboxState.PENDING
    assert row.last_error == "TelegramRetryAfter: retry after 2s"
    assert await env.due_in(first) == pytest.approx(2, abs=0.3)

    # Queued after the 429 and due now, but the chat is paused: not sent before the first,
    # and not even claimed while the first waits (by this replica or another).
    second = await env.enqueue(person_id, "second")
    assert await sender.drain_once() == 0
    assert (await env.row(second)).attempts == 0
    env.clock.advance(1.5)
    assert await sender.drain_once() == 0
    assert env.fake.calls_of("sendMessage") and not env.sent()

    env.clock.advance(0.6)
    assert await sender.drain_once() == 2
    assert [call.params["text"] for call in env.sent(chat_id)] == ["first", "second"]
    assert len(env.fake.calls_of("sendMessage")) == 3
    assert (await env.row(first)).state is (await env.row(second)).state is OutboxState.SENT


async def test_server_errors_back_off_exponentially(env: Env) -> None:
    person_id, chat_id = await env.person()
    message_id = await env.enqueue(person_id, "hello")
    sender = env.sender()
    env.fake.fail_next(3, status=502, methods=["sendMessage"])

    later: int | None = None
    for delay in (1, 2, 4):
        assert await sender.drain_once() == 1
        if later is None:  # the chat's next message must not overtake the one in backoff
            later = await env.enqueue(person_id, "later")
            assert await sender.drain_once() == 0
        row = await env.row(message_id)
        assert row.state is OutboxState.PENDING
        assert row.last_error == "TelegramServerError: Bad Gateway"
        assert await env.due_in(message_id) == pytest.approx(delay, abs=0.3)
        env.clock.advance(delay - 0.3)
        assert await sender.drain_once() == 0  # not before its time
        env.clock.advance(0.35)

    assert await sender.drain_once() == 2
    assert [call.params["text"] for call in env.sent(chat_id)] == ["hello", "later"]
    assert len(env.fake.calls_of("sendMessage")) == 5
    row = await env.row(message_id)
    assert (row.state, row.attempts) == (OutboxState.SENT, 4)


async def test_network_timeout_is_retried(env: Env) -> None:
    person_id, _ = await env.person()
    message_id = await env.enqueue(person_id, "slow")
    # A 2 s lease gives each call 1 s before the sender gives up on it.
    sender = env.sender(lease=timedelta(seconds=2))
    env.fake.delay("sendMessage", 1.5)

    assert await sender.drain_once() == 1
    row = await env.row(message_id)
    assert row.state is OutboxState.PENDING
    assert row.last_error == "TelegramNetworkError: Request timeout error"
    assert await env.due_in(message_id) == pytest.approx(1, abs=0.3)

    env.fake.delay("sendMessage", 0)
    env.clock.advance(1.1)
    assert await sender.drain_once() == 1
    assert (await env.row(message_id)).state is OutboxState.SENT


async def test_forbidden_holds_until_reachable(env: Env) -> None:
    person_id, chat_id = await env.person()
    first = await env.enqueue(person_id, "first")
    second = await env.enqueue(person_id, "second")
    sender = env.sender(per_chat_interval=0.2)
    env.fake.block_chat(chat_id)

    assert await sender.drain_once() == 1  # one 403 is enough: the second is not tried
    for message_id in (first, second):
        row = await env.row(message_id)
        assert row.state is OutboxState.HELD
    assert (await env.row(first)).last_error == (
        "TelegramForbiddenError: Forbidden: bot was blocked by the user"
    )
    async with env.db() as session:
        person = await session.get(Person, person_id)
        assert person is not None and not person.reachable

    for _ in range(3):  # no retry loop, however long we wait
        env.clock.advance(600)
        assert await sender.drain_once() == 0
    assert len(env.fake.calls_of("sendMessage")) == 1

    env.fake.unblock_chat(chat_id)
    async with env.db.begin() as session:
        assert await outbox.mark_reachable(session, person_id, now=env.clock.now()) == 2
    assert await sender.drain_once() == 2
    assert [call.params["text"] for call in env.sent(chat_id)] == ["first", "second"]


async def test_bad_request_fails_without_retry(env: Env) -> None:
    person_id, _ = await env.person(registered=False)  # Telegram: "chat not found"
    message_id = await env.enqueue(person_id, "to nowhere")
    sender = env.sender()

    assert await sender.drain_once() == 1
    row = await env.row(message_id)
    assert row.state is OutboxState.FAILED
    assert row.last_error == "TelegramBadRequest: Bad Request: chat not found"
    env.clock.advance(3600)
    assert await sender.drain_once() == 0
    assert len(env.fake.calls_of("sendMessage")) == 1


async def test_not_modified_is_success_and_nothing_to_send_fails(env: Env) -> None:
    person_id, chat_id = await env.person()
    shown = await env.bot.send_message(chat_id, "Заявка № 1")
    edit = await env.enqueue(person_id, "Заявка № 1")
    async with env.db.begin() as session:  # turn it into an edit that changes nothing
        row = await session.get(OutboxMessage, edit)
        assert row is not None
        row.payload = {"type": "edit", "message_id": shown.message_id, "text": "Заявка № 1"}
        await outbox.enqueue(session, OutboxItem("gone", person_id, {"type": "gone"}))
    sender = env.sender()

    assert await sender.drain_once() == 1  # the edit; "gone" renders to nothing
    [call] = env.fake.calls_of("editMessageText")
    assert not call.ok and "message is not modified" in (call.description or "")
    assert (await env.row(edit)).state is OutboxState.SENT
    async with env.db() as session:
        gone = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == "gone"))
        assert gone is not None
        assert (gone.state, gone.last_error) == (OutboxState.FAILED, "nothing to send")


async def test_renderer_error_is_retried_and_others_go_on(env: Env) -> None:
    person_id, _ = await env.person()
    async with env.db.begin() as session:
        await outbox.enqueue(session, OutboxItem("boom", person_id, {"type": "boom"}))
    fine = await env.enqueue(person_id, "fine")
    sender = env.sender()

    assert await sender.drain_once() == 1
    assert (await env.row(fine)).state is OutboxState.SENT
    async with env.db() as session:
        boom = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == "boom"))
        assert boom is not None
        assert (boom.state, boom.last_error) == (OutboxState.PENDING, "render: RuntimeError")


async def test_rate_limit_in_all(env: Env) -> None:
    people = [await env.person() for _ in range(40)]
    for person_id, _ in people:
        await env.enqueue(person_id, "digest")
    sender = env.sender(clock=time.monotonic, now=utcnow)

    assert await sender.drain_once() == 40
    times = sorted(call.time for call in env.sent())
    assert len(times) == 40
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 31, f"{busiest} calls in one second"
    assert times[-1] - times[0] >= 1.1


async def test_one_message_a_second_per_chat_in_order(env: Env) -> None:
    person_id, chat_id = await env.person()
    other_id, other_chat = await env.person()
    for i in range(3):
        await env.enqueue(person_id, f"m{i}")
    await env.enqueue(other_id, "other")
    sender = env.sender(clock=time.monotonic, now=utcnow)

    assert await sender.drain_once() == 4
    calls = env.sent(chat_id)
    assert [call.params["text"] for call in calls] == ["m0", "m1", "m2"]
    gaps = [b.time - a.time for a, b in itertools.pairwise(calls)]
    assert min(gaps) >= 0.95, gaps
    # Another chat does not wait for this one.
    [other] = env.sent(other_chat)
    assert other.time - calls[0].time < 0.5


async def test_long_chat_backlog_is_handed_back_not_waited_for(env: Env) -> None:
    person_id, chat_id = await env.person()
    ids = [await env.enqueue(person_id, f"m{i}") for i in range(4)]
    # A 4.5 s lease: calls of a pass start within 1.5 s; the rest goes back, uncounted.
    sender = env.sender(lease=timedelta(seconds=4.5))

    started = time.monotonic()
    assert await sender.drain_once() == 2
    assert time.monotonic() - started < 1.4  # m1 was sent at +1 s; m2 not waited for
    assert [call.params["text"] for call in env.sent(chat_id)] == ["m0", "m1"]
    for message_id in ids[2:]:
        row = await env.row(message_id)
        assert (row.state, row.attempts) == (OutboxState.PENDING, 0)
        assert await env.due_in(message_id) <= 1.0


async def test_card_is_recorded(env: Env) -> None:
    async with env.db.begin() as session:
        org = await f.organization(session)
        director = await f.person(session, org, telegram_id=8001)
        application = await f.application(session, director)
    env.fake.register_user(User(id=8001, first_name="Ольга"))
    message_id = await env.enqueue(director.id, "card", card=application.id, note="decider")
    sender = env.sender()

    assert await sender.drain_once() == 1
    row = await env.row(message_id)
    async with env.db() as session:
        cards = (await session.scalars(select(CardMessage))).all()
    assert [(c.application_id, c.chat_id, c.message_id, c.note) for c in cards] == [
        (application.id, 8001, row.sent_message_id, "decider")
    ]


async def test_wake_sends_before_the_poll(env: Env) -> None:
    person_id, chat_id = await env.person()
    sender = env.sender(poll_interval=30, clock=time.monotonic, now=utcnow)
    task = asyncio.create_task(sender.run())
    try:
        await asyncio.sleep(0.3)  # the first pass found nothing; now it sleeps for 30 s
        await env.enqueue(person_id, "woken")
        started = time.monotonic()
        sender.wake()
        await env.fake.wait_for_message(chat_id, "woken", timeout=3)
        assert time.monotonic() - started < 1.0
    finally:
        await asyncio.wait_for(sender.stop(), 2)  # and a stop cuts the idle wait short
        await asyncio.wait_for(task, 5)


async def test_stop_waits_for_the_call_in_flight(env: Env) -> None:
    person_id, chat_id = await env.person()
    first = await env.enqueue(person_id, "first")
    later = [await env.enqueue(person_id, f"later {i}") for i in range(2)]
    env.fake.delay("sendMessage", 0.8)
    sender = env.sender(clock=time.monotonic, now=utcnow)
    task = asyncio.create_task(sender.run())

    while "sendMessage" not in env.fake.started:
        await asyncio.sleep(0.01)
    await asyncio.wait_for(sender.stop(), 5)

    assert task.done()
    assert [call.params["text"] for call in env.sent(chat_id)] == ["first"]
    assert (await env.row(first)).state is OutboxState.SENT
    # Not sent yet, and not stuck behind a lease: due at once for the next start.
    for message_id in later:
        row = await env.row(message_id)
        assert (row.state, row.attempts) == (OutboxState.PENDING, 0)
        assert await env.due_in(message_id) <= 0.1


async def test_run_survives_a_failing_pass(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    person_id, chat_id = await env.person()
    await env.enqueue(person_id, "after the storm")
    real_claim = outbox.claim_due
    failures = [RuntimeError("database is locked")]

    async def flaky_claim(*args: Any, **kwargs: Any) -> list[OutboxMessage]:
        if failures:
            raise failures.pop()
        return await real_claim(*args, **kwargs)

    monkeypatch.setattr(outbox, "claim_due", flaky_claim)
    sender = env.sender(poll_interval=0.1, clock=time.monotonic, now=utcnow)
    task = asyncio.create_task(sender.run())
    try:
        await env.fake.wait_for_message(chat_id, "after the storm", timeout=3)
    finally:
        await sender.stop()
        await asyncio.wait_for(task, 5)
    assert not failures


def test_describe_keeps_no_message_text() -> None:
    method = SendMessage(chat_id=1, text="<Иванова>")
    error = TelegramBadRequest(
        method, 'Bad Request: can\'t parse entities: Unsupported start tag "иванова" at byte 0'
    )
    assert describe(error) == (
        "TelegramBadRequest: Bad Request: can't parse entities: Unsupported start tag … at byte 0"
    )
    network = TelegramNetworkError(method, "ClientConnectorError: Cannot connect to host x:443")
    assert describe(network) == "TelegramNetworkError: ClientConnectorError"


def test_backoff_is_capped() -> None:
    sender = OutboxSender(Bot(TOKEN), async_sessionmaker(), render, max_backoff=300.0)
    assert [sender._backoff(n) for n in (1, 2, 3, 4, 9, 10, 30)] == [1, 2, 4, 8, 256, 300, 300]


# -- priority, fairness and rate ---------------------------------------------------------------


class RecordingBot:
    """Stands in for the Bot: answers every call after `latency`, noting the sender's clock."""

    def __init__(self, clock: Callable[[], float], latency: float = 0.0) -> None:
        self.clock = clock
        self.latency = latency
        self.calls: list[tuple[float, int, str]] = []  # (clock, chat id, text)
        self._ids = itertools.count(1)

    async def __call__(
        self, method: TelegramMethod[Any], request_timeout: int | None = None
    ) -> Any:
        assert isinstance(method, SendMessage)
        chat_id = int(method.chat_id)
        self.calls.append((self.clock(), chat_id, method.text))
        if self.latency:
            await asyncio.sleep(self.latency)
        return Message(
            message_id=next(self._ids),
            date=utcnow(),
            chat=Chat(id=chat_id, type="private"),
            text=method.text,
        )

    @property
    def texts(self) -> list[str]:
        return [text for _, _, text in self.calls]


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def busiest_second(times: Sequence[float]) -> int:
    """The most calls in any one-second window [t, t + 1) (it is enough to start at a call)."""
    ordered = sorted(times)
    return max(bisect.bisect_left(ordered, t + 1.0) - i for i, t in enumerate(ordered))


async def many_people(env: Env, count: int) -> list[tuple[int, int]]:
    """`count` linked people (id, chat id) in one transaction."""
    async with env.db.begin() as session:
        people = [await f.person(session, None, telegram_id=900_000 + i) for i in range(count)]
        return [(p.id, 900_000 + i) for i, p in enumerate(people)]


async def enqueue_all(env: Env, items: Sequence[tuple[int, str, str]]) -> None:
    """(person id, text, method) each, in this order, in one transaction; texts are keys."""
    async with env.db.begin() as session:
        await outbox.enqueue_many(
            session,
            [
                OutboxItem(f"{kind}:{text}", person_id, {"type": "text", "text": text}, method=kind)
                for person_id, text, kind in items
            ],
            now=env.clock.now(),
        )


def test_pacer_meets_the_rate_and_never_exceeds_it() -> None:
    clock = [0.0]
    pacer = CallPacer(30, lambda: clock[0])
    starts = []
    for _ in range(300):  # always something to send
        clock[0] += pacer.delay()
        pacer.take()
        starts.append(clock[0])
    assert busiest_second(starts) == 30
    # Reached: 300 calls take ten windows, no more (the window's slack costs 3 %).
    assert starts[-1] - starts[0] == pytest.approx(299 * pacer.window / 30)
    assert pacer.window <= 1.031


def test_pacer_makes_up_lost_time_within_the_window() -> None:
    clock = [0.0]
    pacer = CallPacer(30, lambda: clock[0])
    starts = []
    for n in range(300):
        if n == 100:
            clock[0] += 0.4  # a busy loop: the sender got no turn for 400 ms, with work waiting
        clock[0] += pacer.delay()
        pacer.take()
        starts.append(clock[0])
    assert busiest_second(starts) <= 30
    # The stall cost nothing: the 300th call starts when it would have without it.
    assert starts[-1] == pytest.approx(299 * pacer.window / 30)


def test_pacer_earns_no_burst_while_idle() -> None:
    clock = [0.0]
    pacer = CallPacer(30, lambda: clock[0])
    pacer.take()
    clock[0] = 60.0  # a quiet minute: nothing to send
    pacer.idle()
    pacer.take()
    assert pacer.delay() == pytest.approx(pacer.interval)


async def test_interactive_goes_before_a_bulk_backlog(env: Env) -> None:
    people = await many_people(env, 10)
    await enqueue_all(env, [(people[i % 10][0], f"digest {i}", "digest") for i in range(100)])
    await enqueue_all(env, [(people[3][0], "card edit", "refresh")])
    bot = RecordingBot(env.clock.monotonic)
    sender = OutboxSender(
        cast(Bot, bot),
        env.db,
        render,
        per_chat_interval=0.05,
        clock=env.clock.monotonic,
        now=env.clock.now,
    )

    await sender.drain_once()
    assert bot.texts[0] == "card edit"


async def test_interactive_overtakes_the_bulk_in_hand(env: Env) -> None:
    people = await many_people(env, 201)
    await enqueue_all(env, [(people[i][0], f"digest {i}", "digest") for i in range(200)])
    bot = RecordingBot(env.clock.monotonic)
    sender = OutboxSender(cast(Bot, bot), env.db, render, poll_interval=30)
    task = asyncio.create_task(sender.run())
    try:
        await until(lambda: len(bot.calls) >= 10)
        await enqueue_all(env, [(people[200][0], "card edit", "refresh")])
        sender.wake()
        await until(lambda: "card edit" in bot.texts)
        # 40-odd digests were in hand, 190 still queued: it waited for none of them, only
        # for its claim (a call or two at 30/s).
        assert bot.texts.index("card edit") < 25, bot.texts.index("card edit")
    finally:
        await asyncio.wait_for(sender.stop(), 5)
        await asyncio.wait_for(task, 5)


async def test_a_chat_backlog_does_not_hold_up_another_chat(env: Env) -> None:
    busy, other = await many_people(env, 2)
    await enqueue_all(env, [(busy[0], f"card {i}", "card") for i in range(60)])
    await enqueue_all(env, [(other[0], "news", "status")])
    bot = RecordingBot(env.clock.monotonic)
    # A 6 s lease: a pass sends a chat what starts within 2 s, two of its cards.
    sender = OutboxSender(
        cast(Bot, bot),
        env.db,
        render,
        lease=timedelta(seconds=6),
        clock=env.clock.monotonic,
        now=env.clock.now,
    )

    assert await sender.drain_once() == 3
    # Queued after 60 cards for one chat, it goes out with the first of them, not after.
    assert bot.texts == ["card 0", "news", "card 1"]


async def test_running_reaches_the_rate_and_never_exceeds_it(env: Env) -> None:
    people = await many_people(env, 150)
    await enqueue_all(
        env, [(person_id, f"digest {i}", "digest") for i, (person_id, _) in enumerate(people)]
    )
    bot = RecordingBot(time.monotonic, latency=0.05)
    sender = OutboxSender(cast(Bot, bot), env.db, render)
    task = asyncio.create_task(sender.run())
    try:
        await until(lambda: len(bot.calls) >= 150)
    finally:
        await asyncio.wait_for(sender.stop(), 5)
        await asyncio.wait_for(task, 5)
    times = [t for t, _, _ in bot.calls]
    assert len(times) == 150
    assert busiest_second(times) <= 30
    # Three claims of 50, with no pause between them: 150 calls take five windows; a pass
    # at a time (claim, send, record, then claim again) took well over six.
    assert times[-1] - times[0] < 149 / 30 * 1.03 + 0.5, times[-1] - times[0]


async def test_a_deferred_message_is_handed_back_uncounted(env: Env) -> None:
    from handlers.render.outgoing import Deferred

    person_id, _ = await env.person()
    message_id = await env.enqueue(person_id, "digest")
    until = env.clock.now() + timedelta(hours=2)

    async def later(session: AsyncSession, message: OutboxMessage) -> Deferred:
        return Deferred(until)

    sender = OutboxSender(env.bot, env.db, later, clock=env.clock.monotonic, now=env.clock.now)
    assert await sender.drain_once() == 0
    row = await env.row(message_id)
    assert row.state is OutboxState.PENDING and row.attempts == 0
    assert row.not_before == until and row.held_until is None
    assert env.sent() == []


def test_the_longest_retry_pause_is_the_send_max_backoff_setting(tmp_path: Any) -> None:
    """After an outage of Telegram, a notification is tried again within SEND_MAX_BACKOFF."""
    from bot.app import build_bot, build_runtime
    from tests.dispatcher import make_settings

    settings = make_settings(
        "http://127.0.0.1:9", send_max_backoff=7, database_url=f"sqlite+aiosqlite:///{tmp_path}/b"
    )
    sender = build_runtime(settings, build_bot(settings)).sender
    assert [sender._backoff(attempts) for attempts in (1, 2, 3, 4, 20)] == [1, 2, 4, 7, 7]
