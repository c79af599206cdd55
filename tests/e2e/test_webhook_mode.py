"""With WEBHOOK_BASE_URL set, `dpo-bot run` serves Telegram's webhook and checks its secret."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram, User
from models import FsmRecord, HandledUpdate
from tests.e2e.conftest import BotProcess

USER = User(id=7001, first_name="Игорь")
SECRET = "s3cret-token_1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_mode(bot: BotProcess, port: int, **settings: str) -> None:
    bot.env.update(
        WEBHOOK_BASE_URL="https://bot.example.org",
        WEBHOOK_SECRET=SECRET,
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(port),
        **settings,
    )


def start_update(update_id: int) -> dict[str, object]:
    """The update Telegram pushes when USER sends /start."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": USER.chat_dict(),
            "from": USER.to_dict(),
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_webhook_mode(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    port = free_port()
    webhook_mode(bot, port)
    await bot.start(wait=False)
    call = await fake.wait_for(lambda c: c.method == "setWebhook", timeout=60)
    assert call.params["url"] == "https://bot.example.org/telegram/webhook"
    assert call.params["secret_token"] == SECRET
    assert call.params["max_connections"] == 40
    assert fake.calls_of("getUpdates") == []

    fake.register_user(USER)
    update = start_update(1)
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=update) as response:
            assert response.status == 401
        async with http.post(
            url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
        ) as response:
            assert response.status == 401
        assert fake.calls_of("sendMessage") == []
        # With the right secret, a body that is no update is refused (400), not a 500 that
        # Telegram would retry: malformed JSON, nesting deeper than any parser, no update.
        secret = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
        for body in (b"{not json", b"[" * 100_000 + b"]" * 100_000, b'{"update_id": "x"}'):
            async with http.post(url, data=body, headers=secret) as response:
                assert response.status == 400, body[:20]
        # Without the secret it stays 401, whatever the body.
        async with http.post(url, data=b"{not json") as response:
            assert response.status == 401

        mark = fake.mark()
        async with http.post(
            url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        ) as response:
            assert response.status == 200
        consent = await fake.wait_for_message(USER.id, "152-ФЗ", since=mark)
        assert consent["reply_markup"]["inline_keyboard"][0][0]["text"] == "Ознакомился"

        # /healthz on the webhook's port even without API_TOKEN; the API itself is off.
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
            assert await response.json() == {"status": "ok", "database": True}
        async with http.get(f"http://127.0.0.1:{port}/api/v1/applications") as response:
            assert response.status == 404

    code = await bot.stop()
    assert code == 0, bot.log()
    async with db() as session:
        # Nothing was left half-done: no conversation was opened by the refused calls.
        assert (await session.scalars(select(FsmRecord))).all() == []


async def test_a_retried_webhook_update_is_handled_once_and_answered_after_handling(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    port = free_port()
    webhook_mode(bot, port, WEBHOOK_MAX_CONNECTIONS="12")
    await bot.start(wait=False)
    call = await fake.wait_for(lambda c: c.method == "setWebhook", timeout=60)
    assert call.params["max_connections"] == 12
    fake.register_user(USER)
    update = start_update(77)
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=update, headers=headers) as response:
            assert response.status == 200
        # Telegram got its answer only once the update was handled: the consent is out.
        sent = [c for c in fake.calls_of("sendMessage", ok=True) if "152-ФЗ" in c.params["text"]]
        assert len(sent) == 1
        # Telegram retries (it did not get that answer, say), twice at once: nothing more.
        retries = [http.post(url, json=update, headers=headers) for _ in range(2)]
        for response in await asyncio.gather(*retries):
            assert response.status == 200
            response.release()
    await asyncio.sleep(0.5)
    sent = [c for c in fake.calls_of("sendMessage", ok=True) if "152-ФЗ" in c.params["text"]]
    assert len(sent) == 1, fake.dump_calls()
    code = await bot.stop()
    assert code == 0, bot.log()
    assert "Traceback" not in bot.log()
    async with db() as session:
        assert list(await session.scalars(select(HandledUpdate.update_id))) == [77]
