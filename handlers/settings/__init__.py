"""/settings: instant cards, the digest time, quiet hours."""

from __future__ import annotations

from aiogram import Router


def build_router() -> Router:
    from handlers.settings import screen

    return screen.build_router()
