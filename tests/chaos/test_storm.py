"""A storm: a minute of 429s, 5xx and dropped connections from Telegram while digests go out.

`dpo-bot run` as a process; the fake Bot API server answers, for `CHAOS_STORM_SECONDS` (60 by
default), every message the bot sends or edits with one of: 429 with `retry_after`, 500 or
502, a connection dropped before the message arrived, the message delivered and the answer
dropped (the bot cannot know it arrived), or, now and then, a normal answer. The bot starts
with the digests of `DIRECTORS` directors due. Afterwards:

* every director has their digest;
* a director has it twice only where an answer was dropped after delivery (Telegram has no
  idempotency key: such a message is sent again, and the duplicates are counted and printed);
* during the storm the bot waited rather than spun: its CPU time stays far below a core's
  (printed; a busy loop of retries would use the core whole);
* once the storm is over, delivery resumes within `SEND_MAX_BACKOFF`.

Run with the chaos suite (`CHAOS_KILLS` set); `CHAOS_STORM_SECONDS` makes it longer or shorter.
"""

from __future__ import annotations

import asyncio
import collections
import os
import random
import time
from pathlib import Path

import pytest
from aiohttp import web

from bench.fake import TOKEN as BENCH_TOKEN
from bench.fake import BenchTelegram
from bench.procs import cpu_seconds
from bench.seed import seed, workdays_file
from bot import migrate
from bot.fakeapi.server import Call
from tests.chaos.test_kills import KILLS
from tests.e2e.conftest import BotProcess, bot_env

STORM = float(os.environ.get("CHAOS_STORM_SECONDS", "60"))
DIRECTORS = 120
MAX_BACKOFF = 10
pytestmark = pytest.mark.skipif(KILLS == 0, reason="the chaos suite runs with CHAOS_KILLS=N")
_MESSAGES = ("sendMessage", "editMessageText", "editMessageReplyMarkup")


class StormTelegram(BenchTelegram):
    """The fake server; while `storming`, messages meet Telegram at its worst."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.storming = False
        self.rng = random.Random(seed)
        self.faults: collections.Counter[str] = collections.Counter()
        # Chats whose message arrived but whose answer was dropped: a resend is expected there.
        self.lost_answers: collections.Counter[int] = collections.Counter()

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if not self.storming or method not in _MESSAGES:
            return await super()._handle_method(request)
        draw = self.rng.random()
        if draw < 0.35:
            self.faults["429"] += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        if draw < 0.55:
            status = self.rng.choice((500, 502))
            self.faults[str(status)] += 1
            reason = "Internal Server Error" if status == 500 else "Bad Gateway"
            return web.json_response(
                {"ok": False, "error_code": status, "description": reason}, status=status
            )
        if draw < 0.7:
            self.faults["dropped before"] += 1
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=502)
        if draw < 0.8:
            self.faults["dropped after"] += 1
            self.drop_answer_next(method)
            response = await super()._handle_method(request)
            chat = self.calls[-1].params.get("chat_id")
            if self.calls[-1].ok and isinstance(chat, int):
                self.lost_answers[chat] += 1
            return response
        self.faults["answered"] += 1
        return await super()._handle_method(request)


def _count_digests(fake: StormTelegram, chats: set[int]) -> collections.Counter[int]:
    """Digests delivered per chat, counted as they arrive (the fake keeps only recent calls)."""
    delivered: collections.Counter[int] = collections.Counter()

    def listen(call: Call, _now: float) -> None:
        chat = call.params.get("chat_id")
        digest = "ждут" in str(call.params.get("text", ""))
        if call.ok and call.method == "sendMessage" and chat in chats and digest:
            delivered[int(chat)] += 1

    fake.listeners.append(listen)
    return delivered


async def test_a_minute_of_telegram_at_its_worst(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await asyncio.to_thread(migrate.upgrade, url)
    async with StormTelegram(int(os.environ.get("CHAOS_SEED", "20261204"))) as fake:
        directors = await seed(url, fake, schools=DIRECTORS, per_school=1, teachers_per_school=1)
        chats = {d.user.id for d in directors}
        delivered = _count_digests(fake, chats)
        env = bot_env(
            tmp_path,
            url,
            fake.base_url,
            BOT_TOKEN=BENCH_TOKEN,
            QUIET_HOURS="off",
            DIGEST_TIME="00:00",
            WORKDAYS_FILE=str(workdays_file(tmp_path, working=True)),
            SEND_MAX_BACKOFF=str(MAX_BACKOFF),
        )
        bot = BotProcess(fake, tmp_path, env)
        fake.storming = True
        await bot.start()
        assert bot.process is not None
        cpu_before, started = cpu_seconds(bot.process.pid), time.monotonic()
        await asyncio.sleep(STORM)
        busy = (cpu_seconds(bot.process.pid) - cpu_before) / (time.monotonic() - started)
        fake.storming = False
        during = len(delivered)
        calm = time.monotonic()
        while set(delivered) != chats and time.monotonic() - calm < MAX_BACKOFF + 60:
            await asyncio.sleep(0.5)
        resumed_in = time.monotonic() - calm
        code = await bot.stop()

    doubled = {chat: count - 1 for chat, count in delivered.items() if count > 1}
    print(
        f"\n{STORM:.0f} s storm: {dict(fake.faults)}; digests {len(delivered)} of {len(chats)} "
        f"({during} during the storm, the rest within {resumed_in:.1f} s after it); "
        f"sent twice: {sum(doubled.values())} (answers lost after delivery: "
        f"{sum(fake.lost_answers.values())}); the bot's CPU during the storm: {busy:.1%} of a core"
    )
    assert code == 0, bot.log()
    assert "Traceback" not in bot.log()
    assert set(delivered) == chats, f"never delivered: {sorted(chats - set(delivered))}"
    # A digest goes twice only into a chat where an answer was lost after it arrived.
    assert all(extra <= fake.lost_answers[chat] for chat, extra in doubled.items()), doubled
    # Waiting, not spinning: a retry loop without pauses would keep a core busy.
    assert busy < 0.5, f"the bot used {busy:.0%} of a core while Telegram failed"
