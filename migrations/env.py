"""Alembic environment: async engine, the URL given by `bot.migrate`, batch mode for SQLite.

Replicas start at once and each migrates. On PostgreSQL the migration transaction first takes
a transaction-scoped advisory lock: the others wait for it, then read the version the first
one committed and find nothing to do (without it two create the same tables and one fails).
On SQLite the write lock taken at BEGIN (`models.engine`) queues them the same way.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from models import Base
from models.engine import AdvisoryLock, create_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            lock = text("SELECT pg_advisory_xact_lock(:key)")
            connection.execute(lock, {"key": int(AdvisoryLock.MIGRATIONS)})
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_async(config.get_main_option("sqlalchemy.url") or ""))
