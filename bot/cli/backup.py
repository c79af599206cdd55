"""`dpo-bot backup FILE`: a consistent copy of the embedded database, taken while the bot runs.

On SQLite it is SQLite's online backup (`sqlite3.Connection.backup`): pages are copied while
other processes go on reading and writing, and the copy is a database as it was at one moment.
The copy is written beside FILE and renamed into place when complete, so FILE is never half a
database. On PostgreSQL the server's own tool does the job better than the bot could: the
command prints the `pg_dump` line to run (the README has it too) and exits with status 2.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from bot.cli.group import main, settings_or_exit

# Pages copied per step: small steps let the bot write between them.
PAGES_PER_STEP = 1024


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy `source` into `target` online; the size of the copy in bytes."""
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    origin = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        origin.backup(copy, pages=PAGES_PER_STEP)
        ok = copy.execute("PRAGMA integrity_check").fetchone()
    finally:
        copy.close()
        origin.close()
    if ok is None or ok[0] != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException("the copy failed its integrity check; nothing was written")
    partial.replace(target)
    return target.stat().st_size


def pg_dump_command(database_url: str, target: Path) -> str:
    url = make_url(database_url)
    parts = ["pg_dump", "--format=custom", f"--file={target}"]
    if url.host:
        parts.append(f"--host={url.host}")
    if url.port:
        parts.append(f"--port={url.port}")
    if url.username:
        parts.append(f"--username={url.username}")
    parts.append(url.database or "")
    return " ".join(parts)


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Copy the database to FILE while the bot runs (on PostgreSQL: prints the pg_dump line)."""
    settings = settings_or_exit()
    source = settings.sqlite_path()
    if source is None:
        click.echo(
            "PostgreSQL is backed up with its own tool; run:\n  "
            + pg_dump_command(settings.database_url, file),
            err=True,
        )
        raise SystemExit(2)
    if not source.exists():
        raise click.ClickException(f"no database at {source}: nothing to back up")
    if file.resolve() == source.resolve():
        raise click.ClickException("FILE is the database itself: choose another path")
    if not file.parent.is_dir():
        raise click.ClickException(f"no folder {file.parent}")
    size = backup_sqlite(source, file)
    click.echo(f"backed up to {file} ({size // 1024} KB)")
