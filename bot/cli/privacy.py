"""`dpo-bot forget CODE`: the operator erases a person's Telegram link, ids and consent (152-ФЗ).

The same erasure as the person's own `/forget` in the bot (`services.forgetting`): the person
and the applications' history stay. A process running the bot drops its cached consent of the
account within a minute (`bot.middlewares.CONSENT_CACHE_SECONDS`).
"""

from __future__ import annotations

import click

from bot.cli.group import main, prepare_database, run_async, settings_or_exit


@main.command()
@click.argument("code")
def forget(code: str) -> None:
    """Erase the Telegram link, ids and consent of the person with CODE; the history stays."""
    from bot.settings import database_engine
    from models.engine import create_sessionmaker
    from services.forgetting import Forgotten, forget_person

    settings = settings_or_exit()
    prepare_database(settings)

    async def go() -> Forgotten | None:
        engine = database_engine(settings)
        try:
            async with create_sessionmaker(engine, info=settings.session_info()).begin() as session:
                return await forget_person(session, code.strip())
        finally:
            await engine.dispose()

    forgotten = run_async(go)
    if forgotten is None:
        raise click.ClickException(f"no person with the code {code.strip()!r}")
    if forgotten.telegram_id is None:
        click.echo(f"{code.strip()}: no Telegram account linked; nothing to erase")
        return
    click.echo(
        f"{code.strip()}: Telegram account unlinked; erased {forgotten.consents} consent(s), "
        f"{forgotten.cards} card(s), {forgotten.messages} unsent message(s); the history stays"
    )
