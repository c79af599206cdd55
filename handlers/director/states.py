"""Conversation states of /deputy; their data holds only plain values."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class DeputyInput(StatesGroup):
    # data: deputy_id, name (the colleague chosen), screen (message id of the prompt)
    period = State()
    # data: as above plus start, end (ISO dates)
    confirm = State()
