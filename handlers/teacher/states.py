"""Conversation states of the teacher's screens; their data holds only plain values."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Withdraw(StatesGroup):
    # data: n (number), seen (status code), msg (id of the card message), p (list page)
    reason = State()


class ReplyComment(StatesGroup):
    # data: n (number), c (id of the comment replied to), prompt (id of the prompt message)
    text = State()
