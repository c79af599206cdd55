"""The queue of approved applications (PRODUCT.md §4.4): filters by municipality, organisation
and programme, pages."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.edits import edit_text
from handlers.filters import AnyValueOf
from handlers.paging import PAGE_SIZE, prefix_length, window
from handlers.staff.callbacks import (
    AllAction,
    AllCb,
    PickCb,
    PickKind,
    QueueCb,
    StaffAction,
    StaffCb,
    filter_of,
    pick_data,
    queue_data,
)
from services import overview

CHOICES_PER_PAGE = 8


def entry_line(index: int, entry: overview.QueueEntry) -> str:
    return (
        f"{index}. <b>№{entry.number}</b> · {escape(entry.applicant)} · {escape(entry.school)}\n"
        f"   {escape(entry.program)} · {escape(entry.group)}"
    )


FILTER_LABELS = {
    PickKind.MUNICIPALITY: texts.STAFF_FILTER_MUNICIPALITY,
    PickKind.SCHOOL: texts.STAFF_FILTER_SCHOOL,
    PickKind.PROGRAM: texts.STAFF_FILTER_PROGRAM,
    PickKind.GROUP: texts.STAFF_FILTER_GROUP,
}


async def render_queue(
    session: AsyncSession, flt: overview.QueueFilter, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    total = await overview.queue_count(session, flt)
    # Only the entries up to the page shown are read (a LIMIT), never the whole queue.
    found = await overview.queue(session, flt, limit=prefix_length(page, PAGE_SIZE))
    head_lines = [texts.STAFF_QUEUE_TITLE.format(count=total)]
    chosen = {
        PickKind.MUNICIPALITY: flt.municipality_of,
        PickKind.SCHOOL: flt.school,
        PickKind.PROGRAM: flt.program,
        PickKind.GROUP: flt.group,
    }
    for kind, value in chosen.items():
        if value:
            label = (await overview.label_of(session, kind, value))[:200]
            head_lines.append(
                texts.STAFF_FILTER_LINE.format(label=FILTER_LABELS[kind], value=escape(label))
            )
    header = len("\n".join(head_lines)) + 40
    lengths = [len(entry_line(index + 1, entry)) + 2 for index, entry in enumerate(found)]
    shown = window(lengths, header, page, total, PAGE_SIZE)
    page = shown.page
    if shown.pages > 1:
        head_lines.append(texts.STAFF_QUEUE_PAGE.format(page=page + 1, pages=shown.pages))
    lines = [entry_line(i + 1, found[i]) for i in shown.indexes] or [texts.STAFF_QUEUE_EMPTY]
    text = "\n".join(head_lines) + "\n\n" + "\n\n".join(lines)

    def pick(kind: PickKind) -> InlineKeyboardButton:
        mark = "• " if chosen[kind] else ""
        return InlineKeyboardButton(
            text=mark + FILTER_LABELS[kind], callback_data=pick_data(flt, kind)
        )

    builder = InlineKeyboardBuilder()
    builder.row(pick(PickKind.MUNICIPALITY), pick(PickKind.SCHOOL))
    builder.row(pick(PickKind.PROGRAM), pick(PickKind.GROUP))
    if any(chosen.values()):
        builder.row(
            InlineKeyboardButton(text=texts.STAFF_BTN_RESET, callback_data=QueueCb().pack())
        )
    for i in shown.indexes:
        entry = found[i]
        builder.row(
            InlineKeyboardButton(
                text=f"№{entry.number} · {entry.applicant}"[:60],
                callback_data=StaffCb(action=StaffAction.OPEN, number=entry.number).pack(),
            )
        )
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(text=texts.BTN_PREV, callback_data=queue_data(flt, page - 1))
        )
    if shown.more:
        nav.append(
            InlineKeyboardButton(text=texts.BTN_NEXT, callback_data=queue_data(flt, page + 1))
        )
    if nav:
        builder.row(*nav)
    if total:
        builder.row(
            InlineKeyboardButton(
                text=texts.STAFF_BTN_INCLUDE_ALL.format(count=total),
                callback_data=AllCb(
                    action=AllAction.ASK,
                    municipality=flt.municipality_of,
                    school=flt.school,
                    program=flt.program,
                    group=flt.group,
                ).pack(),
            )
        )
    return text, builder.as_markup()


async def show_queue(message: Message, session: AsyncSession, state: FSMContext) -> None:
    await state.clear()
    text, markup = await render_queue(session, overview.QueueFilter(), 0)
    await message.answer(text, reply_markup=markup)


async def turn_queue(query: CallbackQuery, callback_data: QueueCb, session: AsyncSession) -> None:
    text, markup = await render_queue(session, filter_of(callback_data), callback_data.page)
    if isinstance(query.message, Message):
        await edit_text(query.message, text, markup)
    await query.answer()


async def pick_filter(query: CallbackQuery, callback_data: PickCb, session: AsyncSession) -> None:
    kind = callback_data.kind
    picked = await render_pick(session, filter_of(callback_data), kind, callback_data.page)
    if picked is None:
        await query.answer(texts.STAFF_FILTER_NONE, show_alert=True)
        return
    if isinstance(query.message, Message):
        await edit_text(query.message, *picked)
    await query.answer()


async def pick_outdated(query: CallbackQuery) -> None:
    # A filter this queue does not have (any more).
    await query.answer(texts.BUTTON_OUTDATED, show_alert=True)


async def render_pick(
    session: AsyncSession, flt: overview.QueueFilter, kind: PickKind, page: int
) -> tuple[str, InlineKeyboardMarkup] | None:
    """One page of a filter's choices (None when there is nothing to choose)."""
    total = await overview.count_choices(session, flt, kind)
    if not total:
        return None
    pages = max(1, -(-total // CHOICES_PER_PAGE))
    page = max(0, min(page, pages - 1))
    shown = await overview.choices(
        session, flt, kind, offset=page * CHOICES_PER_PAGE, limit=CHOICES_PER_PAGE
    )

    def chosen(value: int) -> overview.QueueFilter:
        if kind is PickKind.MUNICIPALITY:
            return overview.QueueFilter(value, 0, flt.program, flt.group)
        if kind is PickKind.SCHOOL:
            return overview.QueueFilter(flt.municipality_of, value, flt.program, flt.group)
        if kind is PickKind.PROGRAM:
            return overview.QueueFilter(flt.municipality_of, flt.school, value, 0)
        return overview.QueueFilter(flt.municipality_of, flt.school, flt.program, value)

    builder = InlineKeyboardBuilder()
    for choice in shown:
        builder.row(
            InlineKeyboardButton(
                text=f"{choice.label or texts.STAFF_OVERVIEW_NO_MUNICIPALITY}"[:50]
                + f" ({choice.count})",
                callback_data=queue_data(chosen(choice.id)),
            )
        )
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(text=texts.BTN_PREV, callback_data=pick_data(flt, kind, page - 1))
        )
    if page < pages - 1:
        nav.append(
            InlineKeyboardButton(text=texts.BTN_NEXT, callback_data=pick_data(flt, kind, page + 1))
        )
    if nav:
        builder.row(*nav)
    builder.row(InlineKeyboardButton(text=texts.STAFF_BTN_ANY, callback_data=queue_data(chosen(0))))
    text = texts.STAFF_FILTER_CHOOSE.format(label=FILTER_LABELS[kind])
    if pages > 1:
        text += "\n" + texts.STAFF_QUEUE_PAGE.format(page=page + 1, pages=pages)
    return text, builder.as_markup()


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_queue, F.text == texts.BTN_MENU_STAFF_QUEUE)
    router.message.register(show_queue, Command("queue"))
    router.callback_query.register(turn_queue, QueueCb.filter())
    router.callback_query.register(pick_filter, PickCb.filter())
    router.callback_query.register(pick_outdated, AnyValueOf(PickCb))
    return router
