"""`dpo-bot demo`: the bot, a fake Telegram and a page to play everyone, in one process."""

from __future__ import annotations

import signal

import click

from bot.cli.group import main, run_async, stop_requested


@main.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port of the page on 127.0.0.1 (0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
def demo(port: int, open_browser: bool) -> None:
    """Try the bot without Telegram: the sample region in a browser, on a temporary database.

    Starts a local stand-in for the Bot API, the real bot against it, and a page at
    http://127.0.0.1:PORT with one chat per person of the sample data. Stop with Ctrl+C.
    """
    from bot.demo import open_in_browser, run_demo

    signal.signal(signal.SIGTERM, stop_requested)
    signal.signal(signal.SIGINT, stop_requested)

    def listening(url: str) -> None:
        click.echo(f"dpo-bot demo: open {url} (Ctrl+C stops it)")
        if open_browser:
            open_in_browser(url)

    try:
        run_async(lambda: run_demo(port=port, on_listening=listening))
    except OSError as exc:
        raise click.ClickException(
            f"port {port} is not free on 127.0.0.1 ({exc.strerror})"
        ) from exc
