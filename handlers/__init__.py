"""Routers of the bot, one per feature; `routers()` returns them in the order they must run."""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    from handlers import (
        applications,
        cancel,
        common,
        consent,
        decide,
        deputy,
        linking,
        presence,
        roles,
        settings,
        staff,
        staff_files,
        start,
        teacher,
    )

    ordered = [
        presence.router,  # notes that a person who had blocked the bot is back; never answers
        start.router,  # /start and the consent button
        consent.router,  # before consent: the consent again, whatever was sent
        cancel.router,  # /cancel before any conversation state
        linking.router,  # consent given, account not linked: code or phone
        roles.router,  # /role, /help, menu words: before every prompt, never taken as input
        settings.router,  # /settings and its prompts
        deputy.router,  # /deputy and its prompts
        decide.router,  # cards: decisions, comments, tabs, group change
        teacher.router,  # «Мои заявки», withdrawal, «Ответить»: before a director's search
        staff_files.router,  # documents sent to the bot: staff import; /export
        staff.router,  # the institute's staff: queue, inclusion, assessment, overview
        applications.router,  # «Заявки»: list, search (a director's free text), bulk approval
        common.router,  # whatever nobody else handled
    ]
    for router in ordered:
        # Production builds one dispatcher per process; tests build one per test, and aiogram
        # refuses to attach a router twice. Routers hold only handlers and filters (all state
        # lives in the dispatcher's middlewares), so detaching them is safe.
        router._parent_router = None
    return ordered
