"""A fake Telegram Bot API server, for the tests and for `dpo-bot demo` (:mod:`bot.demo`).

It runs on aiohttp in the caller's event loop, bound to 127.0.0.1 on a free port, and serves
``{base}/bot{token}/{method}`` (GET or POST; query string, urlencoded, multipart or JSON body)
and ``{base}/file/bot{token}/{file_path}``. Tests play private-chat users by injecting updates
(``send_text``, ``send_command``, ``press``...), which the bot receives through real long
polling, and observe what the bot did through the recorded :class:`Call` list and the per-chat
store of the bot's messages (kept up to date by edits and deletions).

Every request is checked against the Bot API reference (see :mod:`.spec`), and the fake answers
with Telegram's own error shapes, so aiogram raises the same exceptions it would in production.

Order of checks for one call: token (401), method (404), parameters (unknown / missing /
wrong type, 400), content rules (text, caption, keyboard, 400), then injected faults
(:meth:`FakeTelegram.fail_next`), then the target chat (400 "chat not found", 403 blocked),
then the method itself. Every call is recorded, failed ones included.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import PurePosixPath
from types import EllipsisType, TracebackType
from typing import Any, Self

from aiohttp import web

from .spec import (
    MAX_CALLBACK_ANSWER_LENGTH,
    ApiError,
    BotApiSpec,
    JsonDict,
    UploadedFile,
    bad_request,
    check_caption,
    check_message_text,
    check_reply_markup,
    is_inline_keyboard,
    load_spec,
    utf16_len,
)

GET_UPDATES = "getUpdates"
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CONFLICT_DESCRIPTION = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
BLOCKED_DESCRIPTION = "Forbidden: bot was blocked by the user"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
MAX_UPLOAD_BYTES = 64 * 1024 * 1024

_BLOCKABLE_PREFIXES = ("send", "edit", "copy", "forward")
_MESSAGE_PREFIXES = ("send", "edit", "copy", "forward")
_MEDIA_KEYS = ("document", "photo", "video", "audio", "animation", "voice")
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")
_BOT_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")

# Methods that change nothing a user sees: they leave `FakeTelegram.revision` as it is.
_READS = frozenset({"getMe", "getUpdates", "getFile", "getChat", "getWebhookInfo", "getMyCommands"})

Handler = Callable[[JsonDict, dict[str, UploadedFile]], Awaitable[Any]]


@dataclass
class User:
    """A Telegram user; their private chat with the bot has ``chat id == user id``."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def to_dict(self) -> JsonDict:
        """The ``User`` object."""
        data: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    def chat_dict(self) -> JsonDict:
        """The ``Chat`` object of the private chat with this user."""
        data: JsonDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        return data


@dataclass
class Call:
    """One request the bot made (successful or not) and the answer it got."""

    method: str
    params: JsonDict
    files: dict[str, UploadedFile]
    time: float
    response: JsonDict
    status: int = 200

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        value = self.response.get("description")
        return None if value is None else str(value)

    def summary(self) -> str:
        """A one-line description for failure messages."""
        params = json.dumps(self.params, ensure_ascii=False, default=str)
        if len(params) > 300:
            params = params[:297] + "..."
        outcome = "ok" if self.ok else f"{self.status} {self.description}"
        return f"{self.method} {params} -> {outcome}"


@dataclass
class StoredFile:
    """A file known to the fake: injected by a test or uploaded by the bot."""

    file_id: str
    file_unique_id: str
    file_path: str | None
    content: bytes | None
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_size(self) -> int | None:
        return None if self.content is None else len(self.content)

    def document_dict(self) -> JsonDict:
        data: JsonDict = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name is not None:
            data["file_name"] = self.file_name
        if self.mime_type is not None:
            data["mime_type"] = self.mime_type
        if self.file_size is not None:
            data["file_size"] = self.file_size
        return data

    def photo_sizes(self) -> list[JsonDict]:
        size: JsonDict = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": 640,
            "height": 480,
        }
        if self.file_size is not None:
            size["file_size"] = self.file_size
        return [size]

    def file_dict(self) -> JsonDict:
        data: JsonDict = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_size is not None:
            data["file_size"] = self.file_size
        if self.file_path is not None and self.content is not None:
            data["file_path"] = self.file_path
        return data


@dataclass
class _StoredMessage:
    data: JsonDict
    from_bot: bool
    edit_count: int = 0


@dataclass
class _ChatState:
    user: User
    next_message_id: int = 1
    messages: dict[int, _StoredMessage] = field(default_factory=dict)
    reply_keyboard: JsonDict | None = None


@dataclass
class _CallbackQuery:
    id: str
    user: User
    chat_id: int
    message_id: int
    data: str | None
    answered: bool = False
    answers: list[JsonDict] = field(default_factory=list)


@dataclass
class _Fault:
    remaining: int
    status: int
    retry_after: int
    methods: frozenset[str] | None
    description: str | None

    def matches(self, method: str) -> bool:
        if self.methods is None:
            return method != GET_UPDATES
        return method in self.methods

    def error(self) -> ApiError:
        if self.status == HTTPStatus.TOO_MANY_REQUESTS:
            return ApiError(
                self.status,
                self.description or f"Too Many Requests: retry after {self.retry_after}",
                {"retry_after": self.retry_after},
            )
        if self.description is not None:
            return ApiError(self.status, self.description)
        if self.status == HTTPStatus.FORBIDDEN:
            return ApiError(self.status, BLOCKED_DESCRIPTION)
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Error"
        return ApiError(self.status, phrase)


def _update_kind(update: JsonDict) -> str:
    return next(key for key in update if key != "update_id")


class FakeTelegram:
    """The fake Bot API server. See the module docstring for the overall behaviour."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "dpo_test_bot",
        bot_id: int = 123456,
        bot_name: str = "DPO Test Bot",
        spec: BotApiSpec | None = None,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.spec = spec if spec is not None else load_spec()
        self.calls: list[Call] = []
        self.downloads: list[str] = []
        self._chats: dict[int, _ChatState] = {}
        self._blocked: set[int] = set()
        self._updates: list[JsonDict] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._poll_count = 0
        self._callbacks: dict[str, _CallbackQuery] = {}
        self._next_callback = 1
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._next_file = 1
        self._faults: list[_Fault] = []
        # Seconds to hold the answer of a method (a slow Telegram), and methods begun so far.
        self._delays: dict[str, float] = {}
        # Methods whose next answers are lost: the call takes effect, the connection drops.
        self._drops: dict[str, int] = {}
        # Called with the method's name when a call arrives, before it takes effect.
        self.on_call: list[Callable[[str], None]] = []
        self.started: list[str] = []
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._changed = asyncio.Event()
        # Bumped by every change a user would see (a message, an edit, an answer, an update).
        self.revision = 0
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
        }

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        if self._runner is not None:
            raise RuntimeError("the fake Telegram server is already running")
        self._stopping = False
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Answer pending long polls with ``[]`` and shut the server down."""
        self._stopping = True
        self._notify()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        self._port = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (what ``TELEGRAM_API_URL`` should be set to)."""
        if self._port is None:
            raise RuntimeError("the fake Telegram server is not running")
        return f"http://127.0.0.1:{self._port}"

    # -- injecting updates -------------------------------------------------------------------

    def register_user(self, user: User) -> None:
        """Make the user's chat known (as if they had written before) without an update."""
        self._chat_for(user)

    def inject_update(self, kind: str, payload: JsonDict) -> JsonDict:
        """Queue a raw update ``{"update_id": N, kind: payload}`` and return it."""
        update: JsonDict = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self._updates.append(update)
        self.revision += 1
        self._notify()
        return update

    def send_text(
        self,
        user: User,
        text: str,
        *,
        reply_to: JsonDict | int | None = None,
        entities: list[JsonDict] | None = None,
    ) -> JsonDict:
        """The user sends a text message (a leading ``/command`` gets a bot_command entity)."""
        content: JsonDict = {"text": text}
        found: list[JsonDict] = []
        command = _COMMAND_RE.match(text)
        if command is not None:
            found.append({"type": "bot_command", "offset": 0, "length": utf16_len(command[0])})
        found.extend(entities or [])
        if found:
            content["entities"] = found
        return self._user_message(user, content, reply_to)

    def send_command(self, user: User, command: str, args: str | None = None) -> JsonDict:
        """The user sends ``/command args`` (the leading slash is optional in ``command``)."""
        if not command.startswith("/"):
            command = "/" + command
        return self.send_text(user, f"{command} {args}" if args else command)

    def send_contact(
        self,
        user: User,
        phone: str,
        user_id: int | EllipsisType | None = ...,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> JsonDict:
        """The user shares a contact; by default their own (``user_id`` = their id).

        Pass another ``user_id`` for someone else's contact, or ``None`` for a contact that is
        not a Telegram user. ``phone`` is sent exactly as given (real clients send it with or
        without the leading ``+``).
        """
        contact_user_id = user.id if isinstance(user_id, EllipsisType) else user_id
        own = contact_user_id == user.id
        contact: JsonDict = {
            "phone_number": phone,
            "first_name": first_name or (user.first_name if own else "Contact"),
        }
        surname = last_name if last_name is not None else (user.last_name if own else None)
        if surname:
            contact["last_name"] = surname
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._user_message(user, {"contact": contact}, None)

    def send_document(
        self,
        user: User,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> JsonDict:
        """The user sends a file; the bot can fetch it with getFile and download it."""
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self._add_file(content, filename, mime, "document")
        payload: JsonDict = {"document": stored.document_dict()}
        if caption:
            payload["caption"] = caption
        return self._user_message(user, payload, None)

    def send_photo(self, user: User, content: bytes, caption: str | None = None) -> JsonDict:
        """The user sends a photo (one size, 640x480)."""
        stored = self._add_file(content, None, "image/jpeg", "photo")
        payload: JsonDict = {"photo": stored.photo_sizes()}
        if caption:
            payload["caption"] = caption
        return self._user_message(user, payload, None)

    def press(self, user: User, message: JsonDict | int, data: str, *, strict: bool = True) -> str:
        """The user presses an inline button of a bot message; returns the callback query id.

        ``message`` is a bot message dict (from :meth:`messages`, a call result, ...) or its
        ``message_id``. With ``strict`` the message must currently show a button with this
        ``callback_data`` (as a real user could only press what is on screen).
        """
        chat = self._chats.get(user.id)
        message_id = message if isinstance(message, int) else int(message["message_id"])
        stored = chat.messages.get(message_id) if chat is not None else None
        if chat is None or stored is None or not stored.from_bot:
            raise LookupError(f"no bot message {message_id} in chat {user.id}")
        if strict:
            available = [button.get("callback_data") for button in self._buttons(stored)]
            if data not in available:
                raise ValueError(
                    f"message {message_id} has no button with callback_data {data!r}; "
                    f"available: {available!r}"
                )
        query_id = str(4_000_000_000_000_000 + self._next_callback)
        self._next_callback += 1
        self._callbacks[query_id] = _CallbackQuery(query_id, user, user.id, message_id, data)
        payload: JsonDict = {
            "id": query_id,
            "from": user.to_dict(),
            "message": self._api_view(stored),
            "chat_instance": str(-(10**12) - user.id),
            "data": data,
        }
        self.inject_update("callback_query", payload)
        return query_id

    def press_button(self, user: User, message: JsonDict | int, text: str) -> str:
        """Press the callback button whose text is ``text`` (or uniquely contains it)."""
        chat = self._chats.get(user.id)
        message_id = message if isinstance(message, int) else int(message["message_id"])
        stored = chat.messages.get(message_id) if chat is not None else None
        if stored is None or not stored.from_bot:
            raise LookupError(f"no bot message {message_id} in chat {user.id}")
        buttons = self._buttons(stored)
        matching = [b for b in buttons if b.get("text") == text] or [
            b for b in buttons if text in str(b.get("text", ""))
        ]
        if len(matching) != 1 or "callback_data" not in matching[0]:
            texts = [b.get("text") for b in buttons]
            raise ValueError(f"no single callback button {text!r} in message; buttons: {texts}")
        return self.press(user, message_id, str(matching[0]["callback_data"]))

    # -- observing ---------------------------------------------------------------------------

    def mark(self) -> int:
        """The current number of recorded calls, to use as ``since=`` later."""
        return len(self.calls)

    def calls_of(self, method: str, *, ok: bool | None = None) -> list[Call]:
        """Recorded calls of ``method`` (optionally only successful or only failed ones)."""
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def messages(self, chat_id: int) -> list[JsonDict]:
        """Current state of the bot's messages in the chat, oldest first.

        Each is a ``Message`` dict (text / caption, entities, ``reply_markup`` as sent,
        ``edit_date`` once edited) plus ``"edited": bool`` and ``"edit_count": int``. Deleted
        messages are gone.
        """
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        return [self._store_view(m) for m in chat.messages.values() if m.from_bot]

    def last_message(self, chat_id: int) -> JsonDict | None:
        """The bot's most recent (not deleted) message in the chat."""
        messages = self.messages(chat_id)
        return messages[-1] if messages else None

    def history(self, chat_id: int) -> list[JsonDict]:
        """All messages of the chat (the user's and the bot's), oldest first."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        return [self._store_view(m) for m in chat.messages.values()]

    def reply_keyboard(self, chat_id: int) -> JsonDict | None:
        """The reply keyboard the user currently sees (None if none or removed)."""
        chat = self._chats.get(chat_id)
        return copy.deepcopy(chat.reply_keyboard) if chat is not None else None

    def callback_answers(self, callback_query_id: str) -> list[JsonDict]:
        """Parameters of the successful answerCallbackQuery calls for this query."""
        query = self._callbacks.get(callback_query_id)
        return [dict(answer) for answer in query.answers] if query is not None else []

    def file(self, file_id: str) -> StoredFile:
        """A file the fake knows (injected or uploaded by the bot)."""
        return self._files[file_id]

    def commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        """The commands set with setMyCommands for the scope (default scope if None)."""
        return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    def take_updates(self) -> list[JsonDict]:
        """Remove and return the queued updates: in webhook mode Telegram pushes them (see
        tests/e2e/pusher.py) instead of the bot polling for them."""
        taken, self._updates = self._updates, []
        return taken

    @property
    def pending_updates(self) -> list[JsonDict]:
        """Updates not yet confirmed by the bot (through getUpdates offset)."""
        return copy.deepcopy(self._updates)

    @property
    def poll_count(self) -> int:
        """How many getUpdates requests have arrived so far."""
        return self._poll_count

    async def wait_for(
        self,
        predicate: Callable[[Call], bool],
        timeout: float = 10.0,
        *,
        since: int = 0,
    ) -> Call:
        """The first recorded call at index >= ``since`` matching ``predicate``.

        Returns at once if such a call was already made, else waits for it. Raises
        ``TimeoutError`` listing the recent calls.
        """
        return await self._wait_for(predicate, timeout, since, "a matching call")

    async def wait_for_message(
        self,
        chat_id: int,
        contains: str | None = None,
        *,
        since: int = 0,
        timeout: float = 10.0,
        methods: Collection[str] | None = None,
    ) -> JsonDict:
        """The message of the first successful call at index >= ``since`` that put a message
        into the chat (send*, edit*, copy*, forward*), whose text or caption contains
        ``contains`` (plain text: HTML tags stripped, entities decoded).

        Returns that call's result (the ``Message`` as the bot received it). Deterministic:
        calls are scanned in order from ``since`` whether already made or still to come, so
        take ``since = fake.mark()`` before triggering the bot.
        """
        wanted = frozenset(methods) if methods is not None else None

        def predicate(call: Call) -> bool:
            if wanted is not None and call.method not in wanted:
                return False
            message = _message_of(call, chat_id)
            if message is None:
                return False
            return contains is None or contains in (
                message.get("text") or message.get("caption") or ""
            )

        what = f"a message to chat {chat_id}" + (
            f" containing {contains!r}" if contains is not None else ""
        )
        call = await self._wait_for(predicate, timeout, since, what)
        result: JsonDict = call.result
        return result

    async def wait_polling(self, timeout: float = 10.0, *, after: int = 0) -> None:
        """Resolve once more than ``after`` getUpdates requests have arrived (bot is up).

        The request counts as soon as it arrives, while it is still long-polling.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._poll_count <= after:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"the bot did not call getUpdates within {timeout}s\n{self.dump_calls()}"
                )
            await self._wait_changed(remaining)

    def dump_calls(self, last: int = 25) -> str:
        """The last recorded calls, one per line."""
        start = max(0, len(self.calls) - last)
        lines = [f"#{i} {self.calls[i].summary()}" for i in range(start, len(self.calls))]
        return "recent calls:\n" + ("\n".join(lines) if lines else "(none)")

    # -- fault injection ---------------------------------------------------------------------

    def block_chat(self, chat_id: int, *, notify: bool = False) -> None:
        """The user blocks the bot: send*/edit*/copy*/forward* to the chat answer 403.

        With ``notify``, a ``my_chat_member`` update (member -> kicked) is queued too.
        """
        self._blocked.add(chat_id)
        if notify:
            self._member_update(chat_id, "member", "kicked")

    def unblock_chat(self, chat_id: int, *, notify: bool = False) -> None:
        """The user unblocks the bot (``notify``: queue a kicked -> member update)."""
        self._blocked.discard(chat_id)
        if notify:
            self._member_update(chat_id, "kicked", "member")

    def fail_next(
        self,
        count: int = 1,
        status: int = 429,
        retry_after: int = 2,
        methods: Collection[str] | None = None,
        description: str | None = None,
    ) -> None:
        """The next ``count`` calls of ``methods`` (None: any method but getUpdates) fail.

        429 answers carry ``parameters.retry_after``; other statuses answer ``ok: false`` with
        ``description`` or the HTTP reason phrase. Faults apply after the parameter checks.
        """
        self._faults.append(
            _Fault(
                remaining=count,
                status=status,
                retry_after=retry_after,
                methods=frozenset(methods) if methods is not None else None,
                description=description,
            )
        )

    def clear_faults(self) -> None:
        self._faults.clear()
        self._delays.clear()
        self._drops.clear()

    def drop_answer_next(self, method: str, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` take effect, but their answers are lost.

        The connection is closed instead of answering, as when a network path fails after the
        request reached Telegram: the client sees a network error for a call that did happen.
        """
        self._drops[method] = self._drops.get(method, 0) + count

    def delay(self, method: str, seconds: float) -> None:
        """Hold every answer to `method` for `seconds` (0 removes the delay)."""
        if seconds:
            self._delays[method] = seconds
        else:
            self._delays.pop(method, None)

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        started = time.time()
        method_name = request.match_info["method"]
        self.started.append(method_name)
        for hook in self.on_call:
            hook(method_name)
        self._notify()
        if method_name in self._delays:
            await asyncio.sleep(self._delays[method_name])
        method = self.spec.method(method_name)
        name = method.name if method is not None else method_name
        params: JsonDict = {}
        files: dict[str, UploadedFile] = {}
        try:
            raw, uploads = await self._read_params(request)
            params, files = dict(raw), dict(uploads)
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if method is None:
                raise ApiError(404, "Not Found: method not found")
            params, files = self.spec.decode_request(method, raw, uploads)
            self._check_content(name, params)
            fault = self._take_fault(name)
            if fault is not None:
                raise fault
            self._check_chat(name, params)
            handler = self._handlers.get(name)
            if handler is not None:
                result = await handler(params, files)
            elif method.returns in (("Boolean",), ("True",)):
                result = True
            else:
                raise ApiError(
                    501, f"Not Implemented: the fake Telegram server does not implement {name}"
                )
            response: JsonDict = {"ok": True, "result": result}
            status = 200
        except ApiError as exc:
            response = exc.to_response()
            status = exc.status
        except Exception as exc:  # a bug in the fake: answer and record it, don't hang the bot
            error = ApiError(500, f"Internal Server Error: the fake Telegram failed: {exc!r}")
            response = error.to_response()
            status = error.status
        self.calls.append(Call(name, params, files, started, response, status))
        if status == 200 and name not in _READS:
            self.revision += 1
        self._notify()
        if self._drops.get(name, 0) > 0:
            self._drops[name] -= 1
            if request.transport is not None:
                request.transport.abort()
        return web.json_response(response, status=status)

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        raw: dict[str, Any] = dict(request.query)
        uploads: dict[str, UploadedFile] = {}
        if request.method != "POST" or not request.body_exists:
            return raw, uploads
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON body") from None
            if not isinstance(body, dict):
                raise bad_request("the JSON body must be an object")
            raw.update(body)
        elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[key] = UploadedFile(
                        filename=value.filename,
                        content=value.file.read(),
                        content_type=value.content_type,
                    )
                elif isinstance(value, (bytes, bytearray)):
                    raw[key] = bytes(value).decode("utf-8", "replace")
                else:
                    raw[key] = value
        return raw, uploads

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        stored = self._files_by_path.get(path)
        if request.match_info["token"] != self.token or stored is None or stored.content is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        self.downloads.append(path)
        return web.Response(
            body=stored.content,
            headers={"Content-Type": stored.mime_type or "application/octet-stream"},
        )

    # -- checks ------------------------------------------------------------------------------

    def _check_content(self, name: str, params: JsonDict) -> None:
        if "reply_markup" in params:
            check_reply_markup(params["reply_markup"])
        if name in ("sendMessage", "editMessageText"):
            check_message_text(params.get("text"), params.get("parse_mode"), params.get("entities"))
        if "caption" in params:
            check_caption(
                params["caption"], params.get("parse_mode"), params.get("caption_entities")
            )
        text_length = len(str(params.get("text", "")))
        if name == "answerCallbackQuery" and text_length > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")

    def _take_fault(self, name: str) -> ApiError | None:
        for fault in self._faults:
            if fault.remaining > 0 and fault.matches(name):
                fault.remaining -= 1
                error = fault.error()
                self._faults = [f for f in self._faults if f.remaining > 0]
                return error
        return None

    def _check_chat(self, name: str, params: JsonDict) -> None:
        chat_id = params.get("chat_id")
        if chat_id is None:
            return
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise bad_request("chat not found")
        if chat_id in self._blocked and name.startswith(_BLOCKABLE_PREFIXES):
            raise ApiError(403, BLOCKED_DESCRIPTION)

    # -- method handlers ---------------------------------------------------------------------

    async def _get_me(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(
        self, params: JsonDict, files: dict[str, UploadedFile]
    ) -> list[JsonDict]:
        self._poll_count += 1
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older pending getUpdates now answers 409
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = frozenset(allowed) if allowed else None
        offset = params.get("offset")
        if offset is not None:
            if offset < 0:
                self._updates = self._updates[offset:]
            else:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(int(params.get("timeout", 0)), 0)
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_DESCRIPTION)
            self._drop_unwanted_updates()
            if self._updates or self._stopping:
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            await self._wait_changed(remaining)

    async def _delete_webhook(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    async def _send_message(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat = self._chats[params["chat_id"]]
        text, entities = check_message_text(
            params["text"], params.get("parse_mode"), params.get("entities")
        )
        message = self._new_bot_message(chat, params)
        message["text"] = text
        if entities:
            message["entities"] = entities
        return self._store_bot_message(chat, message, params.get("reply_markup"))

    async def _send_document(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        return self._send_media("document", params, files)

    async def _send_photo(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        return self._send_media("photo", params, files)

    def _send_media(self, kind: str, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat = self._chats[params["chat_id"]]
        caption, entities = check_caption(
            params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
        )
        stored = self._resolve_input_file(kind, params[kind], files.get(kind))
        message = self._new_bot_message(chat, params)
        if kind == "photo":
            message["photo"] = stored.photo_sizes()
        else:
            message[kind] = stored.document_dict()
        if caption:
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities
        return self._store_bot_message(chat, message, params.get("reply_markup"))

    async def _edit_message_text(
        self, params: JsonDict, files: dict[str, UploadedFile]
    ) -> JsonDict:
        stored = self._editable(params)
        text, entities = check_message_text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        if "text" not in stored.data:
            raise bad_request("there is no text in the message to edit")
        self._apply_edit(stored, {"text": text, "entities": entities}, params)
        return self._api_view(stored)

    async def _edit_message_caption(
        self, params: JsonDict, files: dict[str, UploadedFile]
    ) -> JsonDict:
        stored = self._editable(params)
        if not any(key in stored.data for key in _MEDIA_KEYS):
            raise bad_request("there is no caption in the message to edit")
        caption, entities = check_caption(
            params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
        )
        self._apply_edit(stored, {"caption": caption, "caption_entities": entities}, params)
        return self._api_view(stored)

    async def _edit_message_reply_markup(
        self, params: JsonDict, files: dict[str, UploadedFile]
    ) -> JsonDict:
        stored = self._editable(params)
        self._apply_edit(stored, {}, params)
        return self._api_view(stored)

    async def _delete_message(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        chat = self._chats[params["chat_id"]]
        if chat.messages.pop(params["message_id"], None) is None:
            raise bad_request("message to delete not found")
        return True

    async def _delete_messages(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        chat = self._chats[params["chat_id"]]
        for message_id in params["message_ids"]:
            chat.messages.pop(message_id, None)
        return True

    async def _answer_callback_query(
        self, params: JsonDict, files: dict[str, UploadedFile]
    ) -> bool:
        query = self._callbacks.get(params["callback_query_id"])
        if query is None or query.answered:
            raise bad_request(QUERY_TOO_OLD)
        query.answered = True
        query.answers.append(dict(params))
        return True

    async def _get_file(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        stored = self._files.get(params["file_id"])
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.file_dict()

    async def _get_chat(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat = self._chats[params["chat_id"]]
        return {
            **chat.user.chat_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    async def _set_my_commands(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        commands = params["commands"]
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            if not _BOT_COMMAND_RE.match(str(command["command"])):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command["description"])) <= 256:
                raise bad_request("command description must be 1-256 characters")
        key = self._commands_key(params.get("scope"), params.get("language_code", ""))
        self._commands[key] = copy.deepcopy(commands)
        return True

    async def _get_my_commands(
        self, params: JsonDict, files: dict[str, UploadedFile]
    ) -> list[JsonDict]:
        return self.commands(params.get("scope"), params.get("language_code", ""))

    async def _delete_my_commands(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        key = self._commands_key(params.get("scope"), params.get("language_code", ""))
        self._commands.pop(key, None)
        return True

    # -- helpers -----------------------------------------------------------------------------

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def changed(self, timeout: float) -> None:
        """Wait until something happens (a call or an update), at most ``timeout`` seconds."""
        await self._wait_changed(timeout)

    async def _wait_changed(self, timeout: float) -> None:
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    async def _wait_for(
        self,
        predicate: Callable[[Call], bool],
        timeout: float,
        since: int,
        what: str,
    ) -> Call:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = since
        while True:
            while index < len(self.calls):
                call = self.calls[index]
                index += 1
                if predicate(call):
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"no {what} among calls #{since}.. within {timeout}s\n{self.dump_calls()}"
                )
            await self._wait_changed(remaining)

    def _bot_user(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def _chat_for(self, user: User) -> _ChatState:
        chat = self._chats.get(user.id)
        if chat is None:
            chat = _ChatState(user)
            self._chats[user.id] = chat
        else:
            chat.user = user
        return chat

    @staticmethod
    def _allocate_id(chat: _ChatState) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def _user_message(
        self, user: User, content: JsonDict, reply_to: JsonDict | int | None
    ) -> JsonDict:
        chat = self._chat_for(user)
        message: JsonDict = {
            "message_id": self._allocate_id(chat),
            "from": user.to_dict(),
            "chat": user.chat_dict(),
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            reply_id = reply_to if isinstance(reply_to, int) else int(reply_to["message_id"])
            replied = chat.messages.get(reply_id)
            if replied is None:
                raise LookupError(f"no message {reply_id} in chat {user.id}")
            message["reply_to_message"] = self._api_view(replied)
        chat.messages[message["message_id"]] = _StoredMessage(message, from_bot=False)
        return self.inject_update("message", copy.deepcopy(message))

    def _member_update(self, chat_id: int, old: str, new: str) -> None:
        chat = self._chats.get(chat_id)
        if chat is None:
            return

        def member(status: str) -> JsonDict:
            data: JsonDict = {"status": status, "user": self._bot_user()}
            if status == "kicked":
                data["until_date"] = 0
            return data

        self.inject_update(
            "my_chat_member",
            {
                "chat": chat.user.chat_dict(),
                "from": chat.user.to_dict(),
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    def _new_bot_message(self, chat: _ChatState, params: JsonDict) -> JsonDict:
        reply_id: int | None = None
        allow_missing = bool(params.get("allow_sending_without_reply", False))
        reply_parameters = params.get("reply_parameters")
        if isinstance(reply_parameters, dict):
            reply_id = reply_parameters.get("message_id")
            allow_missing = bool(reply_parameters.get("allow_sending_without_reply", False))
        elif "reply_to_message_id" in params:
            reply_id = params["reply_to_message_id"]
        replied = chat.messages.get(reply_id) if reply_id is not None else None
        if reply_id is not None and replied is None and not allow_missing:
            raise bad_request("message to be replied not found")
        message: JsonDict = {
            "message_id": self._allocate_id(chat),
            "from": self._bot_user(),
            "chat": chat.user.chat_dict(),
            "date": int(time.time()),
        }
        if replied is not None:
            message["reply_to_message"] = self._api_view(replied)
        return message

    def _store_bot_message(
        self, chat: _ChatState, message: JsonDict, markup: JsonDict | None
    ) -> JsonDict:
        if markup is not None:
            message["reply_markup"] = markup
            if "keyboard" in markup:
                chat.reply_keyboard = markup
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        stored = _StoredMessage(message, from_bot=True)
        chat.messages[message["message_id"]] = stored
        return self._api_view(stored)

    def _editable(self, params: JsonDict) -> _StoredMessage:
        if "inline_message_id" in params:
            raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not simulated
        if "chat_id" not in params:
            raise bad_request("chat_id is empty")
        if "message_id" not in params:
            raise bad_request("message identifier is not specified")
        chat = self._chats[params["chat_id"]]
        stored = chat.messages.get(params["message_id"])
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return stored

    @staticmethod
    def _apply_edit(stored: _StoredMessage, content: JsonDict, params: JsonDict) -> None:
        """Apply new content; a missing reply_markup removes the inline keyboard (as Telegram)."""
        data = stored.data
        current = data.get("reply_markup")
        old_markup = current if is_inline_keyboard(current) else None
        new_markup = params.get("reply_markup")
        unchanged = all(
            (data.get(key) or None) == (value or None) for key, value in content.items()
        )
        if unchanged and new_markup == old_markup:
            raise bad_request(NOT_MODIFIED)
        for key, value in content.items():
            if value:
                data[key] = value
            else:
                data.pop(key, None)
        if new_markup is not None:
            data["reply_markup"] = new_markup
        elif old_markup is not None:
            data.pop("reply_markup", None)
        data["edit_date"] = int(time.time())
        stored.edit_count += 1

    def _resolve_input_file(self, kind: str, value: Any, upload: UploadedFile | None) -> StoredFile:
        if upload is not None:
            if not upload.content:
                raise bad_request("file must be non-empty")
            mime = (
                "image/jpeg"
                if kind == "photo"
                else mimetypes.guess_type(upload.filename)[0] or upload.content_type
            )
            return self._add_file(upload.content, upload.filename, mime, kind)
        if isinstance(value, str):
            if value in self._files:
                return self._files[value]
            if value.startswith(("http://", "https://")):
                name = PurePosixPath(value.split("?", 1)[0]).name or None
                return self._add_file(None, name, None, kind)
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _add_file(
        self, content: bytes | None, filename: str | None, mime_type: str | None, kind: str
    ) -> StoredFile:
        number = self._next_file
        self._next_file += 1
        folder = "photos" if kind == "photo" else f"{kind}s"
        suffix = PurePosixPath(filename).suffix if filename else (".jpg" if kind == "photo" else "")
        stored = StoredFile(
            file_id=f"{'AgAC' if kind == 'photo' else 'BQAC'}fake{number:06d}",
            file_unique_id=f"AQADfake{number:06d}",
            file_path=f"{folder}/file_{number}{suffix}",
            content=content,
            file_name=filename if kind != "photo" else None,
            mime_type=mime_type if kind != "photo" else None,
        )
        self._files[stored.file_id] = stored
        if stored.file_path is not None:
            self._files_by_path[stored.file_path] = stored
        return stored

    def _drop_unwanted_updates(self) -> None:
        allowed = self._allowed_updates
        if allowed is None:
            self._updates = [
                u for u in self._updates if _update_kind(u) not in DEFAULT_EXCLUDED_UPDATES
            ]
        else:
            self._updates = [u for u in self._updates if _update_kind(u) in allowed]

    @staticmethod
    def _buttons(stored: _StoredMessage) -> list[JsonDict]:
        markup = stored.data.get("reply_markup")
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return []
        return [button for row in markup["inline_keyboard"] for button in row]

    @staticmethod
    def _api_view(stored: _StoredMessage) -> JsonDict:
        data = copy.deepcopy(stored.data)
        if "reply_markup" in data and not is_inline_keyboard(data["reply_markup"]):
            del data["reply_markup"]
        return data

    @staticmethod
    def _store_view(stored: _StoredMessage) -> JsonDict:
        data = copy.deepcopy(stored.data)
        data["edited"] = stored.edit_count > 0
        data["edit_count"] = stored.edit_count
        return data

    @staticmethod
    def _commands_key(scope: JsonDict | None, language_code: str) -> tuple[str, str]:
        return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""


def _message_of(call: Call, chat_id: int) -> JsonDict | None:
    """The Message a successful call put into ``chat_id``, if any."""
    if not call.ok or not call.method.startswith(_MESSAGE_PREFIXES):
        return None
    result = call.result
    if not isinstance(result, dict):
        return None
    chat = result.get("chat")
    if not isinstance(chat, dict) or chat.get("id") != chat_id:
        return None
    return result
