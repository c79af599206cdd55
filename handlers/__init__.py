"""Routers of the bot, one per feature; `routers()` returns them in the order they must run."""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    from handlers import common, consent, errors, start

    # /start and the consent button come first, then the gate for everything else, then the
    # features; `common` catches what nobody else handled.
    return [errors.router, start.router, consent.router, common.router]
