"""Tests of the fake Telegram Bot API server, driven by a real aiogram Bot and raw HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.fakeapi import FakeTelegram, User, load_spec

pytestmark = pytest.mark.asyncio

TOKEN = "123456:TEST"
ALICE = User(id=1001, first_name="Ольга", last_name="Смирнова", username=None)
BOB = User(id=1002, first_name="Иван", username="ivan")


class _QuickCloseSession(AiohttpSession):
    """aiogram's session sleeps 250 ms on close (for TLS); not needed on loopback."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN, bot_username="dpo_test_bot", bot_id=123456) as server:
        yield server


@pytest_asyncio.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    session = _QuickCloseSession(api=TelegramAPIServer.from_base(fake.base_url))
    yield Bot(TOKEN, session=session)
    await session.close()


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _raw(
    http: aiohttp.ClientSession, fake: FakeTelegram, method: str, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{fake.base_url}/bot{TOKEN}/{method}", **kwargs) as response:
        return response.status, await response.json()


def _keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in buttons]
    )


async def test_get_me(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "dpo_test_bot"
    assert fake.calls_of("getMe")[0].ok


async def test_send_message_is_recorded_and_stored(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_command(ALICE, "/start")
    sent = await bot.send_message(
        ALICE.id, "Привет, <b>Ольга</b>!", parse_mode="HTML", reply_markup=_keyboard(("Да", "y"))
    )
    assert sent.text == "Привет, Ольга!"
    assert sent.chat.id == ALICE.id
    assert sent.from_user is not None and sent.from_user.is_bot
    assert sent.message_id == 2  # the user's /start was message 1 of this chat
    assert sent.entities is not None and sent.entities[0].type == "bold"

    (call,) = fake.calls_of("sendMessage")
    assert call.params["chat_id"] == ALICE.id
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Да", "callback_data": "y"}]]
    }
    stored = fake.messages(ALICE.id)
    assert [m["text"] for m in stored] == ["Привет, Ольга!"]
    assert stored[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "y"
    assert stored[0]["edited"] is False
    assert fake.last_message(ALICE.id) == stored[0]
    # The fake's answers are valid Message objects of the reference.
    load_spec().check_object("Message", call.result)


async def test_reply_keyboard_is_tracked_but_not_returned(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    markup = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Поделиться номером", request_contact=True)]],
        resize_keyboard=True,
    )
    sent = await bot.send_message(ALICE.id, "Нужен телефон", reply_markup=markup)
    assert sent.reply_markup is None  # Telegram returns only inline keyboards
    keyboard = fake.reply_keyboard(ALICE.id)
    assert keyboard is not None
    assert keyboard["keyboard"][0][0]["request_contact"] is True


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>unclosed", "Can't find end tag"),
        ("1 < 2", "Unsupported start tag"),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<b>x</i>", "Unmatched end tag"),
        ("AT&T", "character '&'"),
        ('<span class="red">x</span>', 'must have class "tg-spoiler"'),
    ],
)
async def test_bad_html_is_refused(fake: FakeTelegram, bot: Bot, text: str, error: str) -> None:
    fake.send_text(ALICE, "hi")
    with pytest.raises(TelegramBadRequest, match="can't parse entities") as info:
        await bot.send_message(ALICE.id, text, parse_mode="HTML")
    assert error in info.value.message
    assert fake.messages(ALICE.id) == []
    assert not fake.calls_of("sendMessage")[0].ok


async def test_good_html_is_parsed(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    text = (
        '<a href="https://example.org/?a=1&amp;b=2">ссылка</a> &lt;tag&gt; &quot;q&quot; '
        '<tg-spoiler>s</tg-spoiler> <pre><code class="language-python">x = 1</code></pre> '
        "<blockquote expandable>quote</blockquote> &#128512;"
    )
    sent = await bot.send_message(ALICE.id, text, parse_mode="HTML")
    assert sent.text == 'ссылка <tag> "q" s x = 1 quote \U0001f600'
    types = {e.type: e for e in sent.entities or []}
    assert types["text_link"].url == "https://example.org/?a=1&b=2"
    assert types["pre"].language == "python"
    assert set(types) == {"text_link", "spoiler", "pre", "expandable_blockquote"}


async def test_text_length_is_checked_after_parsing(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(ALICE.id, "я" * 4097)
    await bot.send_message(ALICE.id, "<b>" + "я" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(ALICE.id, "<b> </b>", parse_mode="HTML")
    assert len(fake.messages(ALICE.id)) == 1


async def test_caption_length(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    document = BufferedInputFile(b"data", filename="a.txt")
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_document(ALICE.id, document, caption="x" * 1025)


async def test_callback_data_over_64_bytes_is_refused(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    # 33 Cyrillic letters: 33 characters but 66 bytes.
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(ALICE.id, "x", reply_markup=_keyboard(("ok", "я" * 33)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(ALICE.id, "x", reply_markup=_keyboard(("ok", "a" * 65)))
    await bot.send_message(ALICE.id, "x", reply_markup=_keyboard(("ok", "a" * 64)))
    assert len(fake.messages(ALICE.id)) == 1


async def test_unknown_parameter_is_refused(
    fake: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    fake.send_text(ALICE, "hi")
    status, body = await _raw(
        http, fake, "sendMessage", data={"chat_id": str(ALICE.id), "text": "x", "chat_idd": "1"}
    )
    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: unknown parameter chat_idd",
    }


async def test_unknown_field_inside_a_json_parameter_is_refused(
    fake: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    fake.send_text(ALICE, "hi")
    markup = '{"inline_keyboard": [[{"text": "a", "callback_date": "x"}]]}'
    status, body = await _raw(
        http,
        fake,
        "sendMessage",
        data={"chat_id": str(ALICE.id), "text": "x", "reply_markup": markup},
    )
    assert status == 400
    assert "inline_keyboard[0][0].callback_date" in body["description"]
    status, body = await _raw(
        http,
        fake,
        "sendMessage",
        data={"chat_id": str(ALICE.id), "text": "x", "reply_markup": "{not json"},
    )
    assert (status, body["description"]) == (
        400,
        "Bad Request: can't parse reply_markup JSON object",
    )


async def test_missing_required_parameter_is_refused(
    fake: FakeTelegram, bot: Bot, http: aiohttp.ClientSession
) -> None:
    status, body = await _raw(http, fake, "sendMessage", data={"text": "x"})
    assert (status, body["description"]) == (400, "Bad Request: chat_id is empty")
    status, body = await _raw(http, fake, "answerCallbackQuery", json={})
    assert (status, body["description"]) == (400, "Bad Request: query_id is empty")


async def test_type_checks(fake: FakeTelegram, http: aiohttp.ClientSession) -> None:
    fake.send_text(ALICE, "hi")
    base = {"chat_id": str(ALICE.id), "text": "x"}
    status, body = await _raw(
        http, fake, "sendMessage", data={**base, "disable_notification": "maybe"}
    )
    assert status == 400 and "disable_notification" in body["description"]
    status, body = await _raw(http, fake, "deleteMessage", data={**base, "message_id": "abc"})
    assert status == 400


async def test_unknown_method_is_404(fake: FakeTelegram, http: aiohttp.ClientSession) -> None:
    status, body = await _raw(http, fake, "sendMesage", data={"chat_id": "1", "text": "x"})
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    assert fake.calls[-1].method == "sendMesage"


async def test_wrong_token_is_401(fake: FakeTelegram, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{fake.base_url}/bot1:WRONG/getMe") as response:
        assert response.status == 401


async def test_json_body_and_query_string(fake: FakeTelegram, http: aiohttp.ClientSession) -> None:
    fake.send_text(ALICE, "hi")
    status, body = await _raw(
        http,
        fake,
        "sendMessage",
        json={
            "chat_id": ALICE.id,
            "text": "json",
            "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]},
        },
    )
    assert status == 200 and body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "a"
    async with http.get(
        f"{fake.base_url}/bot{TOKEN}/sendMessage", params={"chat_id": ALICE.id, "text": "query"}
    ) as response:
        assert response.status == 200
    assert [m["text"] for m in fake.messages(ALICE.id)] == ["json", "query"]


async def test_chat_not_found(fake: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(BOB.id, "hello")
    fake.register_user(BOB)
    await bot.send_message(BOB.id, "hello")


async def test_edit_message(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    sent = await bot.send_message(ALICE.id, "<b>one</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="<b>one</b>", chat_id=ALICE.id, message_id=sent.message_id, parse_mode="HTML"
        )
    # Same plain text, different formatting: a modification.
    await bot.edit_message_text(text="one", chat_id=ALICE.id, message_id=sent.message_id)
    markup = _keyboard(("Go", "go"))
    await bot.edit_message_reply_markup(
        chat_id=ALICE.id, message_id=sent.message_id, reply_markup=markup
    )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=ALICE.id, message_id=sent.message_id, reply_markup=markup
        )
    stored = fake.last_message(ALICE.id)
    assert stored is not None
    assert stored["text"] == "one" and "entities" not in stored
    assert stored["edited"] is True and stored["edit_count"] == 2
    assert stored["reply_markup"] == {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}

    # Editing the text without reply_markup removes the inline keyboard, as Telegram does.
    await bot.edit_message_text(text="two", chat_id=ALICE.id, message_id=sent.message_id)
    stored = fake.last_message(ALICE.id)
    assert stored is not None and "reply_markup" not in stored

    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=ALICE.id, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text(text="x", chat_id=ALICE.id, message_id=1)


async def test_delete_message(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    first = await bot.send_message(ALICE.id, "first")
    await bot.send_message(ALICE.id, "second")
    assert await bot.delete_message(ALICE.id, first.message_id)
    assert [m["text"] for m in fake.messages(ALICE.id)] == ["second"]
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(ALICE.id, first.message_id)


async def test_answer_callback_query(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    sent = await bot.send_message(ALICE.id, "choose", reply_markup=_keyboard(("A", "pick:a")))
    with pytest.raises(ValueError, match="no button"):
        fake.press(ALICE, sent.message_id, "pick:b")
    query_id = fake.press(ALICE, sent.model_dump(), "pick:a")
    (update,) = (await bot.get_updates())[-1:]
    assert update.callback_query is not None
    assert update.callback_query.id == query_id
    assert update.callback_query.data == "pick:a"
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == sent.message_id

    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(query_id, text="x" * 201)
    assert await bot.answer_callback_query(query_id, text="Готово", show_alert=True)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("12345")
    assert fake.callback_answers(query_id) == [
        {"callback_query_id": query_id, "text": "Готово", "show_alert": True}
    ]


async def test_press_button_by_text(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    sent = await bot.send_message(
        ALICE.id, "choose", reply_markup=_keyboard(("✅ Согласовать", "ok"), ("Отклонить", "no"))
    )
    fake.press_button(ALICE, sent.message_id, "Согласовать")
    updates = await bot.get_updates()
    assert updates[-1].callback_query is not None
    assert updates[-1].callback_query.data == "ok"


async def test_long_polling_delivers_an_update_promptly(fake: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    polling = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_polling(timeout=2)
    assert fake.poll_count == 1
    fake.send_command(ALICE, "/start", args="CODE")
    updates = await polling
    assert time.monotonic() - started < 1.5
    assert len(updates) == 1
    message = updates[0].message
    assert updates[0].update_id == 1
    assert message is not None and message.text == "/start CODE"
    assert message.entities is not None and message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start")
    assert message.from_user is not None and message.from_user.first_name == "Ольга"


async def test_long_polling_times_out_with_no_updates(fake: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 2


async def test_offset_confirms_updates(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "one")
    fake.send_text(BOB, "two")
    first = await bot.get_updates()
    assert [u.update_id for u in first] == [1, 2]
    # Without an offset (e.g. after a restart) unconfirmed updates come again.
    assert [u.update_id for u in await bot.get_updates()] == [1, 2]
    assert [u.update_id for u in await bot.get_updates(offset=2, limit=1)] == [2]
    assert await bot.get_updates(offset=3) == []
    assert fake.pending_updates == []
    fake.send_text(ALICE, "three")
    (third,) = await bot.get_updates(offset=3)
    assert third.update_id == 3
    assert third.message is not None and third.message.message_id == 2  # second in her chat


async def test_allowed_updates_filter(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    sent = await bot.send_message(ALICE.id, "x", reply_markup=_keyboard(("A", "a")))
    fake.press(ALICE, sent.message_id, "a")
    updates = await bot.get_updates(offset=2, allowed_updates=["message"])
    assert updates == []
    fake.send_text(ALICE, "again")
    updates = await bot.get_updates()  # the setting is remembered
    assert [u.message.text for u in updates if u.message] == ["again"]


async def test_concurrent_get_updates_conflict(fake: FakeTelegram, bot: Bot) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_polling(timeout=2)
    newer = asyncio.create_task(bot.get_updates(timeout=5))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await older
    fake.send_text(ALICE, "hi")
    assert [u.update_id for u in await newer] == [1]
    assert [c.status for c in fake.calls_of("getUpdates")] == [409, 200]


async def test_retry_after(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    fake.fail_next(1, status=429, retry_after=2, methods={"sendMessage"})
    await bot.get_me()  # other methods are not affected
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(ALICE.id, "x")
    assert info.value.retry_after == 2
    await bot.send_message(ALICE.id, "x")
    attempts = fake.calls_of("sendMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[0].response["parameters"] == {"retry_after": 2}


async def test_server_error(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    fake.fail_next(2, status=502)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(ALICE.id, "x")
    await bot.send_message(ALICE.id, "x")
    assert [c.status for c in fake.calls_of("sendMessage")] == [502, 502, 200]
    assert fake.calls_of("sendMessage")[0].response["ok"] is False


async def test_blocked_chat(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    sent = await bot.send_message(ALICE.id, "x")
    fake.block_chat(ALICE.id)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(ALICE.id, "y")
    with pytest.raises(TelegramForbiddenError):
        await bot.edit_message_text(text="z", chat_id=ALICE.id, message_id=sent.message_id)
    fake.unblock_chat(ALICE.id)
    await bot.send_message(ALICE.id, "y")
    assert [c.status for c in fake.calls_of("sendMessage")] == [200, 403, 200]


async def test_send_document_upload_is_recorded(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    content = "ФИО;Курс\nСмирнова;ДПО\n".encode()
    sent = await bot.send_document(
        ALICE.id,
        BufferedInputFile(content, filename="отчёт.csv"),
        caption="<i>Отчёт</i>",
        parse_mode="HTML",
    )
    assert sent.document is not None
    assert sent.document.file_name == "отчёт.csv"
    assert sent.document.mime_type == "text/csv"
    assert sent.document.file_size == len(content)
    assert sent.caption == "Отчёт"
    (call,) = fake.calls_of("sendDocument")
    assert call.files["document"].content == content
    assert call.files["document"].filename == "отчёт.csv"
    assert fake.file(sent.document.file_id).content == content
    assert fake.last_message(ALICE.id) is not None

    photo = await bot.send_photo(ALICE.id, BufferedInputFile(b"\xff\xd8jpeg", filename="p.jpg"))
    assert photo.photo is not None and photo.photo[-1].file_size == 6
    # Re-sending by file_id works; an unknown file_id does not.
    await bot.send_document(ALICE.id, sent.document.file_id)
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(ALICE.id, "no-such-file")


async def test_injected_document_can_be_downloaded(fake: FakeTelegram, bot: Bot) -> None:
    content = b"id;name\n1;test\n"
    fake.send_document(ALICE, filename="teachers.csv", content=content, mime_type="text/csv")
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.document is not None
    document = update.message.document
    assert (document.file_name, document.mime_type) == ("teachers.csv", "text/csv")
    downloaded = await bot.download(document.file_id)
    assert downloaded is not None
    assert downloaded.read() == content
    assert len(fake.downloads) == 1
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_contact(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_contact(ALICE, phone="+79000000001")
    fake.send_contact(ALICE, phone="+79000000002", user_id=BOB.id)
    fake.send_contact(ALICE, phone="+79000000003", user_id=None)
    contacts = [u.message.contact for u in await bot.get_updates() if u.message]
    assert [(c.phone_number, c.user_id) for c in contacts if c] == [
        ("+79000000001", ALICE.id),
        ("+79000000002", BOB.id),
        ("+79000000003", None),
    ]


async def test_commands(fake: FakeTelegram, bot: Bot) -> None:
    from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats

    commands = [BotCommand(command="start", description="Начать")]
    scope = BotCommandScopeAllPrivateChats()
    assert await bot.set_my_commands(commands, scope=scope)
    assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["start"]
    assert await bot.get_my_commands() == []
    assert fake.commands({"type": "all_private_chats"})[0]["description"] == "Начать"
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])
    assert await bot.delete_my_commands(scope=scope)
    assert await bot.get_my_commands(scope=scope) == []
    assert await bot.delete_webhook(drop_pending_updates=True)


async def test_wait_for_message(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hi")
    await bot.send_message(ALICE.id, "old <b>news</b>", parse_mode="HTML")
    # Calls already made count (since defaults to 0)...
    found = await fake.wait_for_message(ALICE.id, "old news", timeout=0.1)
    assert found["text"] == "old news"
    # ...unless excluded with since=.
    mark = fake.mark()
    with pytest.raises(TimeoutError, match="sendMessage"):
        await fake.wait_for_message(ALICE.id, "old", since=mark, timeout=0.1)

    async def later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(ALICE.id, "fresh news")

    task = asyncio.create_task(later())
    found = await fake.wait_for_message(ALICE.id, "news", since=mark, timeout=2)
    await task
    assert found["text"] == "fresh news"
    call = await fake.wait_for(lambda c: c.method == "sendMessage", since=mark, timeout=0.1)
    assert call.params["text"] == "fresh news"


async def test_injected_updates_match_the_reference(fake: FakeTelegram, bot: Bot) -> None:
    spec = load_spec()
    fake.send_text(ALICE, "hi")
    sent = await bot.send_message(ALICE.id, "x", reply_markup=_keyboard(("A", "a")))
    updates = [
        fake.send_command(BOB, "start", args="X"),
        fake.send_contact(ALICE, phone="79000000001"),
        fake.send_document(ALICE, filename="a.xlsx", content=b"PK"),
        fake.send_photo(ALICE, b"jpeg"),
    ]
    fake.press(ALICE, sent.message_id, "a")
    fake.block_chat(ALICE.id, notify=True)
    updates.extend(fake.pending_updates[-2:])
    for update in updates:
        spec.check_object("Update", update)


async def test_dispatcher_round_trip(fake: FakeTelegram) -> None:
    """The way end-to-end tests use the fake: a polling bot, users played over HTTP."""
    from aiogram import Dispatcher, F
    from aiogram.client.default import DefaultBotProperties
    from aiogram.filters import CommandObject, CommandStart
    from aiogram.types import CallbackQuery, Message

    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart())
    async def on_start(message: Message, command: CommandObject) -> None:
        await message.answer(
            f"Код: <code>{command.args}</code>", reply_markup=_keyboard(("Да", "yes"))
        )

    @dispatcher.callback_query(F.data == "yes")
    async def on_yes(query: CallbackQuery) -> None:
        await query.answer("Принято")
        if isinstance(query.message, Message):
            await query.message.edit_text("Согласовано ✅")

    session = _QuickCloseSession(api=TelegramAPIServer.from_base(fake.base_url))
    polling_bot = Bot(
        TOKEN,
        session=session,
        default=DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True),
    )
    polling = asyncio.create_task(dispatcher.start_polling(polling_bot, handle_signals=False))
    try:
        await fake.wait_polling(timeout=5)
        mark = fake.mark()
        fake.send_command(ALICE, "/start", args="A-17")
        message = await fake.wait_for_message(ALICE.id, "Код: A-17", since=mark, timeout=5)
        mark = fake.mark()
        query_id = fake.press(ALICE, message, "yes")
        edited = await fake.wait_for_message(ALICE.id, "Согласовано", since=mark, timeout=5)
        assert edited["message_id"] == message["message_id"]
        assert fake.callback_answers(query_id)[0]["text"] == "Принято"
        assert [m["text"] for m in fake.messages(ALICE.id)] == ["Согласовано ✅"]
        assert all(call.ok for call in fake.calls)
    finally:
        await dispatcher.stop_polling()
        await polling
        await session.close()
