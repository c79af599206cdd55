"""Decisions at the morning peak: concurrent directors tapping «✅ Одобрить», «Без комментария».

Each director decides their cards one after another, as fast as the bot answers: press
«✅ Одобрить» on a card, wait for the comment prompt, press «Без комментария», wait for the
prompt to be edited into the result. The tap figure is that last wait (press → edited); the
rate is the decisions completed per second after a warm-up; the CPU is the bot process's
utime+stime from the first press until it is idle again (its outbox work included), per
decision. The floor bot gets the same chats, cards and presses; it answers each press and
edits the pressed message, so its «prompt» is the card itself. The bot runs with its Telegram
budget lifted (`UNPACED`), as the floor has none.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import seed
from bench.fake import BenchTelegram
from bench.procs import Proc, dpo_bot, floor_bot
from bot.fakeapi.server import Call
from bot.migrate import upgrade
from handlers.decision import DecideCb, PromptAction
from handlers.director.callbacks import CardAction, CardCb, status_code
from models import Status

STEP_TIMEOUT = 30.0
# The bot's own Telegram budget lifted: this server enforces no limits and the floor keeps none,
# so the runs compare the cores. With the budget on, a director deciding card after card as fast
# as the bot answers is held to one new message a second in the chat (the comment prompt) and
# the region to 30 calls a second: those figures would measure the budget. The digest section
# measures it, against a server that enforces Telegram's limits.
UNPACED = {"SEND_RATE": "1000", "SEND_CHAT_INTERVAL": "0"}
# How long decisions in progress at the end of the window may take to finish.
GRACE = 10.0


def _log(text: str) -> None:
    print(f"   {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


@dataclass
class DecisionRun:
    label: str
    directors: int
    seconds: float
    rtt_ms: int
    taps: list[float] = field(default_factory=list)  # «Без комментария» → prompt edited, s
    card_waits: list[float] = field(default_factory=list)  # → card refreshed, s
    decisions: int = 0  # completed within the measured window
    total_decisions: int = 0
    failures: int = 0
    unfinished: int = 0  # directors still waiting for the bot GRACE s after the window
    cpu_seconds: float = 0.0
    rss_idle_mb: float = 0.0
    rss_peak_mb: float = 0.0
    tracebacks: int = 0
    error: str | None = None

    @property
    def rate(self) -> float:
        return self.decisions / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_decision(self) -> float | None:
        return 1000 * self.cpu_seconds / self.total_decisions if self.total_decisions else None

    def tap(self, q: float) -> float | None:
        return quantile(self.taps, q)

    def card(self, q: float) -> float | None:
        return quantile(self.card_waits, q)


def quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def _is_prompt(call: Call) -> bool:
    return call.method == "sendMessage" and DecideCb(action=PromptAction.SKIP).pack() in str(
        call.params.get("reply_markup")
    )


def _answer_to(card_id: int) -> Callable[[Call], bool]:
    def answered(call: Call) -> bool:
        if call.method == "editMessageText":
            return bool(call.params.get("message_id") == card_id)
        return _is_prompt(call)

    return answered


async def _director(
    fake: BenchTelegram,
    director: seed.Director,
    run: DecisionRun,
    window: tuple[float, float],
    stop: asyncio.Event,
    track_cards: bool,
    pending_cards: list[asyncio.Task[None]],
) -> None:
    user = director.user
    seen = status_code(Status.NEW)
    for number, card_id in director.cards:
        if stop.is_set():
            return
        try:
            # The bot answers «✅ Одобрить» with a prompt; the floor edits the card itself.
            prompt_sent = fake.next_call(user.id, _answer_to(card_id))
            fake.press(
                user,
                card_id,
                CardCb(action=CardAction.APPROVE, number=number, seen=seen).pack(),
                strict=False,
            )
            call = await asyncio.wait_for(prompt_sent, STEP_TIMEOUT)
            prompt_id = int(call.result["message_id"])
            edited = fake.next_edit(user.id, prompt_id)
            card_edited = fake.next_edit(user.id, card_id) if track_cards else None
            pressed = time.perf_counter()
            fake.press(user, prompt_id, DecideCb(action=PromptAction.SKIP).pack(), strict=False)
            done = await asyncio.wait_for(edited, STEP_TIMEOUT)
        except TimeoutError:
            run.failures += 1
            continue
        run.taps.append(done - pressed)
        run.total_decisions += 1
        if window[0] <= done <= window[1]:
            run.decisions += 1
        if card_edited is not None:
            pending_cards.append(asyncio.create_task(_card_wait(run, card_edited, pressed)))


async def _card_wait(run: DecisionRun, edited: asyncio.Future[float], pressed: float) -> None:
    with contextlib.suppress(TimeoutError, asyncio.CancelledError):
        run.card_waits.append(await asyncio.wait_for(edited, STEP_TIMEOUT) - pressed)


async def _idle(proc: Proc, quiet: float = 1.0, limit: float = 30.0) -> None:
    """Until the process has used (almost) no CPU for `quiet` seconds, or `limit` passed."""
    deadline = time.monotonic() + limit
    last = proc.cpu()
    while time.monotonic() < deadline:
        await asyncio.sleep(quiet)
        now = proc.cpu()
        if now - last <= 0.02 * quiet:
            return
        last = now


async def measure(
    *,
    floor: bool,
    database_url: str | None,
    rtt_ms: int,
    directors: int,
    per_director: int,
    seconds: float,
    warmup: float,
    label: str,
) -> DecisionRun:
    run = DecisionRun(label, directors, seconds, rtt_ms)
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        workdir = Path(folder)
        url = database_url
        if not floor and url is None:
            url = f"sqlite+aiosqlite:///{workdir / 'bot.sqlite3'}"
        async with BenchTelegram(rtt=rtt_ms / 1000) as fake:
            if url is not None:
                await asyncio.to_thread(upgrade, url)
            people = await seed.seed(
                None if floor else url, fake, schools=directors, per_school=per_director
            )
            if floor:
                proc = floor_bot(workdir, fake.base_url)
            else:
                assert url is not None
                daysoff = seed.workdays_file(workdir, working=False)
                proc = dpo_bot(workdir, fake.base_url, url, WORKDAYS_FILE=str(daysoff), **UNPACED)
            try:
                _log(f"{label}: seeded, starting the bot")
                await proc.start(fake)
                _log("polling; load")
                await asyncio.sleep(1.0)
                run.rss_idle_mb = proc.memory()[0]
                cpu_before = proc.cpu()
                stop = asyncio.Event()
                start = time.perf_counter()
                window = (start + warmup, start + warmup + seconds)
                pending: list[asyncio.Task[None]] = []
                tasks = [
                    asyncio.create_task(_director(fake, d, run, window, stop, not floor, pending))
                    for d in people
                ]
                await asyncio.wait(tasks, timeout=warmup + seconds)
                stop.set()
                # Decisions in progress may finish (their taps count, not their decisions); a
                # bot that has fallen far behind is not waited for.
                _, late = await asyncio.wait(tasks, timeout=GRACE)
                for task in late:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                run.unfinished = len(late)
                run.seconds = min(seconds, max(time.perf_counter() - window[0], 1e-9))
                _log(f"load done ({run.total_decisions} decisions); until idle")
                await _idle(proc, limit=10.0)
                run.cpu_seconds = proc.cpu() - cpu_before
                run.rss_peak_mb = proc.memory()[1]
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending)
            except Exception as exc:  # reported in the table, the other sections still run
                run.error = f"{type(exc).__name__}: {exc}"
            finally:
                _log("stopping")
                await proc.stop()
                _log("stopped")
                run.tracebacks = proc.tracebacks()
    return run
