"""The project's fake Bot API server as the benchmarks need it.

`BenchTelegram` subclasses `bot.fakeapi.FakeTelegram` and adds three things the tests do not
need: a round trip added to every request (Telegram as seen from a VM), Telegram's flood limits
(answered with 429 and `retry_after`), and cheap waiting for one chat's next message or edit
(the fake's own `wait_for` scans the whole call list, which costs too much at hundreds of calls
per second).
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.fakeapi import FakeTelegram, User
from bot.fakeapi.server import Call
from bot.fakeapi.spec import ApiError

TOKEN = "123456:BENCH"
# Methods that put a message into a chat (Telegram's flood limits count them).
_SENDS = ("send", "copy", "forward")
_EDITS = ("edit",)
# Calls kept for diagnostics; older ones are dropped so a long run does not grow without end.
_KEEP_CALLS = 2000


@dataclass
class FloodLimits:
    """Telegram's documented limits: 30 messages a second overall, one a second per chat."""

    per_second: int = 30
    per_chat_seconds: float = 1.0


class BenchTelegram(FakeTelegram):
    def __init__(
        self, *, rtt: float = 0.0, limits: FloodLimits | None = None, **kwargs: Any
    ) -> None:
        super().__init__(token=TOKEN, **kwargs)
        self.rtt = rtt
        self.limits = limits
        self.too_many = 0
        self.too_many_by_chat: collections.Counter[int] = collections.Counter()
        self.call_count = 0
        self._window: collections.deque[float] = collections.deque()
        self._last_send: dict[int, float] = {}
        self._edit_waiters: dict[tuple[int, int], list[asyncio.Future[float]]] = {}
        self._send_waiters: dict[int, list[tuple[Callable[[Call], bool], asyncio.Future[Any]]]] = {}
        self.listeners: list[Callable[[Call, float], None]] = []

    # -- the round trip and the flood limits ------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        if self.rtt:
            await asyncio.sleep(self.rtt)
        method = request.match_info["method"]
        if self.limits is not None and method.startswith(_SENDS + _EDITS):
            refused = await self._flood_check(request, method)
            if refused is not None:
                return refused
        response = await super()._handle_method(request)
        # No await between the fake recording the call and returning: the last call is ours.
        self._observe(self.calls[-1])
        return response

    async def _flood_check(self, request: web.Request, method: str) -> web.Response | None:
        assert self.limits is not None
        chat_id: Any = request.query.get("chat_id")
        if chat_id is None and request.method == "POST":
            if request.content_type == "application/json":
                chat_id = (await request.json()).get("chat_id")
            else:
                chat_id = (await request.post()).get("chat_id")
        try:
            chat = int(str(chat_id))
        except ValueError:
            return None  # the fake itself answers a bad chat_id
        now = time.monotonic()
        while self._window and now - self._window[0] >= 1.0:
            self._window.popleft()
        per_chat = method.startswith(_SENDS)
        too_fast = len(self._window) >= self.limits.per_second or (
            per_chat and now - self._last_send.get(chat, -1e9) < self.limits.per_chat_seconds
        )
        if not too_fast:
            self._window.append(now)
            if per_chat:
                self._last_send[chat] = now
            return None
        self.too_many += 1
        self.too_many_by_chat[chat] += 1
        error = ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        return web.json_response(error.to_response(), status=429)

    # -- observing ---------------------------------------------------------------------------

    def _observe(self, call: Call) -> None:
        self.call_count += 1
        if len(self.calls) > 2 * _KEEP_CALLS:
            del self.calls[:-_KEEP_CALLS]
        now = time.perf_counter()
        for listener in self.listeners:
            listener(call, now)
        if not call.ok:
            return
        chat = call.params.get("chat_id")
        if not isinstance(chat, int):
            return
        if call.method.startswith("edit"):
            key = (chat, int(call.params.get("message_id", 0)))
            for future in self._edit_waiters.pop(key, []):
                if not future.done():
                    future.set_result(now)
        waiting = self._send_waiters.get(chat)
        if waiting:
            keep = []
            for predicate, waiter in waiting:
                if waiter.done():
                    continue
                if predicate(call):
                    waiter.set_result(call)
                else:
                    keep.append((predicate, waiter))
            self._send_waiters[chat] = keep

    def next_edit(self, chat_id: int, message_id: int) -> asyncio.Future[float]:
        """Resolves with `perf_counter()` when the message is next edited successfully."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._edit_waiters.setdefault((chat_id, message_id), []).append(future)
        return future

    def next_call(self, chat_id: int, predicate: Callable[[Call], bool]) -> asyncio.Future[Call]:
        """Resolves with the next successful call into the chat that matches `predicate`."""
        future: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        self._send_waiters.setdefault(chat_id, []).append((predicate, future))
        return future

    # -- seeding -----------------------------------------------------------------------------

    def plant(self, user: User, text: str, reply_markup: dict[str, Any] | None = None) -> int:
        """A message the bot sent earlier (a card from yesterday); returns its message_id."""
        chat = self._chat_for(user)
        message: dict[str, Any] = {
            "message_id": self._allocate_id(chat),
            "from": self._bot_user(),
            "chat": user.chat_dict(),
            "date": int(time.time()),
            "text": text,
        }
        self._store_bot_message(chat, message, reply_markup)
        return int(message["message_id"])
