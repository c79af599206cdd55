"""Shared fixtures: a fresh database per test on SQLite and, where reachable, PostgreSQL."""

from __future__ import annotations

import os
import re
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models import Base
from models.engine import create_engine, create_sessionmaker
from services.importer.columns import Col

PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
# Connections one test engine may open to PostgreSQL (the server is shared with other runs).
TEST_POOL_SIZE = 4
# The sample region ships inside the package (bot/samples): a clone of the repository alone
# passes the tests.
SAMPLES = Path(
    os.environ.get("DPO_SAMPLES", Path(__file__).resolve().parents[1] / "bot" / "samples")
)
FIXTURES = Path(__file__).parent / "fixtures"
# The command line as a user runs it, from the environment the tests run in.
DPO_BOT = str(Path(sys.executable).with_name("dpo-bot"))
# Settings a developer's shell might carry that must not leak into a command under test.
SCRUBBED_SETTINGS = (
    "BOT_TOKEN",
    "BOT_USERNAME",
    "DATABASE_URL",
    "REDIS_URL",
    "API_TOKEN",
    "WEBHOOK_BASE_URL",
    "WEBHOOK_OUT_URL",
    "TELEGRAM_API_URL",
)


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without the bot's settings, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in SCRUBBED_SETTINGS}
    env.update(settings)
    return env


async def run_dpo_bot(
    workdir: Path, *args: str, settings: dict[str, str], timeout: float = 180
) -> tuple[int, str]:
    """`dpo-bot ARGS` as a process with these settings: (exit code, stdout and stderr)."""
    import asyncio

    process = await asyncio.create_subprocess_exec(
        DPO_BOT,
        *args,
        cwd=workdir,
        env=clean_env(**settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=timeout)
    return process.returncode or 0, output.decode(errors="replace")


CYRILLIC = re.compile("[А-Яа-яЁё]")
# «…» with one level of «…» inside, as in «МОУ «Еткульская СОШ»».
QUOTED = re.compile(r"«[^«»]*(?:«[^«»]*»[^«»]*)*»")
IMPORT_COLUMNS = sorted(
    (value for name, value in vars(Col).items() if name.isupper()), key=len, reverse=True
)


def english(text: str) -> bool:
    """The text speaks English: Cyrillic only in «quoted» values and the fixed column names."""
    bare = QUOTED.sub("", text)
    for column in IMPORT_COLUMNS:
        bare = bare.replace(column, "")
    return not CYRILLIC.search(bare)


_pg_state: dict[str, str | None] = {}


def _pg_unreachable_reason() -> str | None:
    """None when PostgreSQL answers, else why not (checked once per run)."""
    if "reason" not in _pg_state:
        import asyncio

        import asyncpg

        async def probe() -> None:
            connection = await asyncpg.connect(PG_ADMIN_DSN, timeout=3)
            await connection.close()

        try:
            asyncio.run(probe())
            _pg_state["reason"] = None
        except Exception as exc:  # any failure means "skip with the reason"
            _pg_state["reason"] = f"PostgreSQL unreachable at {PG_ADMIN_DSN}: {exc!r}"
    return _pg_state["reason"]


def _pg_admin(sql: str) -> None:
    import asyncio

    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(run())


REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
_redis_state: dict[str, str | None] = {}


def redis_unreachable_reason() -> str | None:
    """None when Redis answers at REDIS_TEST_URL, else why not (checked once per run)."""
    if "reason" not in _redis_state:
        import redis

        client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=3)
        try:
            client.ping()
            _redis_state["reason"] = None
        except Exception as exc:  # any failure means "skip with the reason"
            _redis_state["reason"] = f"Redis unreachable at {REDIS_TEST_URL}: {exc!r}"
        finally:
            client.close()
    return _redis_state["reason"]


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own on the shared Redis; its keys are deleted afterwards."""
    reason = redis_unreachable_reason()
    if reason:
        pytest.skip(reason)
    import redis

    prefix = f"dpo-test:{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def make_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database of `kind`; drop it afterwards."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
        return
    reason = _pg_unreachable_reason()
    if reason:
        pytest.skip(reason)
    name = f"dpo_{uuid.uuid4().hex[:16]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        yield f"{base}/{name}"
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, once on SQLite and once on PostgreSQL."""
    yield from make_database(request.param, tmp_path)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    yield from make_database("sqlite", tmp_path)


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    # The server is shared: a test needs a few connections, never the default pool.
    engine = create_engine(db_url, pool_size=TEST_POOL_SIZE)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def sqlite_sessionmaker(sqlite_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A migrated-equivalent SQLite database (for tests that need no PostgreSQL run)."""
    engine = create_engine(sqlite_url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield create_sessionmaker(engine)
    await engine.dispose()


from tests.dispatcher import harness  # noqa: E402, F401  (fixture for dispatcher-level tests)
