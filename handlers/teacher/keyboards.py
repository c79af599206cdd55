"""The teacher's screens: the «Мои заявки» page, the card's keyboard, the withdrawal prompts.

One callback family (`MyCb`, prefix "my") serves the list, the card and the withdrawal, so that
none of it is mistaken for a director's card button (`CardCb`).
"""

from __future__ import annotations

from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers import texts
from handlers.callback_types import Int64
from handlers.director.callbacks import status_code
from handlers.paging import PAGE_SIZE
from handlers.render.cards import STATUS_ICON, TABS, fit
from models import Application, Status
from services.labels import STATUS_LABELS
from services.my_applications import MyEntry, MyPage

# The statuses from which an applicant may withdraw (PRODUCT.md §3.2).
WITHDRAWABLE = frozenset({Status.NEW, Status.APPROVED, Status.INCLUDED})
# Long programme titles are cut: a page of ten stays far below Telegram's 4096 characters.
TITLE_IN_LIST = 150
TITLE_ON_BUTTON = 40


class MyAction(StrEnum):
    LIST = "l"  # a list page
    OPEN = "o"  # open a card
    TAB = "t"
    WITHDRAW = "w"  # «Отозвать заявку»: opens the reason prompt
    # «Подтвердить» of the former confirmation step, under messages sent before it was dropped.
    CONFIRM = "wy"
    WITHOUT_REASON = "ws"  # «Без комментария» under the reason prompt
    REPLY_BACK = "rb"  # «Назад» under the reply prompt


class MyCb(CallbackData, prefix="my"):
    """A button of the teacher's screens."""

    action: MyAction
    number: Int64 = 0  # the application number
    page: Int64 = 0  # the list page to go back to
    seen: str = ""  # the status the card showed, for compare-and-set
    tab: str = ""  # i, c or h


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def entry_line(index: int, entry: MyEntry) -> str:
    return (
        f"{index}. {STATUS_ICON[entry.status]} <b>№{entry.number}</b> · "
        f"{escape(STATUS_LABELS[entry.status])}\n"
        f"   {escape(_cut(entry.program, TITLE_IN_LIST))}"
    )


def list_text(page: MyPage) -> str:
    if not page.entries:
        return texts.MY_EMPTY
    head = texts.MY_TITLE.format(count=page.total)
    if page.pages > 1:
        head += "\n" + texts.MY_PAGE.format(page=page.page + 1, pages=page.pages)
    first = page.page * PAGE_SIZE + 1
    lines = [entry_line(first + i, entry) for i, entry in enumerate(page.entries)]
    return fit(head + "\n\n" + "\n\n".join(lines))


def list_keyboard(page: MyPage) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    for entry in page.entries:
        builder.row(
            InlineKeyboardButton(
                text=(
                    f"{STATUS_ICON[entry.status]} №{entry.number} · "
                    f"{_cut(entry.program, TITLE_ON_BUTTON)}"
                ),
                callback_data=MyCb(
                    action=MyAction.OPEN, number=entry.number, page=page.page
                ).pack(),
            )
        )
    nav = []
    if page.page > 0:
        nav.append(
            InlineKeyboardButton(
                text=texts.MY_BTN_PREV,
                callback_data=MyCb(action=MyAction.LIST, page=page.page - 1).pack(),
            )
        )
    if page.page < page.pages - 1:
        nav.append(
            InlineKeyboardButton(
                text=texts.MY_BTN_NEXT,
                callback_data=MyCb(action=MyAction.LIST, page=page.page + 1).pack(),
            )
        )
    if nav:
        builder.row(*nav)
    if not builder.export():
        return None  # an empty page: no keyboard at all
    return builder.as_markup()


def card_keyboard(app: Application, tab: str, page: int) -> InlineKeyboardMarkup:
    """Tabs, «Отозвать заявку» while the applicant may still withdraw, «Назад» to the list."""
    builder = InlineKeyboardBuilder()
    builder.row(
        *(
            InlineKeyboardButton(
                text=("• " + label) if key == tab else label,
                callback_data=MyCb(
                    action=MyAction.TAB, number=app.number, page=page, tab=key
                ).pack(),
            )
            for key, label in TABS.items()
        )
    )
    if app.status in WITHDRAWABLE:
        builder.row(
            InlineKeyboardButton(
                text=texts.WITHDRAW_BTN,
                callback_data=MyCb(
                    action=MyAction.WITHDRAW,
                    number=app.number,
                    page=page,
                    seen=status_code(app.status),
                ).pack(),
            )
        )
    builder.row(
        InlineKeyboardButton(
            text=texts.BTN_BACK, callback_data=MyCb(action=MyAction.LIST, page=page).pack()
        )
    )
    return builder.as_markup()


def reason_prompt(app: Application, required: bool) -> str:
    """What is withdrawn and that it is for good, with the request for a reason (optional
    unless REQUIRE_CANCEL_REASON is on)."""
    ask = texts.WITHDRAW_REASON_REQUIRED if required else texts.WITHDRAW_REASON_OPTIONAL
    what = texts.WITHDRAW_REASON_PROMPT.format(
        n=app.number,
        program=escape(app.group.program.title),
        group=escape(app.group.name),
        status=escape(STATUS_LABELS[app.status]),
    )
    return fit(what + "\n" + ask)


def reason_keyboard(app: Application, page: int, required: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if not required:
        builder.button(
            text=texts.BTN_NO_COMMENT,
            callback_data=MyCb(action=MyAction.WITHOUT_REASON, number=app.number, page=page),
        )
    builder.button(
        text=texts.BTN_BACK, callback_data=MyCb(action=MyAction.OPEN, number=app.number, page=page)
    )
    builder.adjust(2)
    return builder.as_markup()


def reply_prompt_keyboard(number: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=texts.BTN_BACK, callback_data=MyCb(action=MyAction.REPLY_BACK, number=number)
    )
    return builder.as_markup()


class ReplyCb(CallbackData, prefix="r"):
    """«Ответить» under a comment: the application and the comment replied to."""

    number: Int64
    comment: Int64


def reply_keyboard(number: int, comment_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.BTN_REPLY, callback_data=ReplyCb(number=number, comment=comment_id))
    return builder.as_markup()
