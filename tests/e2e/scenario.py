"""The sample region of bot/samples, loaded into the bot's database, and its people.

Telegram ids follow the person codes: P-1001 (director of school 12, also a listener) is 1001,
P-1002 and P-1003 are her teachers, P-2001 directs another school.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram, User
from services.importer import import_file
from services.invitations import create_invitations
from tests.conftest import SAMPLES

DIRECTOR = User(id=1001, first_name="Ольга", last_name="Смирнова")
KUZNETSOV = User(id=1002, first_name="Андрей", last_name="Кузнецов")
IVANOVA = User(id=1003, first_name="Мария", last_name="Иванова")
OTHER_DIRECTOR = User(id=2001, first_name="Игорь", last_name="Петров")
CODES = {
    DIRECTOR.id: "P-1001",
    KUZNETSOV.id: "P-1002",
    IVANOVA.id: "P-1003",
    OTHER_DIRECTOR.id: "P-2001",
}
PHONES = {KUZNETSOV.id: "+79000000002", IVANOVA.id: "89000000003"}


async def load_samples(db: async_sessionmaker[AsyncSession]) -> dict[int, str]:
    """Import the samples; return an invitation code per Telegram user id."""
    for name in ("people.csv", "applications.csv", "assessment.csv"):
        async with db.begin() as session:
            await import_file(session, SAMPLES / name)
    async with db.begin() as session:
        issued = await create_invitations(session, codes=list(CODES.values()), ttl_days=14)
    by_code = {item.person_code: item.code for item in issued}
    return {user_id: by_code[code] for user_id, code in CODES.items()}


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def link(fake: FakeTelegram, user: User, code: str) -> dict[str, Any]:
    """Open the invitation link, accept the consent; return the greeting."""
    mark = fake.mark()
    fake.send_command(user, "/start", args=code)
    consent = await fake.wait_for_message(user.id, "152-ФЗ", since=mark)
    mark = fake.mark()
    fake.press_button(user, consent, "Ознакомился")
    return await fake.wait_for_message(user.id, "Здравствуйте", since=mark)


async def cards_of(
    fake: FakeTelegram, chat_id: int, count: int, since: int = 0
) -> dict[int, dict[str, Any]]:
    """Wait for `count` application cards in a chat; return them by application number."""
    import re

    found: dict[int, dict[str, Any]] = {}
    index = since
    while len(found) < count:
        call = await fake.wait_for(
            lambda c: (
                c.method == "sendMessage"
                and c.ok
                and c.params.get("chat_id") == chat_id
                and "Заявка №" in c.params.get("text", "")
                and "Одобрить" in str(c.params.get("reply_markup"))
            ),
            since=index,
            timeout=20,
        )
        index = fake.calls.index(call) + 1
        number = int(re.search(r"Заявка №(\d+)", call.params["text"]).group(1))  # type: ignore[union-attr]
        found[number] = call.result
    return found
