"""Directors and their deputies: the card and its decision, /deputy, the «Заявки» list.

Who may decide is never a filter here: it is read from the database per application (a deputy
is a teacher with a director's authority for a period). The list and its surname search take a
director's free text, so they are mounted last (`build_list_router`), after the teacher's and
the staff's prompts.
"""

from __future__ import annotations

from aiogram import Router


def build_router() -> Router:
    from handlers.director import card, decide, deputy

    router = Router(name=__name__)
    router.include_routers(deputy.build_router(), card.build_router(), decide.build_router())
    return router


def build_list_router() -> Router:
    from handlers.director import applications, bulk, former

    router = Router(name=f"{__name__}.lists")
    router.include_routers(applications.build_router(), bulk.build_router(), former.build_router())
    return router
