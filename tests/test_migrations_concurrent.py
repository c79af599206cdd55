"""Replicas started at once on an empty database all come up (issue: scale-out, item 4).

Each `dpo-bot migrate` is a process, as each replica's `dpo-bot run` migrates on start; on
PostgreSQL the migrations run under an advisory lock, so the others wait and then find
nothing to do. On SQLite the write lock taken at BEGIN queues them the same way.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from models.engine import create_engine
from tests.conftest import run_dpo_bot

REPLICAS = 3


async def test_replicas_migrating_at_once_all_succeed(db_url: str, tmp_path: Path) -> None:
    results = await asyncio.gather(
        *(
            run_dpo_bot(tmp_path, "migrate", settings={"DATABASE_URL": db_url})
            for _ in range(REPLICAS)
        )
    )
    for code, output in results:
        assert code == 0, output
        assert "Traceback" not in output, output
    engine = create_engine(db_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            versions = (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).all()
    finally:
        await engine.dispose()
    assert len(versions) == 1
