"""The teacher (listener): «Мои заявки», the card, withdrawal, «Ответить» to a comment."""

from __future__ import annotations

from aiogram import Router


def build_router() -> Router:
    from handlers.teacher import card, reply, withdraw

    router = Router(name=__name__)
    router.include_routers(
        card.build_router(),
        withdraw.build_router(),
        reply.build_router(),
        card.build_outdated_router(),
    )
    return router
