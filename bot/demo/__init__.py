"""`dpo-bot demo`: the whole product in a browser, with no Telegram and nothing to set up.

One process holds three things: the project's fake Bot API server (`bot.fakeapi`, the one the
tests use) on a free loopback port, the real bot (`bot.serve.run`, long polling) against it with
a temporary SQLite database, and the demo page (`bot.demo.web`) on 127.0.0.1:PORT. The sample
region of `bot/samples` is imported and everyone gets an invitation, so each person can be
linked from the page as they would be from the link in their letter.

What differs from a deployment, on purpose: quiet hours are off (the demo is shown at any
hour); the button «09:00» runs the scheduler's digest and reminder passes at once, whatever
the day and time, and sends today's digest again if it was sent (as `dpo-bot digest --force`).
The database lives in a temporary folder and is gone when the demo stops.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import tempfile
import webbrowser
from collections.abc import Callable
from pathlib import Path

from aiohttp.web import AppRunner, TCPSite
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import migrate, serve
from bot.app import Runtime
from bot.demo.region import load_region
from bot.demo.web import DemoSite
from bot.fakeapi import FakeTelegram
from bot.passes import run_passes, schedule_from_settings
from bot.settings import Settings
from models.engine import create_engine, create_sessionmaker

log = logging.getLogger(__name__)

DEMO_TOKEN = "123456:DEMO"
DEMO_BOT_USERNAME = "dpo_demo_bot"
DEMO_BOT_NAME = "DPO demo bot"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _check_port(host: str, port: int) -> None:
    """Fail at once, before the region is loaded, when the page's port is taken (OSError)."""
    if port:
        with socket.socket() as sock:
            sock.bind((host, port))


def demo_settings(folder: Path, api_url: str) -> Settings:
    """The embedded defaults, pointed at the fake server; nothing read from the environment
    may send the demo to a real Telegram, a shared database or Redis."""
    return Settings(
        bot_token=SecretStr(DEMO_TOKEN),
        bot_username=DEMO_BOT_USERNAME,
        telegram_api_url=api_url,
        database_url=f"sqlite+aiosqlite:///{folder / 'demo.sqlite3'}",
        redis_url=None,
        webhook_base_url=None,
        webhook_secret=None,
        webhook_out_url=None,
        webhook_out_secret=None,
        api_token=None,
        web_host="127.0.0.1",
        web_port=free_port(),
        quiet_hours="off",
        workdays_file=None,
    )


async def run_demo(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    on_listening: Callable[[str], None] | None = None,
) -> None:
    """Serve the demo until SIGINT or SIGTERM (the bot's polling ends on either)."""
    _check_port(host, port)
    with tempfile.TemporaryDirectory(prefix="dpo-bot-demo-") as folder:
        fake = FakeTelegram(
            token=DEMO_TOKEN, bot_username=DEMO_BOT_USERNAME, bot_name=DEMO_BOT_NAME
        )
        await fake.start()
        try:
            settings = demo_settings(Path(folder), fake.base_url)
            engine = create_engine(settings.database_url)
            try:
                async with engine.begin() as connection:
                    await migrate.upgrade_connection(connection)
                sessionmaker = create_sessionmaker(engine, info=settings.session_info())
                people = await load_region(sessionmaker, invite_ttl_days=settings.invite_ttl_days)
                tick = _Tick(settings, sessionmaker)
                site = DemoSite(fake, people, sessionmaker, tick)
                await _serve(settings, site, tick, host, port, on_listening)
            finally:
                await engine.dispose()
        finally:
            await fake.stop()


class _Tick:
    """The «09:00» button: the scheduler's passes now, and the sender woken to send them."""

    def __init__(self, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.schedule = schedule_from_settings(settings)
        self.sessionmaker = sessionmaker
        self.runtime: Runtime | None = None

    def attach(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def __call__(self) -> dict[str, int]:
        report = await run_passes(self.sessionmaker, self.schedule, anytime=True, force=True)
        if self.runtime is not None:
            self.runtime.sender.wake()
        return {"messages": report.messages, "digests": report.digests.messages}


async def _serve(
    settings: Settings,
    site: DemoSite,
    tick: _Tick,
    host: str,
    port: int,
    on_listening: Callable[[str], None] | None,
) -> None:
    # The backstop for a page that keeps a connection open past the stop.
    runner = AppRunner(site.app(), access_log=None, handle_signals=False, shutdown_timeout=5.0)
    await runner.setup()
    try:
        await TCPSite(runner, host, port).start()
        bound = runner.addresses[0]
        if on_listening is not None:
            on_listening(f"http://{bound[0]}:{bound[1]}")
        await serve.run(settings, on_ready=tick.attach)
    finally:
        await runner.cleanup()


def open_in_browser(url: str) -> None:
    with contextlib.suppress(webbrowser.Error):
        webbrowser.open(url)
