"""Conversation states of /settings; their data holds only plain values."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class SettingsInput(StatesGroup):
    # data: screen (message id of the settings screen, shown as the prompt meanwhile)
    digest_time = State()
    quiet_hours = State()
