"""What a card of an application shows, read in a few queries (rendering is the bot's job)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import bindparam, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import (
    Application,
    CardMessage,
    Comment,
    Group,
    HistoryAction,
    HistoryEntry,
    Kind,
    Person,
    Status,
)
from services.workflow import TRANSITIONS, assessment_progress

# Card records deleted per retention pass: one short write transaction, even on a backlog.
PRUNE_BATCH: Final = 1000
# Statuses nothing leads out of: a card of such an application shows its last state for good.
FINAL_STATUSES: Final = frozenset(Status) - {seen for seen, _ in TRANSITIONS}
# A final card is kept a little longer, for a refresh still queued by its last change.
FINAL_GRACE: Final = timedelta(days=1)


@dataclass
class Change:
    entry: HistoryEntry
    actor_name: str | None
    on_behalf_of_name: str | None


@dataclass
class CardData:
    application: Application
    last_status_change: Change | None
    # (passed, total) for a course application, else None.
    assessment: tuple[int, int] | None
    comments: list[Comment] = field(default_factory=list)
    history: list[Change] = field(default_factory=list)
    # The program's other groups, for «Смена группы».
    other_groups: list[Group] = field(default_factory=list)


async def load_card(
    session: AsyncSession, application_id: int, *, with_tabs: bool = False
) -> CardData | None:
    application = await session.get(Application, application_id)
    if application is None:
        return None
    history = await _changes(session, application_id, only_status=not with_tabs)
    status_changes = [c for c in history if c.entry.action is HistoryAction.STATUS]
    assessment = None
    if application.kind is Kind.COURSE:
        assessment = await assessment_progress(session, application.applicant_id)
    comments: list[Comment] = []
    other_groups: list[Group] = []
    if with_tabs:
        other_groups = list(
            (
                await session.scalars(
                    select(Group)
                    .where(
                        Group.program_id == application.group.program_id,
                        Group.id != application.group_id,
                    )
                    .order_by(Group.name)
                )
            ).all()
        )
        comments = list(
            (
                await session.scalars(
                    select(Comment)
                    .where(Comment.application_id == application_id)
                    .order_by(Comment.id)
                )
            ).all()
        )
    return CardData(
        application=application,
        last_status_change=status_changes[-1] if status_changes else None,
        assessment=assessment,
        comments=comments,
        history=history if with_tabs else [],
        other_groups=other_groups,
    )


# Who made a change and on whose behalf, by name. The aliases and statements are built once: an
# `aliased()` made per call costs more than the query (new column proxies, a new cache key),
# and these run for every card refreshed and every notification sent.
_ACTOR = aliased(Person)
_PRINCIPAL = aliased(Person)
_CHANGES = (
    select(HistoryEntry, _ACTOR.full_name, _PRINCIPAL.full_name)
    .outerjoin(_ACTOR, _ACTOR.id == HistoryEntry.actor_id)
    .outerjoin(_PRINCIPAL, _PRINCIPAL.id == HistoryEntry.on_behalf_of_id)
)
_CHANGE_BY_ID = _CHANGES.where(HistoryEntry.id == bindparam("history_id"))
_CHANGES_OF = _CHANGES.where(HistoryEntry.application_id == bindparam("application_id")).order_by(
    HistoryEntry.id
)
_STATUS_CHANGES_OF = _CHANGES.where(
    HistoryEntry.application_id == bindparam("application_id"),
    HistoryEntry.action == HistoryAction.STATUS,
).order_by(HistoryEntry.id)


async def load_change(session: AsyncSession, history_id: int) -> Change | None:
    row = (await session.execute(_CHANGE_BY_ID, {"history_id": history_id})).first()
    if row is None:
        return None
    return Change(row[0], row[1], row[2])


async def _changes(
    session: AsyncSession, application_id: int, *, only_status: bool
) -> list[Change]:
    query = _STATUS_CHANGES_OF if only_status else _CHANGES_OF
    rows = await session.execute(query, {"application_id": application_id})
    return [Change(entry, name, behalf) for entry, name, behalf in rows]


async def remember_card(
    session: AsyncSession, application_id: int, chat_id: int, message_id: int, view: str | None
) -> None:
    """Cards shown in a chat are refreshed after every change of their application.

    `view` says whose screen it is (DECIDER_CARD, TEACHER_CARD or None for a plain card), so a
    refresh keeps the right buttons.
    """
    known = await session.scalar(
        select(CardMessage).where(
            CardMessage.application_id == application_id,
            CardMessage.chat_id == chat_id,
            CardMessage.message_id == message_id,
        )
    )
    if known is None:
        session.add(
            CardMessage(
                application_id=application_id, chat_id=chat_id, message_id=message_id, note=view
            )
        )
    elif known.note != view:
        known.note = view


async def forget_card(session: AsyncSession, chat_id: int, message_id: int) -> None:
    """The message shows something else now (a list again): stop refreshing it as a card."""
    await session.execute(
        delete(CardMessage).where(
            CardMessage.chat_id == chat_id, CardMessage.message_id == message_id
        )
    )


async def comment_of(session: AsyncSession, entry: HistoryEntry) -> int | None:
    """The comment a history entry of action `comment` recorded (same author and time)."""
    return await session.scalar(
        select(Comment.id)
        .where(
            Comment.application_id == entry.application_id,
            Comment.author_id == entry.actor_id if entry.actor_id else Comment.author_id.is_(None),
            Comment.created_at == entry.created_at,
        )
        .order_by(Comment.id.desc())
        .limit(1)
    )


async def prune_cards(session: AsyncSession, *, now: datetime, retention_days: int) -> int:
    """Forget up to PRUNE_BATCH card records no change will refresh any more; return how many.

    A record goes once its application is in a final state (for a day) or once it is older than
    `retention_days`. The candidates are read from `card_messages` in id order: after the first
    passes that table holds only the live cards, so a pass costs the same at any history's size.
    """
    final = or_(
        CardMessage.created_at < now - timedelta(days=retention_days),
        exists().where(
            Application.id == CardMessage.application_id,
            Application.status.in_(sorted(FINAL_STATUSES)),
            Application.updated_at < now - FINAL_GRACE,
        ),
    )
    ids = list(
        await session.scalars(
            select(CardMessage.id).where(final).order_by(CardMessage.id).limit(PRUNE_BATCH)
        )
    )
    if ids:
        await session.execute(delete(CardMessage).where(CardMessage.id.in_(ids)))
    return len(ids)
