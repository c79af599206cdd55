"""The institute's staff: queue, inclusion, group change, assessment, overview, files.

Everything here is for people who hold the staff role, checked once on the package's router;
a document from anyone else gets its own answer after it.
"""

from __future__ import annotations

from aiogram import Router

from handlers.filters import IsStaff


def build_router() -> Router:
    from handlers.staff import assessment, files, group, inclusion, overview, queue

    staff = Router(name=__name__)
    staff.message.filter(IsStaff())
    staff.callback_query.filter(IsStaff())
    staff.include_routers(
        files.build_router(),
        queue.build_router(),
        group.build_router(),  # before the card's catch-all for outdated buttons
        inclusion.build_router(),
        assessment.build_router(),
        overview.build_router(),
    )
    everyone = Router(name=f"{__name__}.everyone")
    everyone.include_routers(staff, files.build_refusal_router())
    return everyone
