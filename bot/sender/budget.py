"""Telegram's limits as one budget: the outbox sender and the handlers' replies draw from it.

Telegram allows a bot about 30 messages a second overall and one new message a second per chat
(PRODUCT.md §6); a message beyond either is answered 429. Every call that puts a message into a
chat (`send…`, `copy…`, `forward…`) counts towards both limits, an edit (`edit…`) towards the
overall one; other calls (answering a callback, polling, deleting) towards neither.

* `SendBudget` is this process's share: the `CallPacer` (the overall rate, evenly spaced) and
  when each chat may get its next new message. The sender consults it before each call it
  starts; `PacedReplies`, a request middleware on the bot's session, makes a handler's reply
  wait for it too, so a director's prompt during the 09:00 digest neither overtakes the limit
  nor is starved by the digest (it takes the next free slot, as the sender does).
* `RedisBudget`, used when `REDIS_URL` is set, makes the budget one for all replicas: an atomic
  script keeps the starts of the last second (a sorted set, on Redis's own clock, so replicas'
  clocks do not matter) and a key per chat that lives for the per-chat interval. A call starts
  only when the script has counted it. Without Redis, a process is alone with its limits.

Decisions recorded here: the rate and the interval are settings (`SEND_RATE`,
`SEND_CHAT_INTERVAL`); if Redis cannot be reached (0.5 s at most per call), a replica goes by its
local budget alone for the next 5 s and logs the fact once a minute: Telegram's 429s are then
the worst that happens, and the sender honours them.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.sender.pacing import LIMIT_SLACK, CallPacer

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

# Set while the sender makes a call: it has drawn from the budget already.
drawn: contextvars.ContextVar[bool] = contextvars.ContextVar("budget_drawn", default=False)

_NEW_MESSAGE: Final = ("send", "copy", "forward")
_EDIT: Final = ("edit",)
# A Redis error is logged at most this often (seconds).
_WARN_EVERY: Final = 60.0
# After a Redis error, the local budget alone for this long (seconds): a Redis that is away
# must not slow every call down by its timeouts.
_AWAY_FOR: Final = 5.0
# Timeouts of the budget's Redis connection (seconds): a call waits no longer than this for it.
REDIS_TIMEOUT: Final = 0.5


def counted(method: TelegramMethod[Any]) -> tuple[bool, bool]:
    """(counts towards the overall rate, is a new message in its chat)."""
    name = method.__api_method__
    new = name.startswith(_NEW_MESSAGE)
    return new or name.startswith(_EDIT), new


def chat_of(method: TelegramMethod[Any]) -> int | None:
    chat_id = getattr(method, "chat_id", None)
    return chat_id if isinstance(chat_id, int) else None


@dataclass(frozen=True)
class Refusal:
    """Not now: `seconds` to wait; `chat`: the chat's interval, not the overall rate."""

    seconds: float
    chat: bool


class SharedBudget:
    """The budget of all replicas together; the local one has none (`reserve` always agrees)."""

    async def reserve(self, chat_id: int | None, *, new_message: bool) -> Refusal | None:
        return None

    async def close(self) -> None:
        return None


# KEYS[1]: the starts of the last window (a sorted set); KEYS[2]: the chat's key.
# ARGV: window (ms), the most starts a window, the chat's interval (ms; 0: not a new message),
# a member unique to this start. Returns 0 (counted: start now) or the ms to wait, negative
# when the chat is what is not free.
_RESERVE: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local window = tonumber(ARGV[1])
local chat_ms = tonumber(ARGV[3])
if chat_ms > 0 then
  local ttl = redis.call('PTTL', KEYS[2])
  if ttl > 0 then return -ttl end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, math.ceil(tonumber(oldest[2]) + window - now))
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 2))
if chat_ms > 0 then redis.call('SET', KEYS[2], '1', 'PX', math.ceil(chat_ms)) end
return 0
"""


class RedisBudget(SharedBudget):
    """One budget for every replica on this Redis (see the module docstring)."""

    def __init__(
        self,
        redis: Redis,
        *,
        rate: float,
        per_chat_interval: float,
        prefix: str = "dpo-bot:budget",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._limit = CallPacer(rate, clock).limit
        self._window_ms = (max(1.0, self._limit / rate) + LIMIT_SLACK) * 1000
        self._chat_ms = (per_chat_interval + LIMIT_SLACK) * 1000 if per_chat_interval > 0 else 0
        self._script = redis.register_script(_RESERVE)
        self._ids = itertools.count()
        self._me = f"{os.getpid()}-{id(self):x}"
        self._clock = clock
        self._warned: float | None = None
        self._away_until: float | None = None

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisBudget:
        from redis.asyncio import Redis

        redis = Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
        )
        return cls(redis, **kwargs)

    async def reserve(self, chat_id: int | None, *, new_message: bool) -> Refusal | None:
        if self._away_until is not None and self._clock() < self._away_until:
            return None
        chat_ms = self._chat_ms if new_message and chat_id is not None else 0
        keys = [f"{self._prefix}:starts", f"{self._prefix}:chat:{chat_id}"]
        args = [self._window_ms, self._limit, chat_ms, f"{self._me}-{next(self._ids)}"]
        try:
            wait_ms = int(await self._script(keys=keys, args=args))
        except Exception as exc:  # Redis away: this call goes by the local budget alone
            now = self._clock()
            self._away_until = now + _AWAY_FOR
            if self._warned is None or now - self._warned >= _WARN_EVERY:
                self._warned = now
                log.warning(
                    "shared send budget unavailable (%s): local limits only", type(exc).__name__
                )
            return None
        if wait_ms == 0:
            return None
        return Refusal(abs(wait_ms) / 1000, chat=wait_ms < 0)

    async def close(self) -> None:
        await self._redis.aclose()


class SendBudget:
    """This process's budget (the overall pacer and the chats' intervals) and the shared one."""

    def __init__(
        self,
        rate: float = 30.0,
        per_chat_interval: float = 1.0,
        *,
        shared: SharedBudget | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pacer = CallPacer(rate, clock)
        self.per_chat_interval = per_chat_interval
        self.shared = shared or SharedBudget()
        self._clock = clock
        # When each chat may get its next new message (clock time).
        self._chat_free: dict[int, float] = {}

    def chat_free_at(self, chat_id: int) -> float:
        return self._chat_free.get(chat_id, 0.0)

    def wait(self, chat_id: int | None, *, new_message: bool) -> float:
        """Seconds until this process's limits allow the call (0: now)."""
        wait = self.pacer.delay()
        if new_message and chat_id is not None:
            wait = max(wait, self.chat_free_at(chat_id) - self._clock())
        return max(0.0, wait)

    def take(self, chat_id: int | None, *, new_message: bool) -> None:
        """The call starts now."""
        self.pacer.take()
        if new_message and chat_id is not None and self.per_chat_interval > 0:
            self._chat_free[chat_id] = self._clock() + self.per_chat_interval + LIMIT_SLACK

    def forget_idle(self) -> None:
        clock = self._clock()
        for chat_id in [chat for chat, free in self._chat_free.items() if free <= clock]:
            del self._chat_free[chat_id]

    async def acquire(self, chat_id: int | None, *, new_message: bool) -> None:
        """Wait until both budgets allow the call, and count it (a handler's reply)."""
        while True:
            wait = self.wait(chat_id, new_message=new_message)
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            refusal = await self.shared.reserve(chat_id, new_message=new_message)
            if refusal is None:
                self.take(chat_id, new_message=new_message)
                return
            await asyncio.sleep(refusal.seconds)


class PacedReplies(BaseRequestMiddleware):
    """A call made outside the sender (a handler's reply) waits for the budget first.

    Installed after `bot.telegram.CommitBeforeCall`, so the update's transaction is committed
    before the call waits: a wait never holds a lock.
    """

    def __init__(self, budget: SendBudget) -> None:
        self.budget = budget

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not drawn.get():
            paced, new_message = counted(method)
            if paced:
                await self.budget.acquire(chat_of(method), new_message=new_message)
        return await make_request(bot, method)
