"""Start-up failures in words (bot.failures), the CLI's last line, and logs without values."""

from __future__ import annotations

import io
import logging
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy.exc import OperationalError

from bot import cli, failures
from bot.settings import Settings, SettingsError, load_settings


def sqlite_settings(tmp_path: Path) -> Settings:
    return load_settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")


@pytest.mark.parametrize(
    ("driver_message", "expected"),
    [
        ("database is locked", "is locked by another process"),
        ("attempt to write a readonly database", "is read-only"),
        ("unable to open database file", "cannot open the database"),
    ],
)
def test_sqlite_failures_are_described(tmp_path: Path, driver_message: str, expected: str) -> None:
    wrapped = OperationalError("PRAGMA ...", {}, sqlite3.OperationalError(driver_message))
    message = failures.describe(wrapped, sqlite_settings(tmp_path))
    assert message is not None and expected in message
    assert str(tmp_path) in message


def test_an_unknown_failure_is_not_described(tmp_path: Path) -> None:
    assert failures.describe(RuntimeError("x"), sqlite_settings(tmp_path)) is None


@pytest.mark.parametrize("url", ["sqlite+aiosqlite:///", "sqlite+aiosqlite:///:memory:"])
def test_a_database_without_a_file_is_refused(url: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(database_url=url)
    assert "names no database file" in str(raised.value)
    assert "Value error" not in str(raised.value)


def test_a_file_database_is_accepted(tmp_path: Path) -> None:
    assert sqlite_settings(tmp_path).sqlite_path() == tmp_path / "x.sqlite3"


def test_an_unexpected_failure_shows_its_class_not_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")

    def broken(settings: object) -> None:
        raise RuntimeError("Иванова Ольга +79990001122")

    monkeypatch.setattr(cli.serve, "prepare_database", broken)  # what `migrate` calls
    result = CliRunner().invoke(cli.main, ["migrate"])
    assert result.exit_code == 1
    assert "unexpected failure: RuntimeError" in result.output
    assert "Иванова" not in result.output and "Traceback" not in result.output


def test_version() -> None:
    result = CliRunner().invoke(cli.main, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("dpo-bot, version ")


def test_run_help_mentions_webhook_mode_and_lists_the_settings() -> None:
    result = CliRunner().invoke(cli.main, ["run", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "WEBHOOK_BASE_URL" in text and "webhook mode" in text
    for name in ("BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_URL", "UPDATE_CONCURRENCY"):
        assert name in text


def _log_failure(full: bool) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(cli.SafeFormatter("%(levelname)s %(message)s", full=full))
    logger = logging.getLogger("tests.safe_formatter")
    logger.addHandler(handler)
    logger.propagate = False
    # Row values reach exceptions through variables; the source lines shown name only those.
    phone, name = "+79990001122", "Иванова Ольга"
    try:
        try:
            try:
                raise KeyError(phone)
            except KeyError as exc:
                raise ValueError(name) from exc
        except ValueError:
            logger.error("update 7 failed: ValueError", exc_info=True)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_logged_tracebacks_carry_no_values() -> None:
    text = _log_failure(full=False)
    assert "update 7 failed: ValueError" in text
    assert "builtins.KeyError" in text and "builtins.ValueError" in text
    assert "test_failures.py" in text  # where it happened is kept
    body = text.split("\n", 1)[1]  # the traceback, not the record's own line
    assert "Иванова" not in body and "+7999" not in body


def test_debug_tracebacks_are_full() -> None:
    text = _log_failure(full=True)
    assert "Иванова Ольга" in text


def test_every_cli_message_is_in_english() -> None:
    sources = sorted(Path(cli.__file__).parent.glob("*.py"))
    lines = [line for path in sources for line in path.read_text(encoding="utf-8").splitlines()]
    echoed = [line for line in lines if "click.echo(" in line or "Exception(" in line]
    assert echoed
    assert not [line for line in echoed if any("а" <= ch <= "я" for ch in line.lower())]
    assert isinstance(cli.main, click.Group)
