"""kill -9 at random moments during a stream of decisions (issue: nothing lost, nothing doubled).

`dpo-bot run` as a process against the fake Bot API server, which keeps the updates pressed
while the bot is down and hands them out again when it polls (Telegram's at-least-once). Ten
directors decide card after card («✅ Одобрить» → «Без комментария»); the process is killed at a
random moment, right after a director was shown a confirmation or right after a teacher's
notification went out, started again, killed again... Afterwards:

* every decision the director was shown as done («…одобрена…») is recorded, once;
* no application has more than one status change;
* every approved application's teacher was told, and the notifications sent twice (the calls in
  flight at a kill: Telegram has no idempotency key) are counted and printed.

CI runs it with `CHAOS_KILLS=30`; `CHAOS_KILLS=100` is the long mode. Without CHAOS_KILLS the
suite is skipped (it takes minutes).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.fake import TOKEN as BENCH_TOKEN
from bench.fake import BenchTelegram
from bench.seed import TEACHER_IDS, Director, seed
from bot import migrate
from bot.fakeapi.server import Call
from handlers.decision import DecideCb, PromptAction
from handlers.director.callbacks import CardAction, CardCb, status_code
from models import Application, HistoryEntry, Status
from models.engine import create_engine, create_sessionmaker
from tests.conftest import TEST_POOL_SIZE
from tests.e2e.conftest import BotProcess, bot_env

KILLS = int(os.environ.get("CHAOS_KILLS", "0"))
DIRECTORS = 10
pytestmark = pytest.mark.skipif(KILLS == 0, reason="the chaos suite runs with CHAOS_KILLS=N")
SKIP = DecideCb(action=PromptAction.SKIP).pack()
NUMBER = re.compile(r"№(\d+)")


def _prompt(call: Call) -> bool:
    return call.method == "sendMessage" and SKIP in str(call.params.get("reply_markup"))


def _edit_of(message_id: int) -> Callable[[Call], bool]:
    def edit(call: Call) -> bool:
        return call.method == "editMessageText" and call.params.get("message_id") == message_id

    return edit


async def status_changes(session: AsyncSession) -> tuple[collections.Counter[int], int]:
    """Status changes recorded per application number, and how many applications there are."""
    changes = collections.Counter(
        await session.scalars(
            select(Application.number)
            .join(HistoryEntry, HistoryEntry.application_id == Application.id)
            .where(HistoryEntry.action == "status")
        )
    )
    total = await session.scalar(select(func.count()).select_from(Application))
    return changes, int(total or 0)


def _confirmation(call: Call) -> bool:
    return call.method == "editMessageText" and "одобрена" in str(call.params.get("text"))


def _notification(call: Call) -> bool:
    return call.method == "sendMessage" and int(call.params.get("chat_id", 0)) >= TEACHER_IDS


async def _right_after(fake: BenchTelegram, what: Callable[[Call], bool]) -> None:
    """Until the fake has answered a call that matches (at most 3 s)."""
    seen = asyncio.get_running_loop().create_future()

    def listen(call: Call, _now: float) -> None:
        if call.ok and what(call) and not seen.done():
            seen.set_result(None)

    fake.listeners.append(listen)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(seen, 3)
    finally:
        fake.listeners.remove(listen)


async def _decide(fake: BenchTelegram, director: Director, confirmed: set[int]) -> None:
    """Decide the director's cards one after another, as fast as the bot answers."""
    user = director.user
    seen = status_code(Status.NEW)
    for number, card_id in director.cards:
        prompt = fake.next_call(user.id, _prompt)
        fake.press(
            user,
            card_id,
            CardCb(action=CardAction.APPROVE, number=number, seen=seen).pack(),
            strict=False,
        )
        try:
            call = await asyncio.wait_for(prompt, 20)
        except TimeoutError:
            continue  # killed meanwhile: the next card
        prompt_id = int(call.result["message_id"])
        edited = fake.next_call(user.id, _edit_of(prompt_id))
        fake.press(user, prompt_id, SKIP, strict=False)
        try:
            confirmation = await asyncio.wait_for(edited, 20)
        except TimeoutError:
            continue
        if "одобрена" in str(confirmation.params.get("text")):
            confirmed.add(number)


async def test_decisions_survive_random_kills(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await asyncio.to_thread(migrate.upgrade, url)
    rng = random.Random(int(os.environ.get("CHAOS_SEED", "20261203")))
    async with BenchTelegram() as fake:
        directors = await seed(url, fake, schools=DIRECTORS, per_school=KILLS * 2 + 10)
        env = bot_env(tmp_path, url, fake.base_url, QUIET_HOURS="off", BOT_TOKEN=BENCH_TOKEN)
        bot = BotProcess(fake, tmp_path, env)
        confirmed: set[int] = set()
        deciding = [asyncio.create_task(_decide(fake, d, confirmed)) for d in directors]
        try:
            for kill in range(KILLS):
                await bot.start()
                # A third of the kills at a random moment, a third right after a director was
                # shown a confirmation, a third right after a teacher's notification went out.
                if kill % 3 == 0:
                    await asyncio.sleep(rng.uniform(0.3, 2.5))
                else:
                    await _right_after(fake, _confirmation if kill % 3 == 1 else _notification)
                await bot.kill()
            await bot.start()
            # The directors go on until each has no card left or the bot has caught up.
            await asyncio.sleep(3)
        finally:
            for task in deciding:
                task.cancel()
            await asyncio.gather(*deciding, return_exceptions=True)
        # Let the outbox finish what the kills left (leases run out after 30 s).
        engine = create_engine(url, pool_size=TEST_POOL_SIZE)
        db = create_sessionmaker(engine)
        approved: set[int] = set()
        told: collections.Counter[int] = collections.Counter()
        for _ in range(90):
            async with db() as session:
                approved = set(
                    await session.scalars(
                        select(Application.number).where(Application.status == Status.APPROVED)
                    )
                )
            told = collections.Counter(
                int(m.group(1))
                for c in fake.calls_of("sendMessage", ok=True)
                if int(c.params.get("chat_id", 0)) >= TEACHER_IDS
                and (m := NUMBER.search(str(c.params.get("text"))))
            )
            if approved <= set(told):
                break
            await asyncio.sleep(1)
        code = await bot.stop()
        async with db() as session:
            changes, total = await status_changes(session)
        await engine.dispose()

    doubled = sum(count - 1 for count in told.values() if count > 1)
    print(
        f"\n{KILLS} kills: {len(confirmed)} decisions shown confirmed, {len(approved)} approved "
        f"of {total}; teacher notifications sent twice: {doubled} "
        f"({doubled / KILLS:.2f} per kill)"
    )
    assert code == 0, bot.log()
    assert confirmed, "no decision was made at all"
    assert confirmed <= approved, f"shown confirmed yet not recorded: {confirmed - approved}"
    assert max(changes.values(), default=0) <= 1, "an application changed status twice"
    assert approved <= set(changes), "approved without a history entry"
    assert approved <= set(told), f"approved, teacher never told: {approved - set(told)}"
    # Telegram has no idempotency key: at most the calls in flight at each kill go twice.
    assert doubled <= KILLS * 2
