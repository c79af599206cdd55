"""Applying Alembic migrations from code (used by `dpo-bot migrate` and `dpo-bot run`).

Every start of `dpo-bot run` (and every operator's command) brings the schema up to date. When
it already is, which is every start but the first after an upgrade, the stored revision is read
with one query and Alembic is not imported at all: it would stay in the bot's memory for its
whole life (about 11 MB) for nothing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

import migrations
from models.engine import READ_ONLY, create_engine

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision in migrations/versions (tests/test_database.py holds it to Alembic's
# head): a new migration updates it.
HEAD: Final = "0008"


async def stored_revision(url: str) -> str | None:
    """The schema's revision as recorded by Alembic; None for a database never migrated."""
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(**READ_ONLY)
            result = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return result.scalar_one_or_none()
    except DBAPIError:  # no alembic_version table yet
        return None
    finally:
        await engine.dispose()


def up_to_date(url: str) -> bool:
    """Whether the schema is at `HEAD` (synchronously; call it outside a running loop)."""
    return asyncio.run(stored_revision(url)) == HEAD


def prepare(url: str) -> None:
    """Bring the schema up to date, importing Alembic only if there is something to apply."""
    if not up_to_date(url):
        upgrade(url)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision` (synchronously; call it outside a running loop)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


async def upgrade_connection(connection: AsyncConnection, revision: str = "head") -> None:
    """Apply migrations on an open connection (tests on a PostgreSQL schema use this)."""

    def _upgrade(sync_connection: object) -> None:
        from alembic import command

        config = alembic_config(str(connection.engine.url))
        config.attributes["connection"] = sync_connection
        command.upgrade(config, revision)

    await connection.run_sync(_upgrade)


async def downgrade_connection(connection: AsyncConnection, revision: str) -> None:
    def _downgrade(sync_connection: object) -> None:
        from alembic import command

        config = alembic_config(str(connection.engine.url))
        config.attributes["connection"] = sync_connection
        command.downgrade(config, revision)

    await connection.run_sync(_downgrade)
