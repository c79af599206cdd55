"""The demo's region and its JSON endpoints, over a fake server and a test database."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo import DEMO_BOT_USERNAME, DEMO_TOKEN, demo_settings
from bot.demo.region import SPARE_IDS, _user_ids, load_region, telegram_user
from bot.demo.web import MAX_TEXT, DemoSite
from bot.fakeapi import FakeTelegram
from models import Invitation, OutboxMessage, Person
from models.enums import OutboxChannel, OutboxPriority, OutboxState
from tests.conftest import DPO_BOT

DIRECTOR = 1001


class Ticks:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> dict[str, int]:
        self.calls += 1
        return {"messages": 2, "digests": 1}


@pytest.fixture
async def site(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[tuple[TestClient[Any, Any], FakeTelegram, Ticks]]:
    people = await load_region(sqlite_sessionmaker)
    ticks = Ticks()
    async with FakeTelegram(token=DEMO_TOKEN, bot_username=DEMO_BOT_USERNAME) as fake:
        demo = DemoSite(fake, people, sqlite_sessionmaker, ticks)
        async with TestClient(TestServer(demo.app())) as client:
            yield client, fake, ticks


async def _bot_call(fake: FakeTelegram, method: str, **params: Any) -> Any:
    """The bot's side: a raw Bot API call to the fake, as aiogram would make it."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{fake.base_url}/bot{DEMO_TOKEN}/{method}", json=params) as response,
    ):
        body = await response.json()
    assert body["ok"], body
    return body["result"]


async def test_the_region_is_imported_with_an_invitation_for_everyone(
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    people = await load_region(sqlite_sessionmaker)
    assert [p.code for p in people][:3] == ["P-1001", "P-1002", "P-1003"]
    director = people[0]
    assert director.user.id == DIRECTOR
    assert (director.user.first_name, director.user.last_name) == ("Ольга", "Смирнова")
    assert director.roles == ("director", "teacher")
    assert {"staff"} <= {role for p in people for role in p.roles}
    assert len({p.invitation for p in people}) == len(people)
    async with sqlite_sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Invitation)) == len(people)
        assert await session.scalar(select(func.count()).select_from(Person)) == len(people)


def test_ids_follow_the_codes_and_never_collide() -> None:
    ids = _user_ids(["P-1001", "X", "1001"])
    assert ids == {"P-1001": 1001, "X": SPARE_IDS + 1, "1001": SPARE_IDS + 2}
    assert _user_ids(["A-7", "B-7"]) == {"A-7": 7, "B-7": SPARE_IDS + 1}


def test_a_single_word_name_is_a_first_name() -> None:
    user = telegram_user("Гость", 5)
    assert (user.first_name, user.last_name) == ("Гость", None)


def test_demo_settings_never_reach_out(tmp_path: Any) -> None:
    settings = demo_settings(tmp_path, "http://127.0.0.1:1")
    assert settings.redis_url is None and settings.webhook_base_url is None
    assert settings.api_token is None and settings.webhook_out_url is None
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert str(tmp_path) in settings.database_url
    assert settings.quiet_hours == "off"


async def test_people_and_a_chat_as_the_page_reads_them(
    site: tuple[TestClient[Any, Any], FakeTelegram, Ticks],
) -> None:
    client, fake, _ = site
    body = await (await client.get("/api/people")).json()
    assert body["bot"]["username"] == DEMO_BOT_USERNAME
    assert [p["id"] for p in body["people"]][:2] == [1001, 1002]
    assert body["people"][0]["messages"] == 0
    assert "phone" not in body["people"][0]

    revision = fake.revision
    response = await client.post(f"/api/chats/{DIRECTOR}/text", json={"text": "/start"})
    assert response.status == 200
    assert fake.revision == revision + 1
    update = fake.pending_updates[-1]
    assert update["message"]["text"] == "/start"
    assert update["message"]["entities"][0]["type"] == "bot_command"
    chat = await (await client.get(f"/api/chats/{DIRECTOR}")).json()
    assert [m["text"] for m in chat["messages"]] == ["/start"]
    assert chat["keyboard"] is None and chat["answers"] == []
    assert chat["revision"] == fake.revision
    body = await (await client.get("/api/people")).json()
    assert body["people"][0]["messages"] == 1


async def test_the_contact_button_shares_the_persons_own_phone(
    site: tuple[TestClient[Any, Any], FakeTelegram, Ticks],
) -> None:
    client, fake, _ = site
    assert (await client.post("/api/chats/1002/contact")).status == 200
    contact = fake.pending_updates[-1]["message"]["contact"]
    assert contact["user_id"] == 1002
    assert contact["phone_number"].replace(" ", "").replace("-", "").endswith("9000000002")


async def test_an_upload_reaches_the_bot_as_a_document(
    site: tuple[TestClient[Any, Any], FakeTelegram, Ticks],
) -> None:
    client, fake, _ = site
    form = FormData()
    form.add_field("file", b"a;b\n1;2\n", filename="import.csv", content_type="text/csv")
    assert (await client.post("/api/chats/9001/document", data=form)).status == 200
    document = fake.pending_updates[-1]["message"]["document"]
    assert document["file_name"] == "import.csv"
    assert fake.file(document["file_id"]).content == b"a;b\n1;2\n"
    # ...and the page downloads it again by its id, under its name.
    response = await client.get(f"/api/files/{document['file_id']}")
    assert response.status == 200 and await response.read() == b"a;b\n1;2\n"
    assert "import.csv" in response.headers["Content-Disposition"]


async def test_a_pressed_button_is_answered_on_the_chat(
    site: tuple[TestClient[Any, Any], FakeTelegram, Ticks],
) -> None:
    client, fake, _ = site
    await client.post(f"/api/chats/{DIRECTOR}/text", json={"text": "/start"})
    keyboard = {"inline_keyboard": [[{"text": "OK", "callback_data": "c:ok:1:n:"}]]}
    revision = fake.revision
    message = await _bot_call(
        fake,
        "sendMessage",
        chat_id=DIRECTOR,
        text="<b>Карточка</b>",
        parse_mode="HTML",
        reply_markup=keyboard,
    )
    assert fake.revision == revision + 1
    await _bot_call(fake, "getUpdates", timeout=0)
    assert fake.revision == revision + 1  # reading changes nothing the page shows

    response = await client.post(
        f"/api/chats/{DIRECTOR}/press",
        json={"message_id": message["message_id"], "data": "c:ok:1:n:"},
    )
    assert response.status == 200
    query = (await response.json())["query"]
    assert fake.pending_updates[-1]["callback_query"]["data"] == "c:ok:1:n:"
    await _bot_call(
        fake, "answerCallbackQuery", callback_query_id=query, text="Готово", show_alert=True
    )
    chat = await (await client.get(f"/api/chats/{DIRECTOR}")).json()
    assert chat["answers"] == [
        {"query": query, "callback_query_id": query, "text": "Готово", "show_alert": True}
    ]
    card = chat["messages"][-1]
    assert card["text"] == "Карточка" and card["entities"][0]["type"] == "bold"
    assert card["reply_markup"] == keyboard


async def test_the_outbox_lists_the_newest_telegram_rows_with_their_person(
    site: tuple[TestClient[Any, Any], FakeTelegram, Ticks],
    sqlite_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    client, _, _ = site
    async with sqlite_sessionmaker.begin() as session:
        person = await session.scalar(select(Person).where(Person.code == "P-1001"))
        assert person is not None
        for method in ("card", "digest"):
            session.add(
                OutboxMessage(
                    key=f"test:{method}",
                    channel=OutboxChannel.TELEGRAM,
                    person_id=person.id,
                    method=method,
                    payload={},
                    priority=OutboxPriority.INTERACTIVE,
                    state=OutboxState.PENDING,
                )
            )
    rows = await (await client.get("/api/outbox")).json()
    assert [row["method"] for row in rows][:2] == ["digest", "card"]
    assert len(rows) <= 30
    assert rows[0]["person"] == "Смирнова Ольга Викторовна"
    assert rows[0]["state"] == "pending" and rows[0]["sent_at"] is None


async def test_the_0900_button_runs_the_pass(
    site: tuple[TestClient[Any, Any], FakeTelegram, Ticks],
) -> None:
    client, _, ticks = site
    response = await client.post("/api/tick")
    assert await response.json() == {"messages": 2, "digests": 1}
    assert ticks.calls == 1


async def test_the_event_stream_starts_with_the_revision(
    site: tuple[TestClient[Any, Any], FakeTelegram, Ticks],
) -> None:
    client, fake, _ = site
    response = await client.get("/api/events")
    assert response.headers["Content-Type"] == "text/event-stream"
    first = await response.content.readuntil(b"\n\n")
    assert first == f"data: {fake.revision}\n\n".encode()
    await client.post(f"/api/chats/{DIRECTOR}/text", json={"text": "привет"})
    second = await response.content.readuntil(b"\n\n")
    assert second == f"data: {fake.revision}\n\n".encode()
    response.close()


async def test_the_page_and_its_files_are_served(
    site: tuple[TestClient[Any, Any], FakeTelegram, Ticks],
) -> None:
    client, _, _ = site
    page = await client.get("/")
    assert page.status == 200 and "/static/app.js" in await page.text()
    for name in ("app.js", "style.css"):
        assert (await client.get(f"/static/{name}")).status == 200
    assert (await client.get("/static/")).status in (403, 404)
    assert (await client.get("/static/../web.py")).status in (403, 404)


@pytest.mark.parametrize(
    ("path", "kwargs", "status", "code"),
    [
        ("/api/chats/1001/text", {"json": {"text": "   "}}, 400, "empty_text"),
        ("/api/chats/1001/text", {"json": {"text": "я" * (MAX_TEXT + 1)}}, 400, "long_text"),
        ("/api/chats/1001/text", {"json": ["text"]}, 400, "bad_body"),
        (
            "/api/chats/1001/text",
            {"data": b"{not json", "headers": {"Content-Type": "application/json"}},
            400,
            "bad_body",
        ),
        ("/api/chats/1001/press", {"json": {"message_id": "1", "data": "x"}}, 400, "bad_press"),
        ("/api/chats/1001/press", {"json": {"message_id": 99, "data": "x"}}, 409, "stale_button"),
        ("/api/chats/9/text", {"json": {"text": "hi"}}, 404, "no_person"),
        ("/api/chats/abc/text", {"json": {"text": "hi"}}, 404, "no_person"),
        ("/api/chats/1001/document", {"json": {}}, 400, "no_upload"),
    ],
)
async def test_bad_input_gets_a_clear_refusal_and_sends_nothing(
    site: tuple[TestClient[Any, Any], FakeTelegram, Ticks],
    path: str,
    kwargs: dict[str, Any],
    status: int,
    code: str,
) -> None:
    client, fake, _ = site
    response = await client.post(path, **kwargs)
    assert response.status == status
    body = await response.json()
    assert body["ok"] is False and body["error"] == code and body["detail"]
    assert fake.pending_updates == []


async def test_an_empty_upload_and_a_missing_file_are_refused(
    site: tuple[TestClient[Any, Any], FakeTelegram, Ticks],
) -> None:
    client, fake, _ = site
    form = FormData()
    form.add_field("file", b"", filename="empty.csv")
    response = await client.post("/api/chats/9001/document", data=form)
    assert response.status == 400 and (await response.json())["error"] == "empty_file"
    form = FormData()
    form.add_field("other", b"x", filename="x.csv")
    response = await client.post("/api/chats/9001/document", data=form)
    assert (await response.json())["error"] == "no_upload"
    response = await client.get("/api/files/nope")
    assert response.status == 404 and (await response.json())["error"] == "no_file"
    assert fake.pending_updates == []


def test_a_taken_port_is_refused_at_once_without_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [DPO_BOT, "demo", "--port", str(port)], capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 1
    assert f"port {port} is not free" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


async def test_a_stop_ends_the_open_event_streams(
    site: tuple[TestClient[Any, Any], FakeTelegram, Ticks],
) -> None:
    client, _, _ = site
    response = await client.get("/api/events")
    await response.content.readuntil(b"\n\n")
    await client.app.shutdown()
    async with asyncio.timeout(5):  # not the 15 s heartbeat: the stream ends now
        assert await response.content.read() == b""
