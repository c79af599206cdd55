"""«Заявки» for directors and deputies: filters with counts, pages, surname search.

/applications and the menu word follow the active role: staff get their queue, listeners their
own applications (handlers.staff.queue and handlers.teacher.card draw them).

Pages hold at most 10 entries and never more than Telegram's 4096 characters: a page ends early
when the next entry would not fit, so a long list is paged, never cut.
"""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.director.callbacks import FILTERS, BulkAction, BulkCb, CardAction, CardCb, ListCb
from handlers.director.filters import Decider
from handlers.edits import edit_text
from handlers.filters import NOT_MENU
from handlers.paging import PAGE_SIZE, prefix_length, window
from handlers.render.cards import card_keyboard, card_text
from handlers.staff import queue as staff
from handlers.teacher import card as teacher
from models import Channel, Person, Role, Status, utcnow
from services import cards, listing, workflow
from services.labels import STATUS_LABELS, fold
from services.locality import person_today, school_today
from services.notifications import DECIDER_CARD
from services.roles import effective_role


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
    lines = [entry_line(i + 1, found[i]) for i in shown.indexes] or [
        texts.SEARCH_EMPTY if term else texts.LIST_EMPTY
    ]
    text = head + "\n\n" + "\n\n".join(lines)

    def filter_button(key: str, label: str, count: int) -> InlineKeyboardButton:
        mark = "• " if key == code else ""
        return InlineKeyboardButton(
            text=f"{mark}{label} ({count})",
            callback_data=ListCb(status=key, page=0, searching=searching).pack(),
        )

    # The seed's labels in full; the long one gets a row of its own to fit a phone's width.
    builder = InlineKeyboardBuilder()
    builder.row(
        filter_button("n", STATUS_LABELS[Status.NEW], counts[Status.NEW]),
        filter_button("c", STATUS_LABELS[Status.CANCELLED], counts[Status.CANCELLED]),
    )
    builder.row(filter_button("a", STATUS_LABELS[Status.APPROVED], counts[Status.APPROVED]))
    builder.row(
        filter_button("i", STATUS_LABELS[Status.INCLUDED], counts[Status.INCLUDED]),
        filter_button("*", texts.LIST_ALL, sum(counts.values())),
    )
    for i in shown.indexes:
        entry = found[i]
        builder.row(
            InlineKeyboardButton(
                text=f"№{entry.number} · {entry.applicant}"[:60],
                callback_data=CardCb(action=CardAction.OPEN, number=entry.number).pack(),
            )
        )
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                text=texts.BTN_PREV,
                callback_data=ListCb(status=code, page=page - 1, searching=searching).pack(),
            )
        )
    if shown.more:
        nav.append(
            InlineKeyboardButton(
                text=texts.BTN_NEXT,
                callback_data=ListCb(status=code, page=page + 1, searching=searching).pack(),
            )
        )
    if nav:
        builder.row(*nav)
    if status is Status.NEW and total:
        builder.row(
            InlineKeyboardButton(
                text=texts.BTN_APPROVE_ALL,
                callback_data=BulkCb(action=BulkAction.ASK, searching=searching).pack(),
            )
        )
    return text, builder.as_markup()


async def show_list(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    person: Person,
    settings: HandlerSettings,
) -> None:
    """«Заявки» of the active role: the school's list, the queue of staff, or one's own list."""
    role = effective_role(person)
    if role is Role.STAFF:
        await staff.show_queue(message, session, state)
        return
    today = person_today(person, utcnow(), settings.tz)
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


async def turn(
    query: CallbackQuery,
    callback_data: ListCb,
    session: AsyncSession,
    state: FSMContext,
    org_ids: list[int],
) -> None:
    term = (await state.get_data()).get("search") if callback_data.searching else None
    code = callback_data.status if callback_data.status in {*FILTERS, "*"} else "n"
    text, markup = await render_list(session, org_ids, code, callback_data.page, term)
    if isinstance(query.message, Message):
        await edit_text(query.message, text, markup)
    await query.answer()


async def open_card(
    query: CallbackQuery,
    callback_data: CardCb,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    settings: HandlerSettings,
) -> None:
    app = await workflow.get_application(session, callback_data.number)
    authority = await workflow.authority_of(
        session,
        workflow.Actor(person.id, Channel.BOT),
        app,
        school_today(app, utcnow(), settings.tz),
    )
    if not authority.capacities:
        raise workflow.NotAllowed(app.status)
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


def could_be_surname(text: str) -> bool:
    """Letters with inner spaces, hyphens or apostrophes (a full stop or «!» at the end is
    forgiven), 2 to 100 characters, and not a word of courtesy (`texts.SMALL_TALK`)."""
    word = text.strip().rstrip(".!?,;)")
    if not 2 <= len(word) <= 100 or fold(word) in texts.SMALL_TALK:
        return False
    return all(ch.isalpha() or ch in " -'’" for ch in word) and word[0].isalpha()


async def search(
    message: Message, session: AsyncSession, state: FSMContext, org_ids: list[int]
) -> None:
    """For a director, any other text is a surname to look for (PRODUCT.md §4.6); a text that
    cannot be one («спасибо», «ок», an emoji, a sentence) gets the hint instead of «Заявок нет»."""
    assert message.text is not None
    term = message.text.strip()
    if not could_be_surname(term):
        await message.answer(texts.SEARCH_TOO_SHORT)
        return
    await state.update_data(search=term)
    text, markup = await render_list(session, org_ids, "*", 0, term)
    await message.answer(text, reply_markup=markup)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_list, F.text == texts.BTN_MENU_APPLICATIONS)
    router.message.register(show_list, Command("applications"))
    router.callback_query.register(turn, ListCb.filter(), Decider())
    router.callback_query.register(open_card, CardCb.filter(F.action == CardAction.OPEN), Decider())
    router.message.register(
        search, StateFilter(None), F.text, ~F.text.startswith("/"), NOT_MENU, Decider()
    )
    return router
