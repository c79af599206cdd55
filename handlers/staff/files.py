"""Files in chat (PRODUCT.md §7.3): staff send a CSV or XLSX to import, and ask for an export.

The import is `dpo-bot import`'s own service, all or nothing: it runs in a savepoint of the
update's transaction, so a refused file leaves nothing behind while the update's other writes stay.
"""

from __future__ import annotations

import io
from html import escape
from pathlib import PurePath

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.paging import split_messages
from handlers.render.cards import MAX_TEXT
from services.exporter import export_applications_counted, over_chat_limit
from services.i18n import Template
from services.importer import ImportFailed, ImportReport, import_bytes

# Telegram lets bots download files up to 20 MB and send documents up to 50 MB.
MAX_DOWNLOAD = 20 * 1024 * 1024
MAX_UPLOAD = 50 * 1024 * 1024
KINDS = frozenset({".csv", ".xlsx"})


def _pre(template: Template, summary: str) -> str:
    return template.format(summary=escape(summary))


def report_messages(report: ImportReport, failed: bool) -> list[str]:
    """The summary, then the errors with their lines, split to fit Telegram's limit."""
    head = _pre(texts.STAFF_FILE_FAILED if failed else texts.STAFF_FILE_DONE, report.summary())
    messages = [head[:MAX_TEXT]]
    if not failed:
        return messages
    errors = [
        escape(str(error))
        for error in sorted(report.errors, key=lambda e: (e.sheet or "", e.line or 0))
    ]
    budget = MAX_TEXT - 200
    chunks = split_messages(errors, budget)
    for index, chunk in enumerate(chunks, start=1):
        part = f"{index}/{len(chunks)}"
        messages.append(texts.STAFF_FILE_ERRORS.format(part=part, lines=chunk))
    return messages


async def upload(message: Message, bot: Bot, session: AsyncSession) -> None:
    document = message.document
    assert document is not None
    name = PurePath(document.file_name or "file").name
    if PurePath(name).suffix.lower() not in KINDS:
        await message.answer(texts.STAFF_FILE_KIND)
        return
    if document.file_size is not None and document.file_size > MAX_DOWNLOAD:
        await message.answer(texts.STAFF_FILE_TOO_BIG)
        return
    await message.answer(texts.STAFF_FILE_RECEIVED.format(name=escape(name)))
    buffer = io.BytesIO()
    try:
        await bot.download(document, destination=buffer)
    except TelegramBadRequest:
        await message.answer(texts.STAFF_FILE_UNREADABLE)
        return
    try:
        async with session.begin_nested():
            report = await import_bytes(session, buffer.getvalue(), name)
    except ImportFailed as refused:
        for text in report_messages(refused.report, failed=True):
            await message.answer(text)
        return
    for text in report_messages(report, failed=False):
        await message.answer(text)


async def not_staff(message: Message) -> None:
    await message.answer(texts.STAFF_FILE_NOT_STAFF)


async def export(message: Message, bot: Bot, session: AsyncSession) -> None:
    limit = await over_chat_limit(session)
    if limit is not None:
        shown = f"{limit:,}".replace(",", "\u00a0")
        await message.answer(texts.STAFF_EXPORT_TOO_MANY.format(limit=shown))
        return
    data, count = await export_applications_counted(session, "xlsx")
    if len(data) > MAX_UPLOAD:
        size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
        await message.answer(texts.STAFF_EXPORT_TOO_BIG.format(size=size))
        return
    await bot.send_document(
        message.chat.id,
        BufferedInputFile(data, texts.STAFF_EXPORT_NAME),
        caption=texts.STAFF_EXPORT_CAPTION.format(count=texts.applications(count)),
    )


def build_router() -> Router:
    """Staff only (the package's parent router checks the role)."""
    router = Router(name=__name__)
    router.message.register(upload, F.document)
    router.message.register(export, F.text == texts.BTN_MENU_STAFF_EXPORT)
    router.message.register(export, Command("export"))
    return router


def build_refusal_router() -> Router:
    """Everyone else who sends a document is told that files are for staff."""
    router = Router(name=f"{__name__}.others")
    router.message.register(not_staff, F.document)
    return router
