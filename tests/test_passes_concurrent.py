"""Scheduled passes run by several processes at once (issue: scale-out, item 3).

`dpo-bot digest` on three replicas at once, with a region large enough for their passes to
overlap: each director gets one digest, and no process fails. On PostgreSQL the passes queue
behind a transaction-scoped advisory lock; on SQLite, behind the write lock taken at BEGIN.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select

from bench.fake import BenchTelegram
from bench.seed import seed
from models import OutboxMessage
from models.engine import create_engine, create_sessionmaker
from tests.conftest import run_dpo_bot

SETTINGS = {"BOT_TOKEN": "123456:TEST", "QUIET_HOURS": "off"}
PROCESSES = 3
SCHOOLS = 300


async def test_three_digest_commands_at_once_queue_one_digest_each(
    db_url: str, tmp_path: Path
) -> None:
    code, output = await run_dpo_bot(tmp_path, "migrate", settings={"DATABASE_URL": db_url})
    assert code == 0, output
    await seed(db_url, BenchTelegram(), schools=SCHOOLS, per_school=1)

    results = await asyncio.gather(
        *(
            run_dpo_bot(tmp_path, "digest", settings={**SETTINGS, "DATABASE_URL": db_url})
            for _ in range(PROCESSES)
        )
    )
    for code, output in results:
        assert code == 0, output
        assert "Traceback" not in output and "Error" not in output, output
    queued = sorted(int(output.split()[1]) for _, output in results)
    assert sum(queued) == SCHOOLS, results

    engine = create_engine(db_url, pool_size=1)
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
