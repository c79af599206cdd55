"""`dpo-bot run` that cannot start says why in a line or two, exits non-zero, shows no traceback.

And a stop signal during start-up ends it cleanly (status 0), not by the default 143.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from bot.fakeapi import FakeTelegram
from tests.conftest import DPO_BOT, PG_ADMIN_DSN, _pg_unreachable_reason
from tests.e2e.conftest import TOKEN, bot_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        "api_url": f"http://127.0.0.1:{free_port()}",
    }
    environment = bot_env(tmp_path, base["database_url"], base["api_url"])
    environment["WEB_PORT"] = str(free_port())
    environment.update(env)
    return subprocess.run(
        [DPO_BOT, "run"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What the operator reads: the lines that are not timestamped log records."""
    return [line for line in result.stderr.splitlines() if line and not line[:4].isdigit()]


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode not in (0, None), output
    assert "Traceback" not in output, output
    lines = error_lines(result)
    assert 1 <= len(lines) <= 2, output
    message = " ".join(lines)
    assert message.startswith("Error: "), output
    for word in words:
        assert word in message, output
    return message


def test_malformed_token(tmp_path: Path) -> None:
    result = run_bot(tmp_path, BOT_TOKEN="not a token")
    assert_one_clear_line(result, "BOT_TOKEN is malformed", "@BotFather")


def test_unreachable_bot_api(tmp_path: Path) -> None:
    result = run_bot(tmp_path)
    assert_one_clear_line(result, "cannot reach the Bot API", "TELEGRAM_API_URL")
    assert "Unclosed client session" not in result.stderr


async def test_token_refused_by_telegram(tmp_path: Path) -> None:
    async with FakeTelegram(token="999:OTHER") as fake:
        result = await asyncio.to_thread(run_bot, tmp_path, TELEGRAM_API_URL=fake.base_url)
    assert_one_clear_line(result, "401 Unauthorized", "BOT_TOKEN")


def test_postgresql_refusing(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://dpo@127.0.0.1:{free_port()}/test"
    result = run_bot(tmp_path, DATABASE_URL=url)
    assert_one_clear_line(result, "cannot connect to the database", "DATABASE_URL")


def test_postgresql_database_missing(tmp_path: Path) -> None:
    reason = _pg_unreachable_reason()
    if reason:
        pytest.skip(reason)
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    result = run_bot(tmp_path, DATABASE_URL=f"{base}/dpo_no_such_database")
    assert_one_clear_line(result, "dpo_no_such_database does not exist", "DATABASE_URL")


def test_unwritable_data_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    result = run_bot(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{blocker / 'dpo.sqlite3'}")
    assert_one_clear_line(result, "cannot create the database folder", "DATABASE_URL")


def test_a_database_without_a_file_is_refused(tmp_path: Path) -> None:
    result = run_bot(tmp_path, DATABASE_URL="sqlite+aiosqlite:///")
    assert_one_clear_line(result, "DATABASE_URL names no database file")


async def test_sigterm_during_start_up_stops_cleanly(tmp_path: Path) -> None:
    async with FakeTelegram(token=TOKEN) as fake:
        fake.delay("getMe", 10)
        fake.delay("deleteWebhook", 10)
        env = bot_env(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}", fake.base_url)
        env["WEB_PORT"] = str(free_port())
        process = await asyncio.create_subprocess_exec(
            DPO_BOT,
            "run",
            cwd=tmp_path,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        for _ in range(600):
            if {"getMe", "deleteWebhook"} & set(fake.started):
                break
            await asyncio.sleep(0.05)
        else:
            process.kill()
            raise AssertionError("the bot never called Telegram")
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    text = output.decode()
    assert process.returncode == 0, text
    assert "Traceback" not in text, text
