"""«Заявки» for directors and deputies: filters with counts, pages, surname search, bulk approval.

/applications and the menu word follow the active role: staff get their queue, listeners their
own applications (handlers.staff and handlers.teacher draw them).

Pages hold at most 10 entries and never more than Telegram's 4096 characters: a page ends early
when the next entry would not fit, so a long list is paged, never cut.
"""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers import staff, teacher, texts
from handlers.cards import MAX_TEXT, card_keyboard, card_text
from handlers.decide import refusal
from handlers.edits import edit_text
from handlers.filters import Unlinked
from handlers.keyboards import CardCb
from handlers.paging import prefix_length, window
from handlers.roles import NOT_MENU
from models import Channel, Person, Role, Status, utcnow
from services import bulk, cards, listing, workflow
from services.labels import STATUS_LABELS
from services.notifications import DECIDER_CARD
from services.roles import effective_role

router = Router(name=__name__)

PAGE_SIZE = 10
FILTERS = {"n": Status.NEW, "a": Status.APPROVED, "c": Status.CANCELLED, "i": Status.INCLUDED}
FILTER_OF = {status: code for code, status in FILTERS.items()}


class ListCb(CallbackData, prefix="l"):
    f: str  # n, a, c, i or * (all)
    p: int = 0  # page, from 0
    s: int = 0  # 1: within the surname search kept in the conversation data


class BulkCb(CallbackData, prefix="b"):
    act: str  # ask, yes, no
    s: int = 0


class Decider(Filter):
    """A director or an active deputy; puts `org_ids` (their schools) into handler data."""

    async def __call__(
        self,
        event: TelegramObject,
        session: AsyncSession,
        settings: Settings,
        person: Person | None = None,
    ) -> bool | dict[str, Any]:
        if person is None:
            return False
        today = utcnow().astimezone(settings.tz).date()
        org_ids = await listing.decided_organizations(session, person, today)
        return {"org_ids": org_ids} if org_ids else False


def entry_line(index: int, entry: listing.Entry) -> str:
    return (
        f"{index}. <b>№{entry.number}</b> · {escape(entry.applicant)} · "
        f"{escape(STATUS_LABELS[entry.status])}\n   {escape(entry.program)} · {escape(entry.group)}"
    )


async def render_list(
    session: AsyncSession,
    org_ids: list[int],
    code: str,
    page: int,
    term: str | None,
) -> tuple[str, InlineKeyboardMarkup]:
    status = FILTERS.get(code)
    counts = await listing.status_counts(session, org_ids)
    if term:
        total = await listing.count_entries(session, org_ids, status=status, surname=term)
    else:
        total = counts[status] if status else sum(counts.values())
    # Only the entries up to the page shown are read (a LIMIT), never the school's history.
    found = await listing.entries(
        session, org_ids, status=status, surname=term, limit=prefix_length(page, PAGE_SIZE)
    )
    lengths = [len(entry_line(index + 1, entry)) + 2 for index, entry in enumerate(found)]
    shown = window(lengths, 300, page, total, PAGE_SIZE)
    page = shown.page
    searching = 1 if term else 0

    head = texts.LIST_TITLE
    head += f" · {escape(STATUS_LABELS[status]) if status else texts.LIST_ALL} — {total}"
    if term:
        head += "\n" + texts.LIST_SEARCH.format(term=escape(term))
    if shown.pages > 1:
        head += "\n" + texts.LIST_PAGE.format(page=page + 1, pages=shown.pages)
    lines = [entry_line(i + 1, found[i]) for i in shown.indexes] or [texts.LIST_EMPTY]
    text = head + "\n\n" + "\n\n".join(lines)

    def filter_button(key: str, label: str, count: int) -> InlineKeyboardButton:
        mark = "• " if key == code else ""
        return InlineKeyboardButton(
            text=f"{mark}{label} ({count})",
            callback_data=ListCb(f=key, p=0, s=searching).pack(),
        )

    short = texts.LIST_SHORT_STATUS
    rows = [
        [
            filter_button("n", short["new"], counts[Status.NEW]),
            filter_button("a", short["approved"], counts[Status.APPROVED]),
        ],
        [
            filter_button("c", short["cancelled"], counts[Status.CANCELLED]),
            filter_button("i", short["included"], counts[Status.INCLUDED]),
            filter_button("*", texts.LIST_ALL, sum(counts.values())),
        ],
    ]
    for i in shown.indexes:
        entry = found[i]
        rows.append(
            [
                InlineKeyboardButton(
                    text=f"№{entry.number} · {entry.applicant}"[:60],
                    callback_data=CardCb(act="open", n=entry.number).pack(),
                )
            ]
        )
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                text=texts.BTN_PREV, callback_data=ListCb(f=code, p=page - 1, s=searching).pack()
            )
        )
    if shown.more:
        nav.append(
            InlineKeyboardButton(
                text=texts.BTN_NEXT, callback_data=ListCb(f=code, p=page + 1, s=searching).pack()
            )
        )
    if nav:
        rows.append(nav)
    if status is Status.NEW and total:
        rows.append(
            [
                InlineKeyboardButton(
                    text=texts.BTN_APPROVE_ALL,
                    callback_data=BulkCb(act="ask", s=searching).pack(),
                )
            ]
        )
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


@router.message(Command("applications"), ~Unlinked())
@router.message(F.text == texts.BTN_MENU_APPLICATIONS, ~Unlinked())
async def show_list(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    person: Person,
    settings: Settings,
) -> None:
    """«Заявки» of the active role: the school's list, the queue of staff, or one's own list."""
    role = effective_role(person)
    if role is Role.STAFF:
        await staff.show_queue(message, session, state)
        return
    today = utcnow().astimezone(settings.tz).date()
    org_ids = await listing.decided_organizations(session, person, today)
    # A listener who is an active deputy decides for the school: that list is the work;
    # one's own applications stay under «Мои заявки».
    if role is Role.TEACHER and (not org_ids or Role.DIRECTOR in person.roles):
        await teacher.my_list(message, session, person, state)
        return
    if not org_ids:
        await message.answer(texts.LIST_NOT_DECIDER)
        return
    await state.update_data(search=None)
    text, markup = await render_list(session, org_ids, "n", 0, None)
    await message.answer(text, reply_markup=markup)


@router.callback_query(ListCb.filter(), Decider())
async def turn(
    query: CallbackQuery,
    callback_data: ListCb,
    session: AsyncSession,
    state: FSMContext,
    org_ids: list[int],
) -> None:
    term = (await state.get_data()).get("search") if callback_data.s else None
    code = callback_data.f if callback_data.f in {*FILTERS, "*"} else "n"
    text, markup = await render_list(session, org_ids, code, callback_data.p, term)
    if isinstance(query.message, Message):
        await edit_text(query.message, text, markup)
    await query.answer()


@router.callback_query(CardCb.filter(F.act == "open"), Decider())
async def open_card(
    query: CallbackQuery,
    callback_data: CardCb,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    settings: Settings,
) -> None:
    try:
        app = await workflow.get_application(session, callback_data.n)
        authority = await workflow.authority_of(
            session,
            workflow.Actor(person.id, Channel.BOT),
            app,
            workflow.local_today(utcnow(), settings.tz),
        )
        if not authority.capacities:
            raise workflow.NotAllowed(app.status)
    except workflow.WorkflowError as error:
        await query.answer(refusal(error, callback_data.n), show_alert=True)
        return
    data = await cards.load_card(session, app.id)
    assert data is not None
    decider = bool(authority.capacities & {workflow.Capacity.DIRECTOR, workflow.Capacity.DEPUTY})
    sent = await bot.send_message(
        query.from_user.id,
        card_text(data, settings.tz),
        reply_markup=card_keyboard(app, decider=decider, more=True),
    )
    view = DECIDER_CARD if decider else None
    await cards.remember_card(session, app.id, sent.chat.id, sent.message_id, view)
    await query.answer()


@router.callback_query(BulkCb.filter(F.act == "ask"), Decider())
async def bulk_ask(
    query: CallbackQuery,
    callback_data: BulkCb,
    session: AsyncSession,
    state: FSMContext,
    org_ids: list[int],
) -> None:
    term = (await state.get_data()).get("search") if callback_data.s else None
    found = await listing.entry_ids(session, org_ids, status=Status.NEW, surname=term)
    if not found:
        await query.answer(texts.BULK_NOTHING, show_alert=True)
        return
    # The confirmation is for exactly what was shown: later arrivals wait for their own look.
    await state.update_data(bulk=found)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=texts.BTN_CONFIRM, callback_data=BulkCb(act="yes").pack()
                ),
                InlineKeyboardButton(text=texts.BTN_BACK, callback_data=BulkCb(act="no").pack()),
            ]
        ]
    )
    assert query.bot is not None
    await query.bot.send_message(
        query.from_user.id, texts.BULK_CONFIRM.format(count=len(found)), reply_markup=markup
    )
    await query.answer()


@router.callback_query(BulkCb.filter(F.act == "yes"), Decider())
async def bulk_yes(
    query: CallbackQuery,
    session: AsyncSession,
    state: FSMContext,
    person: Person,
    settings: Settings,
) -> None:
    data = await state.get_data()
    ids = data.get("bulk") or []
    await state.update_data(bulk=None)
    if not ids:
        await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
        return
    report = await bulk.approve_all(session, person.id, ids, tz=settings.tz)
    text = texts.bulk_report(
        len(report.done),
        [(number, refusal(error, number)) for number, error in report.skipped],
    )
    if isinstance(query.message, Message):
        await edit_text(query.message, text[:MAX_TEXT], None)
    await query.answer()


@router.callback_query(BulkCb.filter(F.act == "no"))
async def bulk_no(query: CallbackQuery, state: FSMContext) -> None:
    await state.update_data(bulk=None)
    if isinstance(query.message, Message):
        await edit_text(query.message, texts.BULK_CANCELLED, None)
    await query.answer()


@router.message(StateFilter(None), F.text, ~F.text.startswith("/"), NOT_MENU, Decider())
async def search(
    message: Message, session: AsyncSession, state: FSMContext, org_ids: list[int]
) -> None:
    """For a director, any other text is a surname to look for (PRODUCT.md §4.6)."""
    assert message.text is not None
    term = message.text.strip()
    if len(term) < 2 or len(term) > 100:
        await message.answer(texts.SEARCH_TOO_SHORT)
        return
    await state.update_data(search=term)
    text, markup = await render_list(session, org_ids, "*", 0, term)
    await message.answer(text, reply_markup=markup)
