"""Hostile input to the real process (hypothesis): any callback data up to Telegram's 64 bytes
and any text, from a linked teacher, another school's director and a stranger.

`dpo-bot run` against the fake Bot API server on the sample region. Each hypothesis example
sends a batch of presses and texts (presses under the last message the bot sent each of them).
Every press is answered exactly once, every text gets an answer, none of them is «Что-то пошло
не так», nothing is logged as a traceback, and what the region's decisions are made of — the
applications, their history and comments, groups and deputies — is as it was, row for row.
The dispatcher-level suites (`tests/test_fuzz_callbacks.py`, `tests/test_fuzz_texts.py`,
`tests/test_fuzz_import.py`) try many more inputs in every state; this one shows the whole
process, middlewares, unit of work and sender included, holds the same.

Run with the chaos suite (`CHAOS_KILLS` set); `CHAOS_HOSTILE_EXAMPLES` sets the batches.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot import migrate
from bot.fakeapi import Call, FakeTelegram, User
from models import Application, Base, Comment, Deputy, Group, HistoryEntry
from models.engine import create_engine, create_sessionmaker
from tests.chaos.test_kills import KILLS
from tests.conftest import TEST_POOL_SIZE
from tests.e2e.conftest import TOKEN, BotProcess, bot_env
from tests.e2e.scenario import KUZNETSOV, OTHER_DIRECTOR, link, load_samples
from tests.test_fuzz_callbacks import PREFIXES
from tests.test_fuzz_texts import GENERIC_ERROR, TEXT

EXAMPLES = int(os.environ.get("CHAOS_HOSTILE_EXAMPLES", "6"))
STRANGER = User(id=9301, first_name="Незнакомец")
PEOPLE = (KUZNETSOV, OTHER_DIRECTOR, STRANGER)
DECISIONS = (Application, HistoryEntry, Comment, Group, Deputy)
pytestmark = pytest.mark.skipif(KILLS == 0, reason="the chaos suite runs with CHAOS_KILLS=N")


def _fits(data: str) -> bool:
    return 0 < len(data.encode()) <= 64


DATA = st.one_of(
    st.text(min_size=1, max_size=64).filter(_fits),
    st.builds(
        lambda prefix, rest: f"{prefix}:{rest}",
        st.sampled_from(PREFIXES),
        st.text(st.sampled_from("0123456789:abcdefghijklmnopqrstuvwxyz-_"), max_size=40),
    ).filter(_fits),
)
INPUT = st.tuples(
    st.sampled_from(PEOPLE),
    st.one_of(st.tuples(st.just("press"), DATA), st.tuples(st.just("text"), TEXT)),
)


@dataclass
class Region:
    fake: FakeTelegram
    bot: BotProcess
    url: str
    before: dict[str, list[tuple[Any, ...]]]


async def _decisions(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url, pool_size=TEST_POOL_SIZE)
    try:
        async with create_sessionmaker(engine)() as session:
            dump = {}
            for model in DECISIONS:
                table = Base.metadata.tables[model.__tablename__]
                rows = await session.execute(select(table).order_by(*table.primary_key.columns))
                dump[table.name] = [tuple(row) for row in rows]
            return dump
    finally:
        await engine.dispose()


@pytest.fixture
async def region(tmp_path: Path) -> AsyncIterator[Region]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url, pool_size=TEST_POOL_SIZE)
    codes = await load_samples(create_sessionmaker(engine))
    await engine.dispose()
    async with FakeTelegram(token=TOKEN) as fake:
        bot = BotProcess(fake, tmp_path, bot_env(tmp_path, url, fake.base_url, QUIET_HOURS="off"))
        await bot.start()
        try:
            for user in (KUZNETSOV, OTHER_DIRECTOR):
                await link(fake, user, codes[user.id])
            fake.register_user(STRANGER)
            fake.send_command(STRANGER, "/start")
            await fake.wait_for_message(STRANGER.id, "152-ФЗ")
            yield Region(fake, bot, url, await _decisions(url))
        finally:
            code = await bot.stop()
        assert code == 0, bot.log()
        assert "Traceback" not in bot.log(), bot.log()


def _into_chat(chat_id: int) -> Callable[[Call], bool]:
    def into(call: Call) -> bool:
        return call.method.startswith(("send", "edit")) and call.params.get("chat_id") == chat_id

    return into


async def _answer_to_press(fake: FakeTelegram, query_id: str) -> list[dict[str, Any]]:
    for _ in range(500):
        answers = fake.callback_answers(query_id)
        if answers:
            await asyncio.sleep(0.05)  # a second answer would come now
            return fake.callback_answers(query_id)
        await asyncio.sleep(0.02)
    return []


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(inputs=st.lists(INPUT, min_size=5, max_size=25))
async def test_hostile_presses_and_texts_change_nothing(
    region: Region, inputs: list[tuple[User, tuple[str, str]]]
) -> None:
    fake = region.fake
    for user, (kind, value) in inputs:
        mark = fake.mark()
        if kind == "press":
            last = fake.last_message(user.id)
            assert last is not None
            query_id = fake.press(user, last, value, strict=False)
            answers = await _answer_to_press(fake, query_id)
            assert len(answers) == 1, (value, answers)
            said = [str(answers[0].get("text") or "")]
        else:
            fake.send_text(user, value)
            reply = await fake.wait_for(_into_chat(user.id), since=mark, timeout=10)
            said = [str(reply.params.get("text") or "")]
        said += [str(c.params.get("text") or "") for c in fake.calls[mark:]]
        assert not any(GENERIC_ERROR in text for text in said), (user.id, kind, value, said)
    assert await _decisions(region.url) == region.before
