"""The HTTP API and the signed status webhooks, served by `dpo-bot run` itself."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fakeapi import FakeTelegram
from models import Application, Status
from tests.e2e.conftest import BotProcess
from tests.e2e.scenario import DIRECTOR, cards_of, link, load_samples

TOKEN = "api-token-1"
SECRET = "hook-secret-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_api_and_webhooks_in_the_running_bot(
    bot: BotProcess, fake: FakeTelegram, db: async_sessionmaker[AsyncSession]
) -> None:
    received: list[dict[str, Any]] = []
    attempts = 0

    async def receive(request: web.Request) -> web.Response:
        nonlocal attempts
        attempts += 1
        body = await request.read()
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(request.headers["X-DPO-Signature"], expected)
        if attempts <= 2:  # the receiver fails twice, then accepts
            return web.Response(status=503)
        received.append(json.loads(body))
        return web.Response(status=204)

    hook_app = web.Application()
    hook_app.router.add_post("/hook", receive)
    runner = web.AppRunner(hook_app)
    await runner.setup()
    hook_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", hook_port).start()

    codes = await load_samples(db)
    port = free_port()
    bot.env.update(
        API_TOKEN=TOKEN,
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(port),
        WEBHOOK_OUT_URL=f"http://127.0.0.1:{hook_port}/hook",
        WEBHOOK_OUT_SECRET=SECRET,
    )
    await bot.start()
    await link(fake, DIRECTOR, codes[DIRECTOR.id])
    await cards_of(fake, DIRECTOR.id, 3)
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200
            async with http.get(f"{base}/api/v1/applications") as response:
                assert response.status == 401
            mark = fake.mark()
            new = {
                "applicant_code": "P-1003",
                "applicant_name": "Иванова Мария Сергеевна",
                "organization": "МАОУ «СОШ № 12 г. Челябинска»",
                "kind": "assessment",
                "program": "Новая программа",
                "group": "Новая группа",
                "hours": 16,
                "study_start": "2027-03-01",
                "study_end": "2027-03-10",
                "form": "очная",
                "status": "new",
            }
            async with http.put(f"{base}/api/v1/applications/50500", json=new, headers=auth) as r:
                assert r.status in (200, 201), await r.text()
            card = await fake.wait_for_message(DIRECTOR.id, "Заявка №50500", since=mark)
            assert "Новая программа" in card["text"]

            change = {"status": "cancelled", "comment": "Отменена в ГИС"}
            url = f"{base}/api/v1/applications/43113/status"
            async with http.post(url, json=change, headers=auth) as r:
                assert r.status == 200, await r.text()
            async with http.post(url, json={"status": "included"}, headers=auth) as r:
                assert r.status == 409
                assert (await r.json())["current_status"] == "cancelled"

        for _ in range(200):
            if received:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)
    finally:
        await runner.cleanup()
    assert [(e["number"], e["old_status"], e["new_status"]) for e in received] == [
        (43113, "new", "cancelled")
    ]
    assert attempts == 3
    async with db() as session:
        app = await session.scalar(select(Application).where(Application.number == 43113))
        assert app is not None and app.status is Status.CANCELLED


async def test_healthz_in_polling_mode_without_api_token(bot: BotProcess) -> None:
    # The image's HEALTHCHECK asks /healthz; long polling without API_TOKEN still serves it.
    port = free_port()
    bot.env.update(WEB_HOST="127.0.0.1", WEB_PORT=str(port))
    bot.env.pop("API_TOKEN", None)
    await bot.start()
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200, bot.log()
            assert await response.json() == {"status": "ok", "database": True}
        async with http.get(f"{base}/api/v1/applications") as response:
            assert response.status == 404
    assert "/healthz on 127.0.0.1:" in bot.log()


async def test_busy_port_without_api_token_is_not_fatal(bot: BotProcess) -> None:
    # Only /healthz would be on the port: the bot logs it and polls on.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        bot.env.update(WEB_HOST="127.0.0.1", WEB_PORT=str(busy.getsockname()[1]))
        bot.env.pop("API_TOKEN", None)
        await bot.start()
        assert "/healthz not served" in bot.log()
