"""/assess: an application's assessment results by section, each section toggled passed or not."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.edits import edit_text
from handlers.staff.callbacks import AssessCb
from models import Person
from services import assessment


async def render_assessment(
    session: AsyncSession, person: Person
) -> tuple[str, InlineKeyboardMarkup | None]:
    results = await assessment.results_of(session, person.id)
    if not results:
        return texts.STAFF_ASSESS_NO_SECTIONS, None
    text = texts.STAFF_ASSESS_TITLE.format(
        name=escape(person.full_name),
        code=escape(person.code),
        passed=sum(r.passed for r in results),
        total=len(results),
    )
    builder = InlineKeyboardBuilder()
    for r in results:
        builder.button(
            text=("✅ " if r.passed else "⬜ ") + r.name[:55],
            callback_data=AssessCb(
                person=person.id, section=r.section_id, passed=0 if r.passed else 1
            ),
        )
    builder.adjust(1)
    return text, builder.as_markup()


async def assess(message: Message, command: CommandObject, session: AsyncSession) -> None:
    code = (command.args or "").strip()
    if not code:
        await message.answer(texts.STAFF_ASSESS_USAGE)
        return
    try:
        teacher = await assessment.person_by_code(session, code)
    except assessment.PersonNotFound:
        await message.answer(texts.STAFF_ASSESS_NOT_FOUND.format(code=escape(code[:64])))
        return
    text, markup = await render_assessment(session, teacher)
    await message.answer(text, reply_markup=markup)


async def toggle_section(
    query: CallbackQuery, callback_data: AssessCb, session: AsyncSession
) -> None:
    teacher = await session.get(Person, callback_data.person)
    if teacher is None:
        await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
        return
    try:
        await assessment.set_result(
            session, teacher.id, callback_data.section, bool(callback_data.passed)
        )
    except assessment.SectionNotFound:
        await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
        return
    text, markup = await render_assessment(session, teacher)
    if isinstance(query.message, Message):
        await edit_text(query.message, text, markup)
    await query.answer(texts.STAFF_ASSESS_SAVED)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(assess, Command("assess"))
    router.callback_query.register(toggle_section, AssessCb.filter())
    return router
