"""A decider's button pressed by someone who no longer decides for the school.

The list, its pages, the cards it opens and «Одобрить все» (under a list or a digest) are served
only to a director or an active deputy (`Decider`). A press that fails that filter comes here: a
former deputy is told that the rights were revoked, have ended or have not begun yet, and when;
anyone else gets the usual «Эта кнопка устарела».
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import or_f
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.director.callbacks import BulkAction, BulkCb, CardAction, CardCb, ListCb
from models import Person, utcnow
from services import listing
from services.locality import person_today


async def why_not_deciding(
    session: AsyncSession, person: Person | None, settings: HandlerSettings
) -> str:
    """The reason a person's decider button is refused, in the user's words."""
    latest = await listing.last_deputyship(session, person) if person is not None else None
    if latest is None:
        return texts.BUTTON_OUTDATED
    today = person_today(person, utcnow(), settings.tz)
    if latest.revoked_at is not None:
        return texts.DEPUTY_RIGHTS_REVOKED
    if latest.ends_on < today:
        return texts.DEPUTY_RIGHTS_ENDED.format(end=f"{latest.ends_on:%d.%m.%Y}")
    if latest.starts_on > today:
        return texts.DEPUTY_RIGHTS_NOT_BEGUN.format(start=f"{latest.starts_on:%d.%m.%Y}")
    return texts.BUTTON_OUTDATED


async def not_deciding(
    query: CallbackQuery,
    session: AsyncSession,
    settings: HandlerSettings,
    person: Person | None = None,
) -> None:
    await query.answer(await why_not_deciding(session, person, settings), show_alert=True)


def build_router() -> Router:
    """Mount after the routers whose handlers carry `Decider()`."""
    router = Router(name=__name__)
    router.callback_query.register(
        not_deciding,
        or_f(
            ListCb.filter(),
            CardCb.filter(F.action == CardAction.OPEN),
            BulkCb.filter(F.action.in_({BulkAction.ASK, BulkAction.YES})),
        ),
    )
    return router
