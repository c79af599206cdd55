"""«Ответить» under a comment: the teacher's reply, added to the application's comments."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.errors import refusal
from handlers.filters import NOT_MENU
from handlers.prompts import comment_text
from handlers.render.cards import fit
from handlers.teacher.card import actor, own_application, show, where_of
from handlers.teacher.keyboards import (
    MyAction,
    MyCb,
    ReplyCb,
    reply_prompt_keyboard,
)
from handlers.teacher.states import ReplyComment
from models import Person
from services import my_applications, workflow
from services.workflow import NotAllowed, WorkflowError


async def press_reply(
    query: CallbackQuery,
    callback_data: ReplyCb,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: HandlerSettings,
) -> None:
    number = callback_data.number
    app = await own_application(session, person, number, settings)
    comment = await my_applications.comment_on(session, callback_data.comment, app.id)
    if comment is None:
        raise NotAllowed(app.status).about(app.number)
    author = comment.author.full_name if comment.author else "—"
    text = texts.REPLY_PROMPT.format(n=number, author=escape(author), text=escape(comment.text))
    prompt = await bot.send_message(
        query.from_user.id, fit(text), reply_markup=reply_prompt_keyboard(number)
    )
    await state.set_state(ReplyComment.text)
    await state.set_data({"n": number, "c": comment.id, "prompt": prompt.message_id})
    await query.answer()


async def reply_given(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: HandlerSettings,
) -> None:
    reply = await comment_text(message)
    if reply is None:
        return
    if not reply:
        await message.answer(texts.REPLY_TEXT_ONLY)
        return
    data = await state.get_data()
    await state.clear()
    number = int(data["n"])
    try:
        # Checked again: the prompt may have waited while the application changed hands.
        app = await own_application(session, person, number, settings)
        await workflow.add_comment(
            session, app, actor(person), reply, reply_to_id=int(data["c"]), tz=settings.tz
        )
    except WorkflowError as error:
        await message.answer(refusal(error, number))
        return
    await show(bot, message.chat.id, data.get("prompt"), texts.REPLY_SENT.format(n=number), None)


async def reply_not_text(message: Message) -> None:
    await message.answer(texts.REPLY_TEXT_ONLY)


async def reply_back(query: CallbackQuery, bot: Bot, state: FSMContext) -> None:
    data = await state.get_data()
    await state.clear()
    chat_id, message_id = where_of(query)
    await show(bot, chat_id, message_id, texts.REPLY_ABANDONED.format(n=data.get("n")), None)
    await query.answer()


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(press_reply, ReplyCb.filter())
    router.message.register(
        reply_given, ReplyComment.text, F.text, ~F.text.startswith("/"), NOT_MENU
    )
    router.message.register(reply_not_text, ReplyComment.text, NOT_MENU)
    router.callback_query.register(
        reply_back, MyCb.filter(F.action == MyAction.REPLY_BACK), ReplyComment.text
    )
    return router
