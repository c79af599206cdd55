"""The demo's page and its JSON endpoints, on aiohttp beside the fake Bot API server.

The page (`static/`) plays the people of the sample region: it reads each chat as the fake
server keeps it (the bot's messages after their edits, the user's own, the reply keyboard,
the answers to pressed buttons) and acts as the user through the fake's own entry points
(`send_text`, `press`, `send_contact`, `send_document`), so the bot receives real updates by
long polling. `/api/events` (server-sent events) tells the page when anything changed.

Nothing here is authenticated: it listens on loopback only and holds the sample data.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import BodyPartReader, web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo.http import attachment, newest_outbox, read_json, refuse
from bot.demo.region import DemoPerson
from bot.fakeapi import FakeTelegram

STATIC = Path(__file__).resolve().parent / "static"
MAX_TEXT = 4096
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# How many pressed buttons per chat the page can still show the answer of.
QUERIES_KEPT = 20
# An idle event stream still gets a comment line this often (proxies close silent streams).
HEARTBEAT_SECONDS = 15.0

Tick = Callable[[], Awaitable[dict[str, int]]]


@dataclass
class DemoSite:
    """The state the page reads and the actions it takes, over one fake server."""

    fake: FakeTelegram
    people: list[DemoPerson]
    sessionmaker: async_sessionmaker[AsyncSession]
    tick: Tick
    _queries: dict[int, list[str]] = field(default_factory=dict)
    _closing: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self._by_id = {person.user.id: person for person in self.people}
        for person in self.people:
            self.fake.register_user(person.user)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_get("/", self._index)
        app.router.add_static("/static/", STATIC, show_index=False)
        app.router.add_get("/api/people", self._people)
        app.router.add_get("/api/chats/{id}", self._chat)
        app.router.add_post("/api/chats/{id}/text", self._text)
        app.router.add_post("/api/chats/{id}/press", self._press)
        app.router.add_post("/api/chats/{id}/contact", self._contact)
        app.router.add_post("/api/chats/{id}/document", self._document)
        app.router.add_get("/api/files/{file_id}", self._file)
        app.router.add_get("/api/outbox", self._outbox)
        app.router.add_post("/api/tick", self._tick)
        app.router.add_get("/api/events", self._events)
        app.on_shutdown.append(self._close)
        return app

    async def _close(self, app: web.Application) -> None:
        """End the open event streams, so that a stop does not wait for the pages to leave."""
        self._closing.set()

    # -- reading -----------------------------------------------------------------------------

    async def _index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def _people(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "bot": {"username": self.fake.bot_username, "name": self.fake.bot_name},
                "people": [
                    {**person.as_json(), "messages": len(self.fake.history(person.user.id))}
                    for person in self.people
                ],
            }
        )

    async def _chat(self, request: web.Request) -> web.Response:
        person = self._person(request)
        chat_id = person.user.id
        answers = [
            {"query": query, **answer}
            for query in self._queries.get(chat_id, [])
            for answer in self.fake.callback_answers(query)
            if answer.get("text")
        ]
        return web.json_response(
            {
                "messages": self.fake.history(chat_id),
                "keyboard": self.fake.reply_keyboard(chat_id),
                "answers": answers,
                "revision": self.fake.revision,
            }
        )

    async def _file(self, request: web.Request) -> web.StreamResponse:
        try:
            stored = self.fake.file(request.match_info["file_id"])
        except KeyError:
            raise refuse(404, "no_file", "no such file") from None
        if stored.content is None:
            raise refuse(404, "no_file", "the file has no content")
        name = stored.file_name or stored.file_path or "file"
        response = web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )
        if stored.file_name is not None:
            response.headers["Content-Disposition"] = attachment(name)
        return response

    async def _outbox(self, request: web.Request) -> web.Response:
        return web.json_response(await newest_outbox(self.sessionmaker))

    async def _events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        sent = -1
        with contextlib.suppress(ConnectionResetError):
            while not self._closing.is_set():
                revision = self.fake.revision
                if revision != sent:
                    sent = revision
                    await response.write(f"data: {revision}\n\n".encode())
                else:
                    await response.write(b": idle\n\n")
                await self._next_change()
        return response

    async def _next_change(self) -> None:
        waits = {
            asyncio.ensure_future(self.fake.changed(HEARTBEAT_SECONDS)),
            asyncio.ensure_future(self._closing.wait()),
        }
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    # -- acting as the user ------------------------------------------------------------------

    async def _text(self, request: web.Request) -> web.Response:
        person = self._person(request)
        body = await read_json(request)
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise refuse(400, "empty_text", "type a message first")
        if len(text) > MAX_TEXT:
            raise refuse(400, "long_text", f"a message holds at most {MAX_TEXT} characters")
        self.fake.send_text(person.user, text)
        return web.json_response({"ok": True})

    async def _press(self, request: web.Request) -> web.Response:
        person = self._person(request)
        body = await read_json(request)
        message_id, data = body.get("message_id"), body.get("data")
        if not isinstance(message_id, int) or not isinstance(data, str):
            raise refuse(400, "bad_press", "message_id (a number) and data (a string) are needed")
        try:
            query = self.fake.press(person.user, message_id, data)
        except (LookupError, ValueError):
            raise refuse(409, "stale_button", "that button is no longer on the screen") from None
        kept = self._queries.setdefault(person.user.id, [])
        kept.append(query)
        del kept[:-QUERIES_KEPT]
        return web.json_response({"ok": True, "query": query})

    async def _contact(self, request: web.Request) -> web.Response:
        person = self._person(request)
        if not person.phone:
            raise refuse(409, "no_phone", "this person has no phone in the sample data")
        self.fake.send_contact(person.user, person.phone)
        return web.json_response({"ok": True})

    async def _document(self, request: web.Request) -> web.Response:
        person = self._person(request)
        if not request.content_type.startswith("multipart/"):
            raise refuse(400, "no_upload", "send the file as multipart/form-data, field 'file'")
        reader = await request.multipart()
        part = await reader.next()
        while part is not None and getattr(part, "name", None) != "file":
            part = await reader.next()
        if not isinstance(part, BodyPartReader) or not part.filename:
            raise refuse(400, "no_upload", "no file in the form (field 'file')")
        content = await part.read(decode=False)
        if not content:
            raise refuse(400, "empty_file", "the file is empty")
        self.fake.send_document(person.user, Path(part.filename).name, bytes(content))
        return web.json_response({"ok": True})

    async def _tick(self, request: web.Request) -> web.Response:
        return web.json_response(await self.tick())

    def _person(self, request: web.Request) -> DemoPerson:
        try:
            return self._by_id[int(request.match_info["id"])]
        except (KeyError, ValueError):
            raise refuse(404, "no_person", "no such person in the demo") from None
