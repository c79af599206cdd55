"""Races across two processes: directors approving in the bot while staff cancel the same
applications through the HTTP API of another `dpo-bot run`, on SQLite and on PostgreSQL.

Process A polls its fake Bot API server and serves the directors («✅ Одобрить» → «Без
комментария»); process B, on the same database, serves the HTTP API, where a staff client
cancels them with `seen: new` (compare-and-set), each school's from its last application back,
so that the two meet in the middle. Each of the 200 applications then has exactly one status
change: the director was shown «одобрена» exactly where it is approved, the API answered 200
exactly where it is cancelled and 409 with the current status elsewhere, and nobody was told
of a change that did not happen.

Run with the chaos suite (`CHAOS_KILLS` set).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bench.fake import TOKEN as BENCH_TOKEN
from bench.fake import BenchTelegram
from bench.seed import Director, seed
from bot import migrate
from handlers.director.callbacks import CardAction, CardCb, status_code
from models import Application, Status
from models.engine import create_engine, create_sessionmaker
from tests.chaos.test_kills import KILLS, SKIP, _edit_of, _prompt, status_changes
from tests.conftest import TEST_POOL_SIZE
from tests.e2e.conftest import BotProcess, bot_env, free_port

DIRECTORS = 10
PER_DIRECTOR = 20
API_TOKEN = "chaos-races-token"
pytestmark = pytest.mark.skipif(KILLS == 0, reason="the chaos suite runs with CHAOS_KILLS=N")


async def _answered(fake: BenchTelegram, query_id: str, timeout: float = 20) -> str:
    """The text of the bot's answer to a press (empty for a silent answer)."""
    for _ in range(int(timeout / 0.02)):
        answers = fake.callback_answers(query_id)
        if answers:
            return str(answers[0].get("text") or "")
        await asyncio.sleep(0.02)
    raise AssertionError(f"press {query_id} was never answered")


async def _decide(fake: BenchTelegram, director: Director, confirmed: set[int]) -> None:
    """Approve the director's cards one after another; a card staff got to first is refused."""
    user = director.user
    for number, card_id in director.cards:
        prompt = fake.next_call(user.id, _prompt)
        data = CardCb(action=CardAction.APPROVE, number=number, seen=status_code(Status.NEW))
        query = fake.press(user, card_id, data.pack(), strict=False)
        if await _answered(fake, query):  # an alert: cancelled meanwhile
            prompt.cancel()
            continue
        prompt_id = int((await asyncio.wait_for(prompt, 20)).result["message_id"])
        edited = fake.next_call(user.id, _edit_of(prompt_id))
        fake.press(user, prompt_id, SKIP, strict=False)
        confirmation = await asyncio.wait_for(edited, 20)
        if "одобрена" in str(confirmation.params.get("text")):
            confirmed.add(number)


async def _cancel_all(
    base: str, directors: list[Director], answers: dict[int, tuple[int, str | None]]
) -> None:
    """Staff cancel each school's applications from the last one back, while its director
    approves from the first one on: the two meet, and race, somewhere in between."""
    headers = {"Authorization": f"Bearer {API_TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as client:

        async def cancel_backwards(director: Director) -> None:
            for number, _ in reversed(director.cards):
                body = {"status": "cancelled", "seen": "new", "comment": "Отозвано ЧИРО"}
                url = f"{base}/api/v1/applications/{number}/status"
                async with client.post(url, json=body) as response:
                    data = await response.json()
                    answers[number] = (response.status, data.get("current_status"))

        await asyncio.gather(*(cancel_backwards(director) for director in directors))


async def test_the_bot_and_the_api_of_two_processes_race_for_each_application(
    db_url: str, tmp_path: Path
) -> None:
    await asyncio.to_thread(migrate.upgrade, db_url)
    async with BenchTelegram() as fake_a, BenchTelegram() as fake_b:
        directors: list[Director] = await seed(
            db_url, fake_a, schools=DIRECTORS, per_school=PER_DIRECTOR
        )
        common = {"BOT_TOKEN": BENCH_TOKEN, "QUIET_HOURS": "off"}
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        bot_a = BotProcess(
            fake_a, tmp_path / "a", bot_env(tmp_path, db_url, fake_a.base_url, **common)
        )
        port = free_port()
        env_b = bot_env(
            tmp_path, db_url, fake_b.base_url, API_TOKEN=API_TOKEN, WEB_PORT=str(port), **common
        )
        bot_b = BotProcess(fake_b, tmp_path / "b", env_b)
        await asyncio.gather(bot_a.start(), bot_b.start())
        confirmed: set[int] = set()
        answers: dict[int, tuple[int, str | None]] = {}
        try:
            await asyncio.wait_for(
                asyncio.gather(
                    *(_decide(fake_a, d, confirmed) for d in directors),
                    _cancel_all(f"http://127.0.0.1:{port}", directors, answers),
                ),
                timeout=240,
            )
        finally:
            codes = [await bot_a.stop(), await bot_b.stop()]

    engine = create_engine(db_url, pool_size=TEST_POOL_SIZE)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = await session.execute(select(Application.number, Application.status))
            statuses: dict[int, Status] = {number: status for number, status in rows}
            changes, total = await status_changes(session)
    finally:
        await engine.dispose()

    approved = {n for n, status in statuses.items() if status is Status.APPROVED}
    cancelled = {n for n, status in statuses.items() if status is Status.CANCELLED}
    won_by_api = {n for n, (code, _) in answers.items() if code == 200}
    lost_by_api = {n: current for n, (code, current) in answers.items() if code != 200}
    print(
        f"\n{total} applications: {len(approved)} approved by directors "
        f"({len(confirmed)} shown confirmed), {len(cancelled)} cancelled by staff"
    )
    assert codes == [0, 0], bot_a.log() + bot_b.log()
    assert "Traceback" not in bot_a.log() + bot_b.log()
    assert total == DIRECTORS * PER_DIRECTOR == len(answers)
    assert approved | cancelled == set(statuses), "an application is left undecided"
    assert set(changes.values()) == {1}, "an application changed status more than once"
    assert set(changes) == set(statuses)
    assert confirmed == approved, "a director was shown a decision that did not win"
    assert won_by_api == cancelled
    assert set(lost_by_api.values()) <= {"approved"}, lost_by_api
    assert set(lost_by_api) == approved
