"""/forget and `dpo-bot forget CODE`: the consent withdrawn, the account forgotten (152-ФЗ)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.fakeapi import User
from models import (
    Application,
    CardMessage,
    Channel,
    ConsentRecord,
    HistoryEntry,
    OutboxMessage,
    Person,
    Role,
    Status,
)
from services import outbox, workflow
from services.outbox import OutboxItem
from services.workflow import Actor
from tests import factories as f
from tests.dispatcher import Harness
from tests.test_cli import SAMPLE_FILES, cli
from tests.test_handlers_roles import inline_buttons, linked, press, say

USER = User(id=6201, first_name="Мария", last_name="Иванова")


async def _seed(h: Harness, person_id: int) -> None:
    """A card shown in the chat, a notification waiting, a decision in the history."""
    async with h.db.begin() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        teacher = await f.person(session, person.organization, Role.TEACHER)
        app = await f.application(session, teacher, number=70001)
        session.add(CardMessage(application_id=app.id, chat_id=USER.id, message_id=5))
        await workflow.add_comment(
            session, app.number, Actor(person_id, Channel.BOT), "Принесите диплом"
        )
        await outbox.enqueue(
            session, OutboxItem("waiting", person_id, {"type": "text", "text": "x"})
        )


async def _count(h: Harness, query: object) -> int:
    async with h.db() as session:
        return int(await session.scalar(query) or 0)  # type: ignore[call-overload]


async def test_forget_asks_first_and_back_keeps_everything(harness: Harness) -> None:
    h = harness
    person_id = await linked(h, USER, Role.DIRECTOR)
    ask = await say(h, USER, "/forget")
    assert "Отозвать согласие" in ask["text"]
    assert inline_buttons(ask) == ["Подтвердить", "Назад"]
    await press(h, USER, ask, "Назад")
    assert "Ничего не изменилось" in h.fake.last_message(USER.id)["text"]  # type: ignore[index]
    async with h.db() as session:
        person = await session.get(Person, person_id)
        assert person is not None and person.telegram_id == USER.id
    assert await _count(h, select(func.count()).select_from(ConsentRecord)) == 1


async def test_forget_erases_the_account_and_keeps_the_history(harness: Harness) -> None:
    h = harness
    person_id = await linked(h, USER, Role.DIRECTOR)
    await _seed(h, person_id)
    history = await _count(h, select(func.count()).select_from(HistoryEntry))
    assert history >= 1
    assert (await say(h, USER, "/settings"))["text"]  # consented: the cache now knows it
    ask = await say(h, USER, "/forget")
    await press(h, USER, ask, "Подтвердить")
    done = h.fake.messages(USER.id)[-1]
    assert "Согласие отозвано" in done["text"]
    assert done["reply_markup"] == {"remove_keyboard": True}

    async with h.db() as session:
        person = await session.get(Person, person_id)
        assert person is not None and person.telegram_id is None  # the person stays
        assert (await session.scalars(select(Application.status))).all() == [Status.NEW]
    assert await _count(h, select(func.count()).select_from(ConsentRecord)) == 0
    assert await _count(h, select(func.count()).select_from(CardMessage)) == 0
    mine = (
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.person_id == person_id)
    )
    assert await _count(h, mine) == 0
    assert await _count(h, select(func.count()).select_from(HistoryEntry)) == history

    # The process's consent cache honours the withdrawal: the next message gets the consent.
    again = await say(h, USER, "/settings")
    assert "152-ФЗ" in again["text"]


def test_the_operator_forgets_a_person_by_code(tmp_path: Path) -> None:
    import sqlite3

    assert cli(tmp_path, "import", *SAMPLE_FILES).returncode == 0
    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE people SET telegram_id = 5555 WHERE code = 'P-1001'")
        connection.execute(
            "INSERT INTO consents (telegram_id, version, accepted_at)"
            " VALUES (5555, '2024-1', '2026-12-01 00:00:00+00:00')"
        )
    result = cli(tmp_path, "forget", "P-1001")
    assert result.returncode == 0, result.stderr
    assert "Telegram account unlinked; erased 1 consent(s)" in result.stdout
    with sqlite3.connect(database) as connection:
        assert connection.execute(
            "SELECT telegram_id FROM people WHERE code = 'P-1001'"
        ).fetchone() == (None,)
        assert connection.execute("SELECT count(*) FROM consents").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM applications").fetchone() == (5,)

    again = cli(tmp_path, "forget", "P-1001")
    assert again.returncode == 0 and "nothing to erase" in again.stdout
    unknown = cli(tmp_path, "forget", "P-9999")
    assert unknown.returncode == 1 and "no person with the code 'P-9999'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
