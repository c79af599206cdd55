"""The way in: presence (blocked and back), /start and the consent, /cancel, linking an account.

Everything here runs before any role's screen: a person who has not consented or is not linked
yet never reaches them.
"""

from __future__ import annotations

from aiogram import Router


def build_router() -> Router:
    from handlers.entry import cancel, consent, forget, linking, presence, start

    router = Router(name=__name__)
    router.include_routers(
        presence.build_router(),  # notes that a person who had blocked the bot is back
        start.build_router(),  # /start and the consent button
        consent.build_router(),  # before consent: the consent again, whatever was sent
        cancel.build_router(),  # /cancel before any conversation state
        forget.build_router(),  # /forget: withdraw the consent, linked or not yet
        linking.build_router(),  # consent given, account not linked: code or phone
    )
    return router
