"""`dpo-bot run` sends the digest on start when it is due; «Одобрить все» works from it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram
from models import Application, ConsentRecord, DigestLog, Person, Status
from tests.e2e.conftest import BotProcess
from tests.e2e.scenario import DIRECTOR, load_samples


async def test_digest_due_at_start_goes_once_and_approves_all(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await load_samples(db)
    async with db.begin() as session:
        director = await session.scalar(select(Person).where(Person.code == "P-1001"))
        assert director is not None
        director.telegram_id = DIRECTOR.id
        director.instant_cards = False  # digest only: no cards to confuse the count
        session.add(ConsentRecord(telegram_id=DIRECTOR.id, version="2024-1"))
    fake.register_user(DIRECTOR)
    # Whatever today is, make it a working day, with the digest due since midnight.
    today = datetime.now(ZoneInfo("Asia/Yekaterinburg")).date()
    workdays = tmp_path / "workdays.txt"
    workdays.write_text(f"{today.isoformat()} work\n", encoding="utf-8")
    bot.env.update(WORKDAYS_FILE=str(workdays), DIGEST_TIME="00:00", QUIET_HOURS="off")

    await bot.start()
    digest = await fake.wait_for_message(DIRECTOR.id, "Заявки ждут решения", timeout=30)
    assert "Не обработано: <b>3</b>" in digest["text"] or "Не обработано: 3" in digest["text"]
    labels = [b["text"] for row in digest["reply_markup"]["inline_keyboard"] for b in row]
    assert "Одобрить все" in labels

    # A restart the same day sends nothing more.
    assert await bot.stop() == 0
    await bot.start()
    mark = fake.mark()
    fake.press_button(DIRECTOR, digest, "Одобрить все")
    confirm = await fake.wait_for_message(DIRECTOR.id, "Одобрить все заявки", since=mark)
    mark = fake.mark()
    fake.press_button(DIRECTOR, confirm, "Подтвердить")
    report = await fake.wait_for_message(DIRECTOR.id, "Одобрено", since=mark)
    assert "Одобрено: 1, пропущено: 2" in report["text"]
    digests = [
        c
        for c in fake.calls_of("sendMessage", ok=True)
        if c.params["text"].startswith("📬")  # the digest; a reminder starts with ⏰
    ]
    assert len(digests) == 1
    async with db() as session:
        logs = (await session.scalars(select(DigestLog))).all()
        approved = await session.scalar(select(Application).where(Application.number == 43113))
    assert approved is not None and approved.status is Status.APPROVED
    assert len([log for log in logs if log.person_id == director.id]) >= 1
