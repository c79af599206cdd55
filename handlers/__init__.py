"""Routers of the bot, one per feature; `routers()` returns them in the order they must run."""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    from handlers import common, consent, start

    # /start and the consent button come first, then the gate for everything else, then the
    # features; `common` catches what nobody else handled.
    ordered = [start.router, consent.router, common.router]
    for router in ordered:
        # Production builds one dispatcher per process; tests build one per test, and aiogram
        # refuses to attach a router twice. Routers hold only handlers and filters (all state
        # lives in the dispatcher's middlewares), so detaching them is safe.
        router._parent_router = None
    return ordered
