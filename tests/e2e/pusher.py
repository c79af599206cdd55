"""Telegram's side of webhook mode for several replicas behind a load balancer.

`WebhookPusher` takes the updates the fake queued (a user's text or press) and POSTs each, with
the secret, to a replica: a chat's updates one after another, each to the next replica in turn,
so consecutive updates of one chat land on different replicas. An update that gets no 200 (the
replica is dead, or answered an error) is retried on the next replica, as Telegram retries a
webhook; every `duplicate_every`-th update also goes to a second replica at the same moment, as
when Telegram's retry crosses a slow answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import defaultdict
from types import TracebackType
from typing import Any

import aiohttp

from bot.fakeapi import FakeTelegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_PAUSE = 0.2
GIVE_UP_AFTER = 120.0


def chat_of(update: dict[str, Any]) -> int:
    for kind in ("message", "edited_message"):
        if kind in update:
            return int(update[kind]["chat"]["id"])
    query = update.get("callback_query")
    if query is not None:
        return int(query["from"]["id"])
    return 0


class WebhookPusher:
    def __init__(
        self, fake: FakeTelegram, ports: list[int], secret: str, *, duplicate_every: int = 0
    ) -> None:
        self._fake = fake
        self._urls = [f"http://127.0.0.1:{port}/telegram/webhook" for port in ports]
        self._secret = secret
        self._duplicate_every = duplicate_every
        self._queues: dict[int, asyncio.Queue[dict[str, Any]]] = {}
        self._turns: dict[int, int] = defaultdict(int)
        self._count = itertools.count(1)
        self._tasks: list[asyncio.Task[None]] = []
        self._http: aiohttp.ClientSession | None = None
        self.pushed = 0  # updates answered 200 by some replica
        self.duplicated = 0  # of them, also sent to a second replica
        self.retried = 0  # deliveries that had to try another replica
        self.replicas_of_chat: dict[int, set[int]] = defaultdict(set)

    async def __aenter__(self) -> WebhookPusher:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        self._tasks.append(asyncio.create_task(self._take()))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._http is not None:
            await self._http.close()

    async def idle(self, timeout: float = 30) -> None:
        """Until every update taken so far has been answered."""
        async with asyncio.timeout(timeout):
            while self._fake.pending_updates or any(q.qsize() for q in self._queues.values()):
                await asyncio.sleep(0.05)
            for queue in self._queues.values():
                await queue.join()

    async def _take(self) -> None:
        while True:
            for update in self._fake.take_updates():
                chat = chat_of(update)
                queue = self._queues.get(chat)
                if queue is None:
                    queue = self._queues[chat] = asyncio.Queue()
                    self._tasks.append(asyncio.create_task(self._chat(chat, queue)))
                queue.put_nowait(update)
            await asyncio.sleep(0.01)

    async def _chat(self, chat: int, queue: asyncio.Queue[dict[str, Any]]) -> None:
        while True:
            update = await queue.get()
            try:
                await self._deliver(chat, update)
            finally:
                queue.task_done()

    async def _deliver(self, chat: int, update: dict[str, Any]) -> None:
        turn = self._turns[chat]
        self._turns[chat] += 1
        first = (chat + turn) % len(self._urls)
        order = self._urls[first:] + self._urls[:first]
        attempts = [self._post(order[0], update)]
        if self._duplicate_every and next(self._count) % self._duplicate_every == 0:
            attempts.append(self._post(order[1], update))
            self.duplicated += 1
        answered = await asyncio.gather(*attempts)
        if answered[0]:
            self.replicas_of_chat[chat].add(first)
        elif not any(answered):
            loop = asyncio.get_running_loop()
            deadline = loop.time() + GIVE_UP_AFTER
            for url in itertools.cycle(order[1:] + order[:1]):
                self.retried += 1
                await asyncio.sleep(RETRY_PAUSE)
                if await self._post(url, update):
                    break
                if loop.time() > deadline:
                    raise AssertionError(f"no replica took update {update['update_id']}")
        self.pushed += 1

    async def _post(self, url: str, update: dict[str, Any]) -> bool:
        assert self._http is not None
        try:
            async with self._http.post(
                url, json=update, headers={SECRET_HEADER: self._secret}
            ) as response:
                return response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False
