"""Forgetting a Telegram account (152-ФЗ): the consent withdrawn, the account unlinked.

`/forget` in the bot (with a confirmation) and `dpo-bot forget CODE` for the operator erase what
the bot keeps of a Telegram account: the link to the person (`people.telegram_id`), the consent
records, the wrong codes it typed, the cards shown in its chat, its conversation state, the
messages still waiting to go to it, and the account's id on the invitations it used. The person
and the applications' history stay: the history names people by their record, never by chat.
The person can be linked again later with a new invitation (and a new consent).

Every statement is by an indexed key (the account, the person) except the conversation state's
key pattern and the pending chat-addressed refreshes, both small tables by nature.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    CardMessage,
    ConsentRecord,
    FsmRecord,
    Invitation,
    LinkAttempt,
    OutboxMessage,
    OutboxState,
    Person,
)
from services.outbox.chunks import rowcount
from services.outbox.items import OutboxItem, enqueue_many


@dataclass(frozen=True)
class Forgotten:
    telegram_id: int | None
    person_id: int | None
    consents: int = 0
    cards: int = 0
    messages: int = 0


async def _leave_chat(session: AsyncSession, telegram_id: int) -> tuple[int, int]:
    """The bot stops showing this chat anything: the chat-addressed refreshes still waiting,
    the cards shown in it and its conversation state go. Returns (refreshes, cards) deleted."""
    chat = case(
        (OutboxMessage.person_id.is_(None), OutboxMessage.payload["chat_id"].as_string()),
        else_=None,
    )
    refreshes = rowcount(
        await session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.state == OutboxState.PENDING, chat == str(telegram_id))
            .execution_options(synchronize_session=False)
        )
    )
    cards = rowcount(
        await session.execute(delete(CardMessage).where(CardMessage.chat_id == telegram_id))
    )
    # Keys are "bot:chat:user:thread:business:destiny"; a private chat's id is the user's.
    await session.execute(
        delete(FsmRecord).where(FsmRecord.key.like(f"%:{telegram_id}:{telegram_id}:%"))
    )
    return refreshes, cards


async def forget_account(session: AsyncSession, telegram_id: int) -> Forgotten:
    """Erase what is kept of this Telegram account; the caller commits."""
    person = await session.scalar(select(Person).where(Person.telegram_id == telegram_id))
    person_id = person.id if person is not None else None
    messages = 0
    if person is not None:
        person.telegram_id = None
        person.reachable = True
        await session.execute(
            update(Invitation)
            .where(Invitation.person_id == person.id)
            .values(used_by_telegram_id=None)
            .execution_options(synchronize_session=False)
        )
        messages += rowcount(
            await session.execute(
                delete(OutboxMessage)
                .where(
                    OutboxMessage.person_id == person.id,
                    OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.HELD)),
                )
                .execution_options(synchronize_session=False)
            )
        )
    refreshes, cards = await _leave_chat(session, telegram_id)
    messages += refreshes
    consents = rowcount(
        await session.execute(delete(ConsentRecord).where(ConsentRecord.telegram_id == telegram_id))
    )
    await session.execute(delete(LinkAttempt).where(LinkAttempt.telegram_id == telegram_id))
    await session.flush()
    return Forgotten(telegram_id, person_id, consents, cards, messages)


async def moved_away(session: AsyncSession, telegram_id: int, person_id: int, event: str) -> None:
    """A fresh invitation moved the person from this Telegram account to another one.

    The old account is told (through the outbox, after the commit), its reply keyboard and
    command menu go, and the bot stops showing it the school's applications: the cards shown in
    its chat are no longer refreshed, refreshes still waiting for it are dropped, and an open
    prompt is closed. The cards it was sent are forgotten, so the new account gets them anew.
    Its consent stays: it belongs to the account, which may link again.
    `event` makes the messages' keys unique (the invitation's id).
    """
    await _leave_chat(session, telegram_id)
    # The cards delivered to the old account are forgotten with it, so that the new account
    # gets the waiting ones anew (`services.notifications.cards_for_waiting`, same keys).
    await session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.person_id == person_id,
            OutboxMessage.method == "card",
            OutboxMessage.state.in_((OutboxState.SENT, OutboxState.FAILED)),
        )
        .execution_options(synchronize_session=False)
    )
    await enqueue_many(
        session,
        [
            OutboxItem(
                key=f"moved:{event}:{person_id}",
                person_id=None,
                payload={"type": "moved", "chat_id": telegram_id},
                method="moved",
            ),
            OutboxItem(
                key=f"moved:{event}:{person_id}:menu",
                person_id=None,
                payload={"type": "menu-reset", "chat_id": telegram_id},
                method="menu-reset",
            ),
        ],
    )


async def forget_person(session: AsyncSession, code: str) -> Forgotten | None:
    """`dpo-bot forget CODE`: the person's account forgotten; None if no such person."""
    person = await session.scalar(select(Person).where(Person.code == code))
    if person is None:
        return None
    if person.telegram_id is None:
        return Forgotten(None, person.id)
    return await forget_account(session, person.telegram_id)
