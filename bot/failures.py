"""What the operator reads when a command cannot start: one or two lines, never a traceback.

`describe(exc, settings)` turns the failures an operator can cause or fix (a malformed or revoked
token, a Bot API server that cannot be reached, a database that refuses, is missing or cannot be
written) into a sentence saying what is wrong and what to do. Anything else is named by its class
only: its message may carry row values, and its traceback is logged at DEBUG
(`--log-level DEBUG` or LOG_LEVEL=DEBUG).
"""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

from aiogram.exceptions import (
    TelegramNetworkError,
    TelegramNotFound,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.utils.token import TokenValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.settings import Settings


def _database_place(settings: Settings) -> str:
    path = settings.sqlite_path()
    if path is not None:
        return str(path)
    try:
        url = make_url(settings.database_url)
    except Exception:  # the URL was checked by Settings; this is a fallback only
        return "DATABASE_URL"
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def _root(exc: BaseException) -> BaseException:
    """The innermost cause: SQLAlchemy and aiogram wrap the driver's and aiohttp's errors."""
    seen = {id(exc)}
    while True:
        inner: BaseException | None = getattr(exc, "orig", None) or exc.__cause__
        if inner is None or id(inner) in seen:
            return exc
        seen.add(id(inner))
        exc = inner


def _database(exc: BaseException, settings: Settings) -> str | None:
    place = _database_place(settings)
    root = _root(exc)
    name = type(root).__name__
    if settings.sqlite_path() is not None or settings.database_url.startswith("sqlite"):
        if isinstance(root, sqlite3.OperationalError) or isinstance(exc, OperationalError):
            text = str(root).lower()
            if "locked" in text or "busy" in text:
                return (
                    f"the database {place} is locked by another process "
                    "(is another dpo-bot running on it?)"
                )
            if "readonly" in text or "read-only" in text:
                return f"the database {place} is read-only: let the bot's user write the file"
            if "unable to open" in text or "disk i/o" in text:
                return (
                    f"cannot open the database {place}: check that its folder exists and the "
                    "bot's user can write it (DATABASE_URL)"
                )
        if isinstance(root, OSError):
            reason = root.strerror or name
            return (
                f"cannot create the database folder for {place}: {reason}. "
                "Point DATABASE_URL at a folder the bot's user can write"
            )
        return None
    # PostgreSQL (asyncpg): the driver's own exception classes, matched by name so that
    # asyncpg stays an optional dependency.
    if name == "InvalidCatalogNameError":
        return f"the database {place} does not exist: create it (createdb) or fix DATABASE_URL"
    if name in {"InvalidPasswordError", "InvalidAuthorizationSpecificationError"}:
        return f"the database {place} refused the user or password in DATABASE_URL"
    if name == "TooManyConnectionsError":
        return f"the database {place} has no free connections (too many clients)"
    if isinstance(root, OSError | TimeoutError):
        reason = root.strerror or name
        return (
            f"cannot connect to the database at {place}: {reason}. "
            "Is PostgreSQL running, and is DATABASE_URL right?"
        )
    if isinstance(exc, InterfaceError | OperationalError | DBAPIError):
        return f"the database {place} failed: {name}. Check DATABASE_URL and the server's log"
    return None


def _telegram(exc: BaseException, settings: Settings) -> str | None:
    where = settings.telegram_api_url
    if isinstance(exc, TokenValidationError):
        return (
            "BOT_TOKEN is malformed: it looks like 123456789:AAE… — copy it from @BotFather "
            "without spaces or quotes"
        )
    if isinstance(exc, TelegramUnauthorizedError):
        return (
            "Telegram refused BOT_TOKEN (401 Unauthorized): the token is wrong or was revoked; "
            "get the current one from @BotFather"
        )
    if isinstance(exc, TelegramNotFound):
        return (
            f"the Bot API at {where} answered 404 Not Found: check TELEGRAM_API_URL and BOT_TOKEN"
        )
    if isinstance(exc, TelegramServerError):
        return f"the Bot API at {where} is failing ({exc.message}); try again later"
    if isinstance(exc, TelegramNetworkError):
        host = urlsplit(where).netloc or where
        return (
            f"cannot reach the Bot API at {host}: {_short(exc.message)}. "
            "Check the network and TELEGRAM_API_URL"
        )
    return None


def _short(text: str, limit: int = 120) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe(exc: BaseException, settings: Settings) -> str | None:
    """A sentence for the operator, or None when the failure is not one of those known."""
    return _telegram(exc, settings) or _database(exc, settings)


def unexpected(exc: BaseException) -> str:
    """The line for an unknown failure: its class only (the message may carry personal data)."""
    return (
        f"unexpected failure: {type(exc).__name__} "
        "(run with --log-level DEBUG to see where it happened)"
    )
