"""`dpo-bot import` and `dpo-bot export`: the CSV and XLSX files."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from bot.cli.group import main, prepare_database, run_async, settings_or_exit


@contextmanager
def _progress(label: str, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal; nothing when the output is a file or a pipe."""
    if not enabled:
        yield None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
            state["bar"] = bar
            state["done"] = 0
        bar.update(done - state["done"])
        state["done"] = done

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


@main.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--dry-run", is_flag=True, help="Check and report without writing anything.")
def import_(files: tuple[Path, ...], dry_run: bool) -> None:
    """Import CSV or XLSX files: people, applications, assessment results (one transaction each)."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.settings import database_engine
    from models.engine import create_sessionmaker
    from services.i18n import Language
    from services.importer import ImportFailed, import_file

    settings = settings_or_exit()
    prepare_database(settings)
    show_bar = sys.stderr.isatty()

    async def import_one(session: AsyncSession, path: Path) -> bool:
        with _progress(path.name, show_bar) as progress:
            try:
                # A savepoint per file: a refused file leaves the others as they are.
                async with session.begin_nested():
                    report = await import_file(session, path, progress=progress)
            except ImportFailed as failed:
                failed.report.dry_run = dry_run
                click.echo(failed.report.summary(Language.EN), err=True)
                for error in sorted(
                    failed.report.errors, key=lambda e: (e.sheet or "", e.line or 0)
                ):
                    click.echo(f"  {error.render(Language.EN)}", err=True)
                return False
        report.dry_run = dry_run
        click.echo(report.summary(Language.EN))
        return True

    async def go() -> bool:
        engine = database_engine(settings)
        sessionmaker = create_sessionmaker(engine, info=settings.session_info())
        results = []
        try:
            if dry_run:
                # Files are tried together, as a real run would see them (people before the
                # assessment results that name them), in one transaction that is rolled back.
                async with sessionmaker() as session:
                    for path in files:
                        results.append(await import_one(session, path))
                    await session.rollback()
            else:
                for path in files:
                    async with sessionmaker.begin() as session:
                        results.append(await import_one(session, path))
        finally:
            await engine.dispose()
        return all(results)

    if not run_async(go):
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export(file: Path) -> None:
    """Write all applications to FILE (.csv or .xlsx) with the import columns."""
    from bot.settings import database_engine
    from models.engine import create_sessionmaker
    from services.exporter import export_applications

    if file.suffix.lower() not in {".csv", ".xlsx"}:
        raise click.BadParameter("the file must end with .csv or .xlsx", param_hint="FILE")
    settings = settings_or_exit()
    prepare_database(settings)

    async def go() -> int:
        engine = database_engine(settings)
        try:
            async with create_sessionmaker(engine, info=settings.session_info())() as session:
                return await export_applications(session, file)
        finally:
            await engine.dispose()

    count = run_async(go)
    click.echo(f"{file}: {count} applications")
