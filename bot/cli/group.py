"""The `dpo-bot` command group: logging, failures told in one line, and the helpers every
command uses (settings, the database made ready, an async body run)."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from bot.cli.logs import SafeFormatter
from bot.settings import Settings, SettingsError, load_settings

T = TypeVar("T")
log = logging.getLogger("dpo_bot")


class StopRequested(BaseException):
    """SIGTERM or SIGINT arrived before the bot had started: stop, cleanly, with status 0."""


def stop_requested(signum: int, frame: object) -> None:
    raise StopRequested(signum)


class Commands(click.Group):
    """Every command: a failure the operator can fix is one line, anything else its class."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StopRequested:
            click.echo("stopped before start-up finished", err=True)
            ctx.exit(0)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            # Imported only now: it reads aiogram's exceptions, and importing aiogram costs an
            # operator's command two seconds it mostly does not need.
            from bot import failures

            log.debug("failure", exc_info=exc)
            settings = ctx.meta.get("dpo_bot.settings")
            message = failures.describe(exc, settings) if settings is not None else None
            raise click.ClickException(message or failures.unexpected(exc)) from None


def settings_or_exit() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.get_current_context().meta["dpo_bot.settings"] = settings
    return settings


def run_async(factory: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await factory()

    return asyncio.run(main())


def prepare_database(settings: Settings) -> None:
    """Create the SQLite folder and bring the schema up to date.

    Every command that touches the database does this, so an operator may start with
    `dpo-bot import` on a new machine; applying migrations that are already applied is a no-op.
    """
    from bot import migrate as migrations

    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    migrations.prepare(settings.database_url)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
