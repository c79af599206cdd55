"""/help, /cancel and anything nobody else handled."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers import texts

router = Router(name=__name__)


@router.message(Command("cancel"))
async def cancel(message: Message, state: FSMContext) -> None:
    had_prompt = await state.get_state() is not None
    await state.clear()
    await message.answer(texts.CANCELLED if had_prompt else texts.NOTHING_TO_CANCEL)


@router.message(Command("help"))
async def help_(message: Message) -> None:
    await message.answer(texts.HELP)


@router.message()
async def unknown(message: Message) -> None:
    await message.answer(texts.UNKNOWN)


@router.callback_query()
async def unknown_press(query: CallbackQuery) -> None:
    # Old or forged buttons still get an answer, so the client stops its spinner.
    await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
