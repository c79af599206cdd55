"""The 09:00 digest to many directors through a server that enforces Telegram's flood limits.

The fake answers 429 (with `retry_after`) to a message beyond 30 a second overall or a second
one within a second into the same chat. The bot starts with the digest due (today made a
working day, `DIGEST_TIME=00:00`), so it sends every digest at once; the time runs from its
first request (getMe) to the last digest delivered, against the bound `directors / 30` s.
While the digests go out, one more director (whose digest went out earlier today) decides a
card; how long its card edit waited behind the digests is the interactive figure.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import seed
from bench.fake import BenchTelegram, FloodLimits
from bench.procs import dpo_bot
from bot.fakeapi.server import Call
from bot.migrate import upgrade
from handlers.decision import DecideCb, PromptAction
from handlers.director.callbacks import CardAction, CardCb, status_code
from models import Status


@dataclass
class DigestRun:
    directors: int
    delivered: int = 0
    seconds: float | None = None
    too_many: int = 0
    card_wait: float | None = None
    prompt_wait: float | None = None
    # Why the decision during the digest has no figure (a step that never came).
    missing: str | None = None
    rss_peak_mb: float = 0.0
    tracebacks: int = 0
    error: str | None = None

    @property
    def bound(self) -> float:
        return self.directors / FloodLimits().per_second


async def measure(directors: int, database_url: str | None = None) -> DigestRun:
    run = DigestRun(directors)
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        workdir = Path(folder)
        url = database_url or f"sqlite+aiosqlite:///{workdir / 'bot.sqlite3'}"
        async with BenchTelegram(limits=FloodLimits()) as fake:
            await asyncio.to_thread(upgrade, url)
            people = await seed.seed(
                url,
                fake,
                schools=directors + 1,
                per_school=1,
                teachers_per_school=1,
                digest_done=1,
            )
            *recipients, interactive = people
            chats = {d.user.id for d in recipients}
            started: list[float] = []
            delivered: list[float] = []
            all_in = asyncio.Event()

            def listen(call: Call, now: float) -> None:
                if call.method == "getMe" and not started:
                    started.append(now)
                elif (
                    call.ok and call.method == "sendMessage" and call.params.get("chat_id") in chats
                ):
                    delivered.append(now)
                    if len(delivered) >= len(chats):
                        all_in.set()

            fake.listeners.append(listen)
            workdays = seed.workdays_file(workdir, working=True)
            proc = dpo_bot(
                workdir, fake.base_url, url, WORKDAYS_FILE=str(workdays), DIGEST_TIME="00:00"
            )
            try:
                await proc.start(fake)
                # A director decides while the digests are going out.
                deadline = time.perf_counter() + 30
                while len(delivered) < max(1, len(chats) // 6) and time.perf_counter() < deadline:
                    await asyncio.sleep(0.05)
                try:
                    await _decide(fake, interactive, run)
                except TimeoutError:
                    refused = fake.too_many_by_chat[interactive.user.id]
                    run.missing = f"{run.missing} within 60 s ({refused} × 429 into that chat)"
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(all_in.wait(), max(3 * run.bound, 30))
                run.delivered = len(delivered)
                if started and delivered:
                    run.seconds = delivered[-1] - started[0]
                run.too_many = fake.too_many
                run.rss_peak_mb = proc.memory()[1]
            except Exception as exc:
                run.error = f"{type(exc).__name__}: {exc}"
            finally:
                await proc.stop()
                run.tracebacks = proc.tracebacks()
    return run


async def _decide(fake: BenchTelegram, director: seed.Director, run: DigestRun) -> None:
    user = director.user
    number, card_id = director.cards[0]
    prompt_sent = fake.next_call(
        user.id,
        lambda c: (
            c.method == "sendMessage"
            and DecideCb(action=PromptAction.SKIP).pack() in str(c.params.get("reply_markup"))
        ),
    )
    fake.press(
        user,
        card_id,
        CardCb(action=CardAction.APPROVE, number=number, seen=status_code(Status.NEW)).pack(),
        strict=False,
    )
    run.missing = "no comment prompt"
    call = await asyncio.wait_for(prompt_sent, 60)
    prompt_id = int(call.result["message_id"])
    edited = fake.next_edit(user.id, prompt_id)
    card_edited = fake.next_edit(user.id, card_id)
    pressed = time.perf_counter()
    fake.press(user, prompt_id, DecideCb(action=PromptAction.SKIP).pack(), strict=False)
    run.missing = "no prompt edit"
    run.prompt_wait = await asyncio.wait_for(edited, 60) - pressed
    run.missing = "no card edit"
    run.card_wait = await asyncio.wait_for(card_edited, 60) - pressed
    run.missing = None
