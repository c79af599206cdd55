"""/overview: the region's applications by municipality and status, as text and as a chart."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.paging import split_messages
from handlers.render.overview_chart import render_chart
from models import Status, utcnow
from services import overview, workflow
from services.calendar import WorkCalendar
from services.labels import STATUS_LABELS


def _counts(counts: dict[Status, int]) -> str:
    return " · ".join(f"{escape(STATUS_LABELS[s])} {counts[s]}" for s in Status)


def overview_lines(data: overview.Overview) -> list[str]:
    total = sum(data.totals.values())
    lines = [texts.STAFF_OVERVIEW_TITLE, texts.STAFF_OVERVIEW_TOTAL.format(total=total)]
    if not total:
        lines.append(texts.STAFF_OVERVIEW_EMPTY)
    else:
        lines.append(_counts(data.totals))
        lines += ["", texts.STAFF_OVERVIEW_MUNICIPALITIES]
        for place in data.municipalities:
            name = place.name or texts.STAFF_OVERVIEW_NO_MUNICIPALITY
            lines.append(f"<b>{escape(name)}</b> — {place.total}: {_counts(place.counts)}")
        lines += ["", texts.STAFF_OVERVIEW_SCHOOLS]
        for place in data.schools:
            lines.append(f"🏫 {escape(place.name)} — {place.total}: {_counts(place.counts)}")
    lines += ["", texts.STAFF_OVERVIEW_ESCALATED.format(after=data.escalate_after_days)]
    if not data.escalated:
        lines.append(texts.STAFF_OVERVIEW_ESCALATED_NONE)
    for item in data.escalated:
        lines.append(
            texts.STAFF_OVERVIEW_ESCALATED_LINE.format(
                school=escape(item.school),
                municipality=escape(item.municipality or texts.STAFF_OVERVIEW_NO_MUNICIPALITY),
                count=item.waiting,
                days=item.oldest_days,
            )
        )
        if not item.directors:
            lines.append(texts.STAFF_OVERVIEW_NO_DIRECTOR)
        for director in item.directors:
            mark = (
                texts.STAFF_OVERVIEW_REACHABLE
                if director.reachable
                else texts.STAFF_OVERVIEW_UNREACHABLE
            )
            lines.append(
                texts.STAFF_OVERVIEW_DIRECTOR.format(mark=mark, name=escape(director.name))
            )
    return lines


async def load(
    session: AsyncSession, settings: HandlerSettings, calendar: WorkCalendar
) -> overview.Overview:
    return await overview.load_overview(
        session,
        today=workflow.local_today(utcnow(), settings.tz),
        calendar=calendar,
        escalate_after_days=settings.escalate_after_days,
    )


async def show_overview(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    settings: HandlerSettings,
    calendar: WorkCalendar,
) -> None:
    data = await load(session, settings, calendar)
    for part in split_messages(overview_lines(data)):
        await message.answer(part)
    if data.municipalities:
        png = render_chart(data.municipalities)
        await bot.send_photo(
            message.chat.id,
            BufferedInputFile(png, "overview.png"),
            caption=texts.STAFF_CHART_CAPTION,
        )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_overview, F.text == texts.BTN_MENU_STAFF_OVERVIEW)
    router.message.register(show_overview, Command("overview"))
    return router
