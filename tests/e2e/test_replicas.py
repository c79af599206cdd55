"""Three `dpo-bot run` replicas in webhook mode on one PostgreSQL database and Redis.

Played against a fake Bot API server that enforces Telegram's flood limits (a 429 beyond
SEND_RATE calls in a second, or a second new message into a chat within a second): together
the replicas stay within the limits, each message goes out once, and a chat's messages arrive
in order.
"""

from __future__ import annotations

import asyncio
import collections
import random
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bench.fake import BenchTelegram, FloodLimits
from bot import migrate
from bot.fakeapi import User
from models import OutboxMessage, OutboxState
from models.engine import create_engine, create_sessionmaker
from services import outbox
from services.outbox import OutboxItem
from tests import factories as f
from tests.conftest import REDIS_TEST_URL, TEST_POOL_SIZE, make_database, redis_unreachable_reason
from tests.e2e.conftest import BotProcess, bot_env, free_port

RATE = 10
CHATS = 30
REPLICAS = 3


async def _healthy(port: int, process: BotProcess, timeout: float = 60) -> None:
    url = f"http://127.0.0.1:{port}/healthz"
    async with aiohttp.ClientSession() as http, asyncio.timeout(timeout):
        while True:
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            assert process.process is not None and process.process.returncode is None, process.log()
            await asyncio.sleep(0.2)


@pytest.fixture
def postgresql_url(tmp_path: Path) -> Iterator[str]:
    """A new PostgreSQL database, migrated (whatever E2E_DATABASE says: replicas need it)."""
    reason = redis_unreachable_reason()
    if reason:
        pytest.skip(reason)
    for url in make_database("postgresql", tmp_path):
        migrate.upgrade(url)
        yield url


async def test_three_replicas_share_telegrams_limits_and_keep_each_chat_in_order(
    tmp_path: Path, postgresql_url: str
) -> None:
    # A bot of its own: its budget in Redis is keyed by the bot's id.
    token = f"{random.randrange(10**8, 10**9)}:REPLICAS"
    url = postgresql_url
    async with BenchTelegram(limits=FloodLimits(per_second=RATE)) as fake:
        fake.token = token
        engine = create_engine(url, pool_size=TEST_POOL_SIZE)
        db = create_sessionmaker(engine)
        people: list[tuple[int, int]] = []
        async with db.begin() as session:
            for i in range(CHATS):
                chat_id = 70_000 + i
                fake.register_user(User(id=chat_id, first_name="Мария"))
                person = await f.person(session, None, telegram_id=chat_id)
                people.append((person.id, chat_id))
        replicas: list[BotProcess] = []
        try:
            for n in range(REPLICAS):
                port = free_port()
                workdir = tmp_path / f"replica-{n}"
                workdir.mkdir()
                env = bot_env(
                    workdir,
                    url,
                    fake.base_url,
                    BOT_TOKEN=token,
                    REDIS_URL=REDIS_TEST_URL,
                    SEND_RATE=str(RATE),
                    WEBHOOK_BASE_URL="https://bot.example.org",
                    WEBHOOK_SECRET="replica-secret",
                    WEB_PORT=str(port),
                    DATABASE_POOL_SIZE="3",
                    QUIET_HOURS="off",
                )
                replica = BotProcess(fake, workdir, env)
                await replica.start(wait=False)
                replicas.append(replica)
                await _healthy(port, replica)
            # All three are up: now the messages are queued, two a chat.
            async with db.begin() as session:
                for person_id, _ in people:
                    for n in (1, 2):
                        await outbox.enqueue(
                            session,
                            OutboxItem(
                                f"replicas:{person_id}:{n}",
                                person_id,
                                {"type": "text", "text": f"message {n}"},
                            ),
                        )
            async with asyncio.timeout(90):
                while len(fake.calls_of("sendMessage", ok=True)) < 2 * CHATS:
                    await asyncio.sleep(0.2)
            await asyncio.sleep(1.5)  # nothing more comes (a message sent twice would)
        finally:
            codes = [await replica.stop() for replica in replicas if replica.process]
            logs = "\n".join(replica.log() for replica in replicas)
        assert codes == [0] * REPLICAS, logs
        assert "Traceback" not in logs, logs

        sent = fake.calls_of("sendMessage", ok=True)
        assert fake.too_many == 0, f"{fake.too_many} × 429"
        # Each message once; each chat's two in order, a second apart.
        by_chat: dict[int, list[tuple[float, str]]] = collections.defaultdict(list)
        for call in sent:
            by_chat[int(call.params["chat_id"])].append((call.time, call.params["text"]))
        assert len(sent) == 2 * CHATS
        for chat_id in (chat for _, chat in people):
            (first_at, first), (second_at, second) = sorted(by_chat[chat_id])
            assert (first, second) == ("message 1", "message 2")
            assert second_at - first_at >= 0.95
        times = sorted(call.time for call in sent)
        busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
        assert busiest <= RATE
        async with db() as session:
            states = collections.Counter(await session.scalars(select(OutboxMessage.state)))
        assert states == {OutboxState.SENT: 2 * CHATS}
        await engine.dispose()
