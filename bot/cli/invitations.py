"""`dpo-bot invite`: one-time invitation links and codes."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import click

from bot.cli.group import main, prepare_database, run_async, settings_or_exit
from bot.settings import Settings


@main.command()
@click.argument("codes", nargs=-1)
@click.option("--org", "organization", help="Invite every person of this organization (by name).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write a CSV.")
def invite(codes: tuple[str, ...], organization: str | None, out: Path | None) -> None:
    """Print a one-time invitation link and code for each person (by external code)."""
    from bot.settings import database_engine
    from models.engine import create_sessionmaker
    from services.i18n import Language, catalogue
    from services.invitations import InvitationError, create_invitations, invite_link

    if not codes and not organization:
        raise click.UsageError("give person codes, or --org NAME")
    settings = settings_or_exit()
    prepare_database(settings)
    username = run_async(lambda: _bot_username(settings))

    async def go() -> list[Any]:
        engine = database_engine(settings)
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
        issued = run_async(go)
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
