"""Settings: defaults of PRODUCT.md §7.2, `.env` read, secrets hidden, clear errors."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

ENV = (
    "BOT_TOKEN",
    "DATABASE_URL",
    "TIMEZONE",
    "DIGEST_TIME",
    "QUIET_HOURS",
    "WEBHOOK_BASE_URL",
    "WEBHOOK_SECRET",
    "WEBHOOK_OUT_URL",
    "WEBHOOK_OUT_SECRET",
    "API_TOKEN",
    "REDIS_URL",
    "TELEGRAM_API_URL",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.database_url == "sqlite+aiosqlite:///data/dpo-bot.sqlite3"
    assert settings.timezone == "Asia/Yekaterinburg"
    assert settings.digest_at == time(9, 0)
    assert settings.quiet == (time(21, 0), time(8, 0))
    assert (
        settings.reminder_after_days,
        settings.reminder_every_days,
        settings.escalate_after_days,
    ) == (3, 2, 7)
    assert (settings.web_host, settings.web_port) == ("0.0.0.0", 8080)
    assert settings.redis_url is None and settings.api_token is None
    assert settings.require_cancel_reason is False
    assert settings.invite_ttl_days == 14
    assert settings.sqlite_path() == Path("data/dpo-bot.sqlite3")


def test_dotenv_is_read_and_secrets_do_not_print(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "BOT_TOKEN=123:ABC\nDIGEST_TIME=07:30\nREQUIRE_CANCEL_REASON=true\n", encoding="utf-8"
    )
    settings = load_settings()
    assert settings.require_token() == "123:ABC"
    assert "123:ABC" not in repr(settings)
    assert settings.digest_at == time(7, 30)
    assert settings.require_cancel_reason is True


def test_token_is_required_for_run() -> None:
    with pytest.raises(SettingsError, match="BOT_TOKEN is required for run"):
        load_settings().require_token()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DIGEST_TIME", "9 утра", "DIGEST_TIME"),
        ("QUIET_HOURS", "21:00", "QUIET_HOURS"),
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("TELEGRAM_API_URL", "api.telegram.org", "TELEGRAM_API_URL"),
        ("WEBHOOK_OUT_URL", "https://hooks.example.org", "WEBHOOK_OUT_SECRET is required"),
        ("WEBHOOK_BASE_URL", "https://bot.example.org", "WEBHOOK_SECRET"),
    ],
)
def test_wrong_settings_are_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        load_settings()


def test_quiet_hours_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIET_HOURS", "off")
    assert load_settings().quiet is None
