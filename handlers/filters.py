"""Filters that read what the middlewares put into handler data."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject


class NotConsented(Filter):
    async def __call__(self, event: TelegramObject, consented: bool = False) -> bool:
        return not consented
