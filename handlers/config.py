"""The settings that screens and renderers read, as a protocol: values injected by `bot/`.

`bot.settings.Settings` satisfies it; handlers name only what they use, so they never import
the composition root (which imports them). The working-day calendar is built once at start-up
and injected beside it, as `calendar` (see `bot.app.build_dispatcher`).
"""

from __future__ import annotations

from datetime import time
from typing import Protocol
from zoneinfo import ZoneInfo


class HandlerSettings(Protocol):
    @property
    def tz(self) -> ZoneInfo: ...

    @property
    def quiet(self) -> tuple[time, time] | None: ...

    @property
    def require_cancel_reason(self) -> bool: ...

    @property
    def undo_cancel_minutes(self) -> int: ...

    @property
    def digest_time(self) -> str: ...

    @property
    def quiet_hours(self) -> str: ...

    @property
    def escalate_after_days(self) -> int: ...
