"""`dpo-bot digest` and `dpo-bot remind`: the scheduled passes run now."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.group import main, prepare_database, run_async, settings_or_exit

if TYPE_CHECKING:
    from bot.passes import PassesReport


@main.command()
@click.option(
    "--force", is_flag=True, help="Send even to directors who already got today's digest."
)
def digest(force: bool) -> None:
    """Send the daily digests now, whatever the time and day (once a day unless --force).

    The digests are queued in the outbox; the running bot sends them (after quiet hours).
    """
    report = _passes_now(remind=False, force=force).digests
    click.echo(f"digests: {report.messages} messages for {report.people} people queued")


@main.command()
def remind() -> None:
    """Run the reminder, deadline and escalation pass now (queued in the outbox)."""
    passes = _passes_now(digests=False).reminders
    assert passes is not None
    click.echo(
        f"reminders: {passes.reminders.messages} messages for {passes.reminders.people} people; "
        f"deadline warnings: {passes.deadlines.messages} for {passes.deadlines.people}; "
        f"escalations: {passes.escalations.messages} for {passes.escalations.people}"
    )


def _passes_now(*, digests: bool = True, remind: bool = True, force: bool = False) -> PassesReport:
    """The scheduled passes run once now, whatever the time (`anytime`), on this process's
    settings; the flags choose the passes (see `bot.passes.run_passes`)."""
    from bot.passes import run_passes, schedule_from_settings
    from bot.settings import database_engine
    from models.engine import create_sessionmaker

    settings = settings_or_exit()
    prepare_database(settings)
    try:
        schedule = schedule_from_settings(settings)
    except ValueError as exc:  # the working-days file
        raise click.ClickException(str(exc)) from exc

    async def go() -> PassesReport:
        engine = database_engine(settings)
        try:
            return await run_passes(
                create_sessionmaker(engine, info=settings.session_info()),
                schedule,
                digests=digests,
                remind=remind,
                anytime=True,
                force=force,
            )
        finally:
            await engine.dispose()

    return run_async(go)
