"""A person who had blocked the bot and writes again is reachable again (PRODUCT.md §6).

This router runs first and never answers: it records the person's return and lets the update
go on to the router that handles it (SkipHandler).
"""

from __future__ import annotations

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import KICKED, MEMBER, ChatMemberUpdatedFilter
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import Unreachable
from models import Person
from services import outbox


async def back_again(event: Message | CallbackQuery, session: AsyncSession, person: Person) -> None:
    await outbox.mark_reachable(session, person.id)
    raise SkipHandler


async def blocked(event: ChatMemberUpdated, session: AsyncSession, person: Person | None) -> None:
    if person is not None:
        await outbox.mark_unreachable(session, person.id)


async def unblocked(event: ChatMemberUpdated, session: AsyncSession, person: Person | None) -> None:
    if person is not None and not person.reachable:
        await outbox.mark_reachable(session, person.id)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(back_again, Unreachable())
    router.message.register(back_again, Unreachable())
    router.my_chat_member.register(blocked, ChatMemberUpdatedFilter(KICKED))
    router.my_chat_member.register(unblocked, ChatMemberUpdatedFilter(MEMBER))
    return router
