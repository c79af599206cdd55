"""Applying Alembic migrations from code (used by `dpo-bot migrate` and `dpo-bot run`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncConnection

import migrations


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision` (synchronously; call it outside a running loop)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


async def upgrade_connection(connection: AsyncConnection, revision: str = "head") -> None:
    """Apply migrations on an open connection (tests on a PostgreSQL schema use this)."""

    def _upgrade(sync_connection: object) -> None:
        config = alembic_config(str(connection.engine.url))
        config.attributes["connection"] = sync_connection
        command.upgrade(config, revision)

    await connection.run_sync(_upgrade)


async def downgrade_connection(connection: AsyncConnection, revision: str) -> None:
    def _downgrade(sync_connection: object) -> None:
        config = alembic_config(str(connection.engine.url))
        config.attributes["connection"] = sync_connection
        command.downgrade(config, revision)

    await connection.run_sync(_downgrade)
