"""A fresh invitation moves a person to another Telegram account: the old one is told and stops."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram, User
from models import Application, CardMessage, Person, Status
from services.invitations import create_invitations
from tests.e2e.conftest import BotProcess
from tests.e2e.scenario import DIRECTOR, cards_of, link, load_samples

NEW_PHONE = User(id=1901, first_name="Ольга", last_name="Смирнова")


async def test_the_old_account_is_told_and_loses_menus_and_cards(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    codes = await load_samples(db)
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    old_cards = await cards_of(fake, DIRECTOR.id, 3)

    async with db.begin() as session:
        (fresh,) = await create_invitations(session, codes=["P-1001"], ttl_days=14)
    mark = fake.mark()
    await link(fake, NEW_PHONE, fresh.code)
    told = await fake.wait_for(
        lambda c: (
            c.method == "sendMessage"
            and c.params.get("chat_id") == DIRECTOR.id
            and "перенесён на другой аккаунт" in c.params.get("text", "")
        ),
        since=mark,
    )
    assert "remove_keyboard" in str(told.params["reply_markup"])  # the old menu goes
    reset = await fake.wait_for(
        lambda c: (
            c.method == "deleteMyCommands"
            and c.params.get("scope", {}).get("chat_id") == DIRECTOR.id
        ),
        since=mark,
    )
    assert reset.ok
    await cards_of(fake, NEW_PHONE.id, 3, since=mark)  # the new account has the work now
    async with db() as session:
        person = await session.scalar(select(Person).where(Person.code == "P-1001"))
        assert person is not None and person.telegram_id == NEW_PHONE.id
        shown_old = await session.scalars(
            select(CardMessage).where(CardMessage.chat_id == DIRECTOR.id)
        )
        assert shown_old.all() == []

    # An old card pressed in the old chat decides nothing.
    mark = fake.mark()
    fake.press_button(DIRECTOR, old_cards[43112], "Одобрить")
    await fake.wait_for(lambda c: c.method == "answerCallbackQuery", since=mark)
    await asyncio.sleep(0.5)
    async with db() as session:
        status = await session.scalar(select(Application.status).where(Application.number == 43112))
    assert status is Status.NEW
    assert not [
        c
        for c in fake.calls[mark:]
        if c.method == "sendMessage"
        and c.params.get("chat_id") == DIRECTOR.id
        and "одобряете" in c.params.get("text", "")
    ]
