"""A fake Telegram Bot API server for the tests and the demo (see :mod:`bot.fakeapi.server`)."""

from .server import Call, FakeTelegram, StoredFile, User
from .spec import ApiError, BotApiSpec, UploadedFile, load_spec

__all__ = [
    "ApiError",
    "BotApiSpec",
    "Call",
    "FakeTelegram",
    "StoredFile",
    "UploadedFile",
    "User",
    "load_spec",
]
