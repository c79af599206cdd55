"""Settings read from the environment and `.env` (PRODUCT.md §7.2).

Nothing here is created at import time: `Settings()` is built once by the CLI and passed down.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.ext.asyncio import AsyncEngine

from models.engine import create_engine
from services import notifications
from services.quiet import parse_hhmm, parse_quiet_hours
from services.region import DEFAULT_TIMEZONE

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class SettingsError(Exception):
    """A setting is missing or wrong; the message is meant for the operator as it is."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr | None = None
    bot_username: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///data/dpo-bot.sqlite3"
    # The connections one process keeps open to PostgreSQL, and how many more it may open for
    # a burst (closed again when returned); ignored on SQLite. With several replicas, each
    # replica's pool size + overflow, times the replicas, must stay under the server's (or
    # PgBouncer's) limit: a replica past it would fail, not wait.
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_max_overflow: int = Field(default=0, ge=0, le=200)
    redis_url: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    digest_time: str = "09:00"
    reminder_after_days: int = Field(default=3, ge=1)
    reminder_every_days: int = Field(default=2, ge=1)
    escalate_after_days: int = Field(default=7, ge=1)
    quiet_hours: str = "21:00-08:00"
    webhook_base_url: str | None = None
    webhook_secret: SecretStr | None = None
    # Telegram's simultaneous webhook connections to the replicas together (setWebhook).
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    web_host: str = "0.0.0.0"
    web_port: int = Field(default=8080, ge=1, le=65535)
    api_token: SecretStr | None = None
    webhook_out_url: str | None = None
    webhook_out_secret: SecretStr | None = None
    # The longest pause between two attempts of an outbound webhook (1 s, 2 s, 4 s ... up to it).
    webhook_out_max_backoff: int = Field(default=300, ge=1, le=86400)
    require_cancel_reason: bool = False
    # How long «Вернуть» takes back a director's cancellation (minutes; 0: no «Вернуть»).
    undo_cancel_minutes: int = Field(default=10, ge=0, le=1440)
    invite_ttl_days: int = Field(default=14, ge=1, le=365)
    # Card records older than this are forgotten (their messages are no longer refreshed).
    card_retention_days: int = Field(default=90, ge=1)
    # Sent and failed outbox rows older than this are deleted (pending and held ones never).
    outbox_retention_days: int = Field(default=30, ge=1)
    # Updates handled at once. More only queue up on one event loop (and crowd out the outbox
    # sender); fewer would leave the loop idle while answers travel.
    update_concurrency: int = Field(default=16, ge=1, le=1000)
    # Telegram's limits (bot.sender.budget): messages a second overall, seconds between two new
    # messages in one chat. With REDIS_URL, one budget for all replicas together.
    send_rate: float = Field(default=30.0, gt=0, le=1000)
    send_chat_interval: float = Field(default=1.0, ge=0, le=60)
    # The longest pause before a notification is tried again after a 5xx or a network error
    # (1 s, 2 s, 4 s ... up to it): after an outage of Telegram, delivery resumes within it.
    send_max_backoff: int = Field(default=60, ge=1, le=3600)
    log_level: str = "INFO"
    # Version of the personal-data consent text; stored with every acceptance.
    consent_version: str = "2024-1"
    # Transferred working days and extra days off (services.calendar); unset: none.
    workdays_file: Path | None = None

    @field_validator("workdays_file", mode="before")
    @classmethod
    def _empty_workdays_file_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("workdays_file")
    @classmethod
    def _valid_workdays_file(cls, value: Path | None) -> Path | None:
        if value is not None:
            from services.calendar import load_overrides

            load_overrides(value)  # ValueError names the file and the line
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("digest_time")
    @classmethod
    def _valid_digest_time(cls, value: str) -> str:
        parse_hhmm(value)
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _valid_quiet_hours(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    @field_validator("telegram_api_url", "webhook_base_url", "webhook_out_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http(s) URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        if value.startswith("sqlite"):
            # Without a file every connection opens a new, empty database: the bot would start
            # and then fail on every update. Refuse it before anything starts.
            rest = value.split("://", 1)[1].split("?", 1)[0]
            if rest.lstrip("/") in {"", ":memory:"}:
                raise ValueError(
                    "DATABASE_URL names no database file: use e.g. "
                    "sqlite+aiosqlite:///data/dpo-bot.sqlite3 (relative) or "
                    "sqlite+aiosqlite:////var/lib/dpo-bot/dpo-bot.sqlite3 (absolute)"
                )
        return value

    @model_validator(mode="after")
    def _pairs(self) -> Settings:
        if self.webhook_out_url and not self.webhook_out_secret:
            raise ValueError("WEBHOOK_OUT_SECRET is required when WEBHOOK_OUT_URL is set")
        if self.webhook_base_url:
            secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
            # Telegram echoes it in X-Telegram-Bot-Api-Secret-Token: 1-256 of [A-Za-z0-9_-].
            if not _SECRET_RE.match(secret):
                raise ValueError(
                    "WEBHOOK_SECRET (1-256 characters A-Z, a-z, 0-9, _ and -) is required "
                    "when WEBHOOK_BASE_URL is set"
                )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def digest_at(self) -> time:
        return parse_hhmm(self.digest_time)

    @property
    def quiet(self) -> tuple[time, time] | None:
        return parse_quiet_hours(self.quiet_hours)

    def session_info(self) -> dict[str, object]:
        """What every session of this process knows of it (see `models.engine.create_sessionmaker`):
        status changes queue outbound webhooks when WEBHOOK_OUT_URL is set, an import's too."""
        return {notifications.STATUS_WEBHOOKS: bool(self.webhook_out_url)}

    def require_token(self) -> str:
        """The bot token, or a clear error for the operator."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise SettingsError("BOT_TOKEN is required for run (get one from @BotFather)")
        return self.bot_token.get_secret_value().strip()

    def sqlite_path(self) -> Path | None:
        """The file of an SQLite database (to create its folder), or None for other databases."""
        prefix = "sqlite+aiosqlite:///"
        if not self.database_url.startswith(prefix):
            return None
        rest = self.database_url[len(prefix) :].split("?", 1)[0]
        if rest in {"", ":memory:"}:
            return None
        return Path(rest)


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning pydantic's validation error into one readable `SettingsError`."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]).upper() or "settings"
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"{field}: {message}")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from exc


def database_engine(settings: Settings) -> AsyncEngine:
    """The database engine of a process (the bot or an operator's command), bounded by
    DATABASE_POOL_SIZE and DATABASE_MAX_OVERFLOW."""
    return create_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
