"""A scratch PostgreSQL database of this benchmark's own: created fresh, dropped at the end."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url

DEFAULT_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def unreachable(admin_url: str) -> str | None:
    """None when the server answers, else the reason to print."""
    try:
        connection = await asyncpg.connect(_dsn(admin_url), timeout=3)
    except Exception as exc:  # any failure means "skip PostgreSQL with the reason"
        return f"PostgreSQL unreachable at {admin_url}: {type(exc).__name__}: {exc}"
    await connection.close()
    return None


@asynccontextmanager
async def scratch(admin_url: str, tag: str = "") -> AsyncIterator[str]:
    """Yield the URL of a new empty database `bench_<pid><tag>`; drop it afterwards."""
    name = f"bench_{os.getpid()}{tag}"
    admin = await asyncpg.connect(_dsn(admin_url), timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        admin = await asyncpg.connect(_dsn(admin_url), timeout=5)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
