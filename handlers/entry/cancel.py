"""/cancel leaves any prompt; registered before every conversation state (STYLE.md §7)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from handlers import texts


async def cancel(message: Message, state: FSMContext) -> None:
    had_prompt = await state.get_state() is not None
    await state.clear()
    await message.answer(texts.CANCELLED if had_prompt else texts.NOTHING_TO_CANCEL)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cancel, Command("cancel"))
    return router
