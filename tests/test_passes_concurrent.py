"""Scheduled passes run by several processes at once (issue: scale-out, item 3).

`dpo-bot digest` on three replicas at once, with a region large enough for their passes to
overlap: each director gets one digest, and no process fails. On PostgreSQL the passes queue
behind a transaction-scoped advisory lock; on SQLite, behind the write lock taken at BEGIN.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.fake import BenchTelegram
from bench.seed import seed
from models import OutboxMessage
from models.engine import create_engine, create_sessionmaker
from tests.conftest import make_database

DPO_BOT = str(Path(sys.executable).with_name("dpo-bot"))
PROCESSES = 3
SCHOOLS = 300


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from make_database(request.param, tmp_path)


async def _command(url: str, workdir: Path, *args: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATABASE_URL=url, BOT_TOKEN="123456:TEST", QUIET_HOURS="off")
    process = await asyncio.create_subprocess_exec(
        DPO_BOT,
        *args,
        cwd=workdir,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=180)
    return process.returncode or 0, output.decode(errors="replace")


async def test_three_digest_commands_at_once_queue_one_digest_each(
    empty_url: str, tmp_path: Path
) -> None:
    code, output = await _command(empty_url, tmp_path, "migrate")
    assert code == 0, output
    await seed(empty_url, BenchTelegram(), schools=SCHOOLS, per_school=1)

    results = await asyncio.gather(
        *(_command(empty_url, tmp_path, "digest") for _ in range(PROCESSES))
    )
    for code, output in results:
        assert code == 0, output
        assert "Traceback" not in output and "Error" not in output, output
    queued = sorted(int(output.split()[1]) for _, output in results)
    assert sum(queued) == SCHOOLS, results

    engine = create_engine(empty_url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            digests = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.method == "digest")
            )
            recipients = await session.scalar(
                select(func.count(func.distinct(OutboxMessage.person_id))).where(
                    OutboxMessage.method == "digest"
                )
            )
    finally:
        await engine.dispose()
    assert digests == recipients == SCHOOLS
