"""The bot's routers, built fresh by `routers()` in the order they must run.

Each call builds new routers (a process builds one dispatcher; tests build one per test). The
order is the product's: the way in first (consent, linking), then the screens of linked people
under one router that checks the link once, and last the answer to whatever nobody handled.
"""

from __future__ import annotations

from aiogram import Router

from handlers.filters import Unlinked


def routers() -> list[Router]:
    from handlers import decision, director, entry, fallback, menu, settings, staff, teacher

    linked = Router(name="handlers.linked")
    # `entry.linking` answers everyone not linked before this router is reached; the filter
    # keeps it so should the order ever change.
    linked.message.filter(~Unlinked())
    linked.callback_query.filter(~Unlinked())
    linked.include_routers(
        menu.build_router(),  # /role, /help, menu words: before every prompt, never taken as input
        settings.build_router(),  # /settings and its prompts
        director.build_router(),  # /deputy; cards: tabs, group change, the decision's press
        decision.build_router(),  # the comment prompt of a decision or a staff cancellation
        teacher.build_router(),  # «Мои заявки», withdrawal, «Ответить»: before a director's search
        staff.build_router(),  # the institute's staff: files, queue, inclusion, overview
        director.build_list_router(),  # «Заявки»: list, search (free text), bulk approval
    )
    return [entry.build_router(), linked, fallback.build_router()]
