"""/deputy for everyone who is not a director (any more): one answer, and an open prompt closed."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers import texts
from handlers.director.deputy_screen import DeputyCb
from handlers.director.states import DeputyInput
from handlers.filters import AnyValueOf


async def not_a_director(message: Message) -> None:
    await message.answer(texts.DEPUTY_NOT_DIRECTOR)


async def not_a_director_press(query: CallbackQuery) -> None:
    await query.answer(texts.DEPUTY_NOT_DIRECTOR, show_alert=True)


async def no_longer_a_director(message: Message, state: FSMContext) -> None:
    # The director role was taken away (an import) while a prompt was open.
    await state.clear()
    await message.answer(texts.DEPUTY_NOT_DIRECTOR)


def build_router() -> Router:
    """Mounted after the directors' own /deputy router, under the same parent."""
    router = Router(name=f"{__name__}")
    router.message.register(not_a_director, F.text == texts.BTN_MENU_DEPUTY)
    router.message.register(not_a_director, Command("deputy"))
    router.callback_query.register(not_a_director_press, AnyValueOf(DeputyCb))
    router.message.register(no_longer_a_director, StateFilter(DeputyInput))
    return router
