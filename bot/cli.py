"""The operator's command line: `dpo-bot` (PRODUCT.md §7.1)."""

from __future__ import annotations

import asyncio
import csv
import logging
import signal
import sys
import traceback
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from bot.settings import Settings, SettingsError, load_settings

T = TypeVar("T")
log = logging.getLogger("dpo_bot")


class StopRequested(BaseException):
    """SIGTERM or SIGINT arrived before the bot had started: stop, cleanly, with status 0."""


def _stop_requested(signum: int, frame: object) -> None:
    raise StopRequested(signum)


class SafeFormatter(logging.Formatter):
    """Tracebacks name files, lines and exception classes, not exception messages.

    An exception's message can carry row values (names, phones); below DEBUG only the shape of
    the failure is logged. With LOG_LEVEL=DEBUG (or --log-level DEBUG) tracebacks are full.
    """

    def __init__(self, fmt: str, *, full: bool) -> None:
        super().__init__(fmt)
        self.full = full

    def formatException(self, ei: Any) -> str:
        if self.full:
            return super().formatException(ei)
        chain: list[BaseException] = []
        exc: BaseException | None = ei[1]
        while exc is not None and all(exc is not seen for seen in chain):
            chain.append(exc)
            exc = exc.__cause__ or exc.__context__
        lines = ["Traceback (values hidden; LOG_LEVEL=DEBUG shows them):\n"]
        for exc in reversed(chain):  # the first cause first, as Python prints them
            lines += traceback.format_list(traceback.extract_tb(exc.__traceback__))
            lines.append(f"{type(exc).__module__}.{type(exc).__qualname__}\n")
        return "".join(lines).rstrip("\n")


class _Commands(click.Group):
    """Every command: a failure the operator can fix is one line, anything else its class."""

    def invoke(self, ctx: click.Context) -> Any:
        from bot import failures

        try:
            return super().invoke(ctx)
        except StopRequested:
            click.echo("stopped before start-up finished", err=True)
            ctx.exit(0)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            log.debug("failure", exc_info=exc)
            settings = ctx.meta.get("dpo_bot.settings")
            message = failures.describe(exc, settings) if settings is not None else None
            raise click.ClickException(message or failures.unexpected(exc)) from None


def _settings() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.get_current_context().meta["dpo_bot.settings"] = settings
    return settings


def _run_async(factory: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await factory()

    return asyncio.run(main())


def _prepare_database(settings: Settings) -> None:
    """Create the SQLite folder and bring the schema up to date.

    Every command that touches the database does this, so an operator may start with
    `dpo-bot import` on a new machine; applying migrations that are already applied is a no-op.
    """
    from bot import migrate as migrations

    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    migrations.upgrade(settings.database_url)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dpo-bot", prog_name="dpo-bot")
@click.option(
    "--log-level", default=None, help="DEBUG, INFO, WARNING… (default: LOG_LEVEL or INFO)"
)
def main(log_level: str | None) -> None:
    """dpo-bot: teachers' professional-development applications in Telegram.

    The operator's commands. Settings come from the environment and from .env in the current
    folder (see .env.example); `dpo-bot run --help` lists them.
    """
    level = (log_level or _settings_level()).upper()
    numeric = getattr(logging, level, logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        SafeFormatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s", full=numeric <= logging.DEBUG
        )
    )
    logging.basicConfig(level=numeric, handlers=[handler])
    # Alembic announces every plugin at INFO; the operator needs only our own lines.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.root.level))


def _settings_level() -> str:
    try:
        return load_settings().log_level
    except SettingsError:
        return "INFO"


@main.command()
def migrate() -> None:
    """Apply database migrations (DATABASE_URL)."""
    _prepare_database(_settings())
    click.echo("database is up to date")


def _settings_epilog() -> str:
    from bot.settings import Settings

    names = ", ".join(name.upper() for name in Settings.model_fields)
    return f"Settings (environment or .env): {names}."


@main.command(epilog=_settings_epilog())
def run() -> None:
    """Apply migrations and run the bot until SIGTERM or SIGINT.

    Long polling by default. With WEBHOOK_BASE_URL (and WEBHOOK_SECRET) set, webhook mode:
    Telegram posts updates to WEBHOOK_BASE_URL/telegram/webhook, served on WEB_HOST:WEB_PORT.
    /healthz is served on WEB_HOST:WEB_PORT in both modes, the HTTP API too when API_TOKEN is set.
    A stop lets updates in flight finish, then the outbox sender, then exits with status 0.
    """
    from aiogram.utils.token import validate_token

    from bot.app import run as run_bot

    # Until the bot has started, a stop signal ends start-up cleanly (status 0, not 143).
    signal.signal(signal.SIGTERM, _stop_requested)
    signal.signal(signal.SIGINT, _stop_requested)
    settings = _settings()
    try:
        validate_token(settings.require_token())
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    _prepare_database(settings)
    _run_async(lambda: run_bot(settings))


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

    from models.engine import create_engine, create_sessionmaker
    from services.i18n import Language
    from services.importer import ImportFailed, import_file

    settings = _settings()
    _prepare_database(settings)
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
        engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
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

    if not _run_async(go):
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export(file: Path) -> None:
    """Write all applications to FILE (.csv or .xlsx) with the import columns."""
    from models.engine import create_engine, create_sessionmaker
    from services.exporter import export_applications

    if file.suffix.lower() not in {".csv", ".xlsx"}:
        raise click.BadParameter("the file must end with .csv or .xlsx", param_hint="FILE")
    settings = _settings()
    _prepare_database(settings)

    async def go() -> int:
        engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
        try:
            async with create_sessionmaker(engine, info=settings.session_info())() as session:
                return await export_applications(session, file)
        finally:
            await engine.dispose()

    count = _run_async(go)
    click.echo(f"{file}: {count} applications")


@main.command()
@click.argument("codes", nargs=-1)
@click.option("--org", "organization", help="Invite every person of this organization (by name).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write a CSV.")
def invite(codes: tuple[str, ...], organization: str | None, out: Path | None) -> None:
    """Print a one-time invitation link and code for each person (by external code)."""
    from models.engine import create_engine, create_sessionmaker
    from services.i18n import Language, catalogue
    from services.invitations import InvitationError, create_invitations, invite_link

    if not codes and not organization:
        raise click.UsageError("give person codes, or --org NAME")
    settings = _settings()
    _prepare_database(settings)
    username = _run_async(lambda: _bot_username(settings))

    async def go() -> list[Any]:
        engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
        try:
            async with create_sessionmaker(engine, info=settings.session_info()).begin() as session:
                return await create_invitations(
                    session,
                    codes=codes,
                    organization=organization,
                    ttl_days=settings.invite_ttl_days,
                )
        finally:
            await engine.dispose()

    try:
        issued = _run_async(go)
    except InvitationError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = []
    for item in issued:
        link = invite_link(username, item.code)
        expires = item.expires_at.astimezone(settings.tz).strftime("%d.%m.%Y %H:%M")
        click.echo(f"{item.person_code}\t{item.full_name}\t{link}\t{item.code}\tuntil {expires}")
        rows.append([item.person_code, item.full_name, link, item.code, expires])
    if out is not None:
        with out.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            columns = ("code", "name", "link", "invitation", "expires")
            words = catalogue(Language.RU)
            writer.writerow([words.text(f"invitations-column-{column}") for column in columns])
            writer.writerows(rows)
        click.echo(f"{out}: {len(rows)} invitations", err=True)


async def _bot_username(settings: Settings) -> str:
    """The bot's username from Telegram (getMe) when a token is set, else BOT_USERNAME."""
    if settings.bot_token is not None and settings.bot_token.get_secret_value().strip():
        from bot.app import build_bot

        bot = build_bot(settings)
        try:
            me = await bot.get_me()
        except Exception as exc:
            raise click.ClickException(f"getMe failed: {type(exc).__name__}: {exc}") from exc
        finally:
            await bot.session.close()
        if me.username:
            return me.username
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    raise click.ClickException(
        "set BOT_TOKEN (the username is asked from Telegram) or BOT_USERNAME"
    )


@main.command()
@click.option(
    "--force", is_flag=True, help="Send even to directors who already got today's digest."
)
def digest(force: bool) -> None:
    """Send the daily digests now, whatever the time and day (once a day unless --force).

    The digests are queued in the outbox; the running bot sends them (after quiet hours).
    """
    from bot.scheduler import PassesReport, run_passes, schedule_from_settings
    from models.engine import create_engine, create_sessionmaker

    settings = _settings()
    _prepare_database(settings)
    try:
        schedule = schedule_from_settings(settings)
    except ValueError as exc:  # the working-days file
        raise click.ClickException(str(exc)) from exc

    async def go() -> PassesReport:
        engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
        try:
            return await run_passes(
                create_sessionmaker(engine, info=settings.session_info()),
                schedule,
                remind=False,
                anytime=True,
                force=force,
            )
        finally:
            await engine.dispose()

    report = _run_async(go).digests
    click.echo(f"digests: {report.messages} messages for {report.people} people queued")


@main.command()
def remind() -> None:
    """Run the reminder, deadline and escalation pass now (queued in the outbox)."""
    from bot.scheduler import PassesReport, run_passes, schedule_from_settings
    from models.engine import create_engine, create_sessionmaker

    settings = _settings()
    _prepare_database(settings)
    try:
        schedule = schedule_from_settings(settings)
    except ValueError as exc:  # the working-days file
        raise click.ClickException(str(exc)) from exc

    async def go() -> PassesReport:
        engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
        try:
            return await run_passes(
                create_sessionmaker(engine, info=settings.session_info()),
                schedule,
                digests=False,
                anytime=True,
            )
        finally:
            await engine.dispose()

    passes = _run_async(go).reminders
    assert passes is not None
    click.echo(
        f"reminders: {passes.reminders.messages} messages for {passes.reminders.people} people; "
        f"deadline warnings: {passes.deadlines.messages} for {passes.deadlines.people}; "
        f"escalations: {passes.escalations.messages} for {passes.escalations.people}"
    )


if __name__ == "__main__":  # pragma: no cover
    main()
