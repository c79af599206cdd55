"""End-to-end harness: `dpo-bot run` as a real process against the fake Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import migrate
from bot.fakeapi import FakeTelegram
from models import Person
from models.engine import create_engine, create_sessionmaker
from tests.conftest import DPO_BOT, TEST_POOL_SIZE, clean_env, make_database

TOKEN = "123456:TEST"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_env(workdir: Path, database_url: str, api_url: str, **extra: str) -> dict[str, str]:
    env = clean_env(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=api_url,
        DATABASE_URL=database_url,
        # `run` always serves /healthz: a free loopback port, not 0.0.0.0:8080 shared by runs.
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(free_port()),
        LOG_LEVEL="INFO",
        # Bounded on PostgreSQL (the server is shared); ignored on SQLite.
        DATABASE_POOL_SIZE="5",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class BotProcess:
    """One `dpo-bot run`; start it again after a stop or a kill to play a restart."""

    fake: FakeTelegram
    workdir: Path
    env: dict[str, str]
    process: asyncio.subprocess.Process | None = None
    runs: int = 0
    log_paths: list[Path] = field(default_factory=list)

    async def start(self, *, wait: bool = True) -> None:
        assert self.process is None, "already running"
        self.runs += 1
        log_path = self.workdir / f"bot-{self.runs}.log"
        self.log_paths.append(log_path)
        polls = self.fake.poll_count
        with log_path.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                DPO_BOT,
                "run",
                cwd=self.workdir,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        if wait:
            try:
                await self.fake.wait_polling(timeout=60, after=polls)
            except TimeoutError:
                raise AssertionError(f"the bot did not start polling:\n{self.log()}") from None

    async def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 30) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        try:
            code = await asyncio.wait_for(self.process.wait(), timeout)
        finally:
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()
            self.process = None
        return code

    async def kill(self) -> None:
        await self.stop(signal.SIGKILL)

    def log(self) -> str:
        return "\n".join(
            f"--- run {n}\n" + path.read_text(errors="replace")
            for n, path in enumerate(self.log_paths, 1)
            if path.exists()
        )


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as server:
        yield server


# E2E_DATABASE=postgresql runs the suite on a new PostgreSQL database per test (CI runs both).
E2E_DATABASE = os.environ.get("E2E_DATABASE", "sqlite")


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    for url in make_database(E2E_DATABASE, tmp_path):
        if E2E_DATABASE == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
        migrate.upgrade(url)
        yield url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The bot's database as seen from the test, to seed it and to check what it holds."""
    engine = create_engine(database_url, pool_size=TEST_POOL_SIZE)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def bot(fake: FakeTelegram, database_url: str, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """A configured, not yet started bot; stopped (and its exit checked) at the end."""
    process = BotProcess(fake, tmp_path, bot_env(tmp_path, database_url, fake.base_url))
    yield process
    if process.process is not None:
        code = await process.stop()
        assert code == 0, process.log()
    assert "Traceback" not in process.log(), process.log()
    # The log at INFO names nobody: no name, phone or person code of anyone in the database.
    leaked = await personal_data_in(process.log(), database_url)
    assert not leaked, f"personal data in the bot's log: {leaked}"


async def personal_data_in(log: str, database_url: str) -> list[str]:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            people = (
                await connection.execute(select(Person.full_name, Person.phone, Person.code))
            ).all()
    except DBAPIError:  # never migrated: nobody to name
        return []
    finally:
        await engine.dispose()
    found = []
    for name, phone, code in people:
        digits = "".join(ch for ch in phone or "" if ch.isdigit())[-10:]
        for value in (name, code, digits if len(digits) == 10 else None):
            if value and value in log:
                found.append(value)
    return found
