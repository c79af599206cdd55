"""Replicas started at once on an empty database all come up (issue: scale-out, item 4).

Each `dpo-bot migrate` is a process, as each replica's `dpo-bot run` migrates on start; on
PostgreSQL the migrations run under an advisory lock, so the others wait and then find
nothing to do. On SQLite the write lock taken at BEGIN queues them the same way.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from models.engine import create_engine
from tests.conftest import make_database

DPO_BOT = str(Path(sys.executable).with_name("dpo-bot"))
REPLICAS = 3


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from make_database(request.param, tmp_path)


async def _migrate(url: str, workdir: Path) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATABASE_URL=url, BOT_TOKEN="123456:TEST")
    process = await asyncio.create_subprocess_exec(
        DPO_BOT,
        "migrate",
        cwd=workdir,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode or 0, output.decode(errors="replace")


async def test_replicas_migrating_at_once_all_succeed(empty_url: str, tmp_path: Path) -> None:
    results = await asyncio.gather(*(_migrate(empty_url, tmp_path) for _ in range(REPLICAS)))
    for code, output in results:
        assert code == 0, output
        assert "Traceback" not in output, output
    engine = create_engine(empty_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            versions = (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).all()
    finally:
        await engine.dispose()
    assert len(versions) == 1
