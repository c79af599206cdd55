"""`dpo-bot migrate` and `dpo-bot run`."""

from __future__ import annotations

import signal

import click

from bot.cli.group import main, prepare_database, run_async, settings_or_exit, stop_requested
from bot.settings import Settings, SettingsError


@main.command()
def migrate() -> None:
    """Apply database migrations (DATABASE_URL)."""
    prepare_database(settings_or_exit())
    click.echo("database is up to date")


def _settings_epilog() -> str:
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

    from bot.serve import run as run_bot

    # Until the bot has started, a stop signal ends start-up cleanly (status 0, not 143).
    signal.signal(signal.SIGTERM, stop_requested)
    signal.signal(signal.SIGINT, stop_requested)
    settings = settings_or_exit()
    try:
        validate_token(settings.require_token())
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    prepare_database(settings)
    run_async(lambda: run_bot(settings))
