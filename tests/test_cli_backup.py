"""`dpo-bot backup FILE`: a complete copy of SQLite while a writer goes on; PostgreSQL's line."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from tests.test_cli import SAMPLE_FILES, cli


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_a_backup_is_a_whole_database_taken_while_another_process_writes(tmp_path: Path) -> None:
    assert cli(tmp_path, "import", *SAMPLE_FILES).returncode == 0
    database = tmp_path / "db.sqlite3"
    stop = threading.Event()

    def writer() -> None:  # the bot, say: short write transactions all along
        connection = sqlite3.connect(database, timeout=30)
        while not stop.is_set():
            with connection:
                connection.execute(
                    "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?)",
                    (time.monotonic_ns(), "2026-12-01 00:00:00+00:00"),
                )
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = cli(tmp_path, "backup", tmp_path / "copy.sqlite3")
    finally:
        stop.set()
        thread.join()
    assert result.returncode == 0, result.stderr
    assert "backed up to" in result.stdout
    copy = tmp_path / "copy.sqlite3"
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert _count(copy, "applications") == 5 and _count(copy, "people") == 6
    assert not (tmp_path / "copy.sqlite3.part").exists()
    # The copy opens as the bot's database: it exports the same applications.
    exported = cli(
        tmp_path,
        "export",
        tmp_path / "from-copy.csv",
        env={"DATABASE_URL": f"sqlite+aiosqlite:///{copy}"},
    )
    assert exported.returncode == 0, exported.stderr
    assert len((tmp_path / "from-copy.csv").read_text(encoding="utf-8-sig").splitlines()) == 6


def test_bad_targets_are_refused_in_one_line(tmp_path: Path) -> None:
    assert cli(tmp_path, "migrate").returncode == 0
    for target, words in (
        (tmp_path / "db.sqlite3", "the database itself"),
        (tmp_path / "missing" / "copy.sqlite3", "no folder"),
    ):
        result = cli(tmp_path, "backup", target)
        assert result.returncode == 1 and words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_on_postgresql_the_pg_dump_line_is_printed(tmp_path: Path) -> None:
    result = cli(
        tmp_path,
        "backup",
        "dpo.dump",
        env={"DATABASE_URL": "postgresql+asyncpg://dpo@db.example.org:5433/dpo"},
    )
    assert result.returncode == 2
    assert (
        "pg_dump --format=custom --file=dpo.dump --host=db.example.org --port=5433"
        " --username=dpo dpo" in result.stderr
    )
