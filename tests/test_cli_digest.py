"""`dpo-bot digest` and `dpo-bot remind` run as the operator runs them, against a temp SQLite."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.settings import Settings
from models import Role
from models.engine import create_engine, create_sessionmaker
from tests import factories
from tests.test_cli import cli


async def _fill(url: str) -> None:
    """A school with a linked director, two applications waiting for weeks, a staff member."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            org = await factories.organization(session)
            await factories.person(session, org, Role.DIRECTOR, telegram_id=8_100_001)
            await factories.person(session, None, Role.STAFF, telegram_id=8_100_002)
            teacher = await factories.person(session, org, Role.TEACHER)
            for _ in range(2):
                app = await factories.application(session, teacher)
                app.submitted_on = date.today() - timedelta(days=40)
    finally:
        await engine.dispose()


def _count(tmp_path: Path, method: str) -> int:
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        row = connection.execute("SELECT count(*) FROM outbox WHERE method = ?", (method,))
        return int(row.fetchone()[0])


def test_digest_twice_sends_once_and_force_sends_again(tmp_path: Path) -> None:
    assert cli(tmp_path, "migrate").returncode == 0
    asyncio.run(_fill(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"))

    first = cli(tmp_path, "digest")
    assert first.returncode == 0, first.stderr
    assert "digests: 1 messages for 1 people queued" in first.stdout
    second = cli(tmp_path, "digest")
    assert second.returncode == 0, second.stderr
    assert "digests: 0 messages for 0 people queued" in second.stdout
    assert _count(tmp_path, "digest") == 1

    for _ in range(2):
        forced = cli(tmp_path, "digest", "--force")
        assert forced.returncode == 0, forced.stderr
    assert _count(tmp_path, "digest") == 3


def test_remind_runs_the_reminder_deadline_and_escalation_pass(tmp_path: Path) -> None:
    asyncio.run(_prepare(tmp_path))
    result = cli(tmp_path, "remind")
    assert result.returncode == 0, result.stderr
    assert "reminders: 1 messages for 1 people" in result.stdout
    assert "escalations: 1 for 1" in result.stdout
    assert (_count(tmp_path, "reminder"), _count(tmp_path, "escalation")) == (1, 1)
    again = cli(tmp_path, "remind")
    assert again.returncode == 0, again.stderr
    assert (_count(tmp_path, "reminder"), _count(tmp_path, "escalation")) == (1, 1)
    assert _count(tmp_path, "digest") == 0


async def _prepare(tmp_path: Path) -> None:
    from bot.migrate import upgrade

    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    await asyncio.to_thread(upgrade, url)
    await _fill(url)


@pytest.mark.skipif(
    "workdays_file" not in Settings.model_fields, reason="Settings.workdays_file not added yet"
)
def test_a_broken_workdays_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "days.txt").write_text("2027-01-16 maybe\n", encoding="utf-8")
    result = cli(tmp_path, "digest", env={"WORKDAYS_FILE": str(tmp_path / "days.txt")})
    assert result.returncode != 0
    assert "line 1: expected 'work' or 'off'" in result.stderr
