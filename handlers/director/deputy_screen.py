"""What /deputy shows: the screen with the current deputy, its buttons, and the notices and
refusals in words.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.callback_types import Int64
from handlers.config import HandlerSettings
from handlers.render.cards import fmt_date
from models import Person, utcnow
from services import deputies
from services.deputies import (
    MAX_PERIOD_DAYS,
    BadPeriod,
    DeputyError,
    Deputyship,
    NotAColleague,
    OverlappingDeputyship,
)
from services.locality import person_today

NAME_LIMIT = 60


class DeputyAction(StrEnum):
    NEW = "new"
    PAGE = "pg"  # a page of colleagues
    PICK = "pick"  # a colleague
    CONFIRM = "ok"
    BACK = "back"
    REVOKE = "rv"  # revoke a deputyship


class DeputyCb(CallbackData, prefix="dep"):
    """A button of /deputy."""

    action: DeputyAction
    target: Int64 = 0  # the colleague picked or the deputyship revoked
    page: Int64 = 0


def button(text: str, act: DeputyAction, id_: int = 0, page: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=DeputyCb(action=act, target=id_, page=page).pack()
    )


def back_button() -> InlineKeyboardButton:
    return button(texts.BTN_BACK, DeputyAction.BACK)


def back_keyboard() -> InlineKeyboardMarkup:
    """«Назад» alone: under a prompt, or where there is nobody to choose."""
    builder = InlineKeyboardBuilder()
    builder.row(back_button())
    return builder.as_markup()


def short_name(full_name: str) -> str:
    """«Иванова Мария Сергеевна» → «Иванова М. С.»: buttons are narrow."""
    surname, *rest = full_name.split() or [full_name]
    return " ".join([surname, *(part[0] + "." for part in rest)])


def cut_name(text: str) -> str:
    return text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 1] + "…"


def today_of(person: Person | None, settings: HandlerSettings) -> date:
    """Today by the director's school's clock: the day a deputy's period is checked against."""
    return person_today(person, utcnow(), settings.tz)


def period_example(today: date) -> str:
    return f"{fmt_date(today)}-{fmt_date(today + timedelta(days=13))}"


async def screen(
    session: AsyncSession, person: Person, today: date
) -> tuple[str, InlineKeyboardMarkup]:
    found = await deputies.deputies_of(session, person, today)
    lines = [
        texts.DEPUTY_LINE.format(
            name=escape(d.deputy.full_name),
            start=fmt_date(d.row.starts_on),
            end=fmt_date(d.row.ends_on),
        )
        + (texts.DEPUTY_LINE_ACTIVE if d.row.starts_on <= today else "")
        for d in found
    ]
    builder = InlineKeyboardBuilder()
    builder.row(button(texts.DEPUTY_BTN_NEW, DeputyAction.NEW))
    for d in found:
        name = cut_name(short_name(d.deputy.full_name))
        builder.row(
            button(texts.DEPUTY_BTN_REVOKE.format(name=name), DeputyAction.REVOKE, d.row.id)
        )
    text = texts.DEPUTY_SCREEN.format(lines="\n".join(lines) or texts.DEPUTY_NONE)
    return text, builder.as_markup()


def school_of(person: Person) -> str:
    return person.organization.name if person.organization is not None else ""


def deputy_notice(director: Person, named: Deputyship) -> str:
    return texts.DEPUTY_NOTICE.format(
        director=escape(director.full_name),
        school=escape(school_of(director)),
        start=fmt_date(named.row.starts_on),
        end=fmt_date(named.row.ends_on),
    )


def period_problem(error: BadPeriod, today: date) -> str:
    return texts.DEPUTY_BAD_PERIOD[error.problem].format(
        example=period_example(today), days=MAX_PERIOD_DAYS
    )


def deputy_refusal(error: DeputyError, name: str, today: date) -> str:
    if isinstance(error, BadPeriod):
        return period_problem(error, today)
    if isinstance(error, OverlappingDeputyship):
        return texts.DEPUTY_OVERLAP.format(name=escape(name))
    if isinstance(error, NotAColleague):
        return texts.DEPUTY_NOT_COLLEAGUE
    return texts.DEPUTY_NOT_DIRECTOR
