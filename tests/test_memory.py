"""What a running bot keeps in memory: libraries used now and then are loaded when used.

Each one would stay resident for the process's life (Alembic ~11 MB, Pillow ~4 MB, openpyxl
~8 MB, the Redis client ~6 MB), and `dpo-bot run` has a memory budget (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot import migrate

RARELY_USED = ("alembic", "PIL", "openpyxl", "redis", "asyncpg")


def test_a_started_bot_has_not_loaded_what_it_rarely_uses(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    migrate.upgrade(url)
    # What `dpo-bot run` does before it polls: prepare the database, build the runtime.
    probe = f"""
import sys
from bot.cli.group import prepare_database
from bot.settings import Settings
settings = Settings(_env_file=None, bot_token="123456:ABC", database_url={url!r}, redis_url=None)
prepare_database(settings)
import bot.serve
from bot.app import build_bot, build_runtime
build_runtime(settings, build_bot(settings))
print(sorted({{name.split(".")[0] for name in sys.modules}} & set({RARELY_USED!r})))
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


def test_an_operators_command_does_not_import_aiogram(tmp_path: Path) -> None:
    """Building aiogram's types takes about two seconds: `import`, `invite`, `digest`... would
    each pay it for nothing (the bot's commands need Telegram only to send)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    samples = Path(__file__).resolve().parent.parent / "bot" / "samples" / "people.csv"
    probe = f"""
import os, sys
os.environ["DATABASE_URL"] = {url!r}
from bot.cli import main
try:
    main(["import", {str(samples)!r}], standalone_mode=False)
finally:
    print("aiogram" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=tmp_path,
    )
    assert done.stdout.strip().splitlines()[-1] == "False", done.stdout + done.stderr
