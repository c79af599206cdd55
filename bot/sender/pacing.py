"""Pacing the calls: the limit on starts a second (`CallPacer`) and its margins."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from typing import Final

# Both limits keep this margin (seconds): a call reaches Telegram a few ms after it starts here,
# more on a busy loop, and one call too many in a second costs a 429 and its retry_after (3 %
# of the rate buys room for 30 ms of such jitter).
LIMIT_SLACK: Final = 0.03
# How much lost time (seconds of calls) the pacer may make up at once.
CATCH_UP: Final = 0.5


class CallPacer:
    """When the next call may start: `rate` a second, never more in any window, no time lost.

    A log of the last ⌊rate⌋ starts: the next may start one window (a second, plus
    `LIMIT_SLACK`) after the oldest of them, so no window sees more. Starts are also spaced
    evenly, so that the calls of a second do not bunch up at its beginning (Telegram sees a
    steady flow, and an urgent message never waits long for a gap). Time lost while there was
    work to send (a busy loop, a slow render) is made up afterwards, up to `catch_up` seconds
    of calls at once, still within the window; time with nothing to send (`idle()`) earns none.
    """

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float],
        *,
        slack: float = LIMIT_SLACK,
        catch_up: float = CATCH_UP,
    ) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.limit = max(1, math.floor(rate))
        self.window = max(1.0, self.limit / rate) + slack
        self.interval = self.window / self.limit
        self._clock = clock
        self._catch_up = catch_up
        self._starts: deque[float] = deque(maxlen=self.limit)
        self._next: float | None = None

    def delay(self) -> float:
        """Seconds until a call may start (0: now)."""
        now = self._clock()
        at = now if self._next is None else max(now, self._next)
        if len(self._starts) == self.limit:
            at = max(at, self._starts[0] + self.window)
        return at - now

    def take(self) -> None:
        """A call starts now."""
        now = self._clock()
        base = now if self._next is None else max(self._next, now - self._catch_up)
        self._next = base + self.interval
        self._starts.append(now)

    def idle(self) -> None:
        """Nothing may be sent now: the time until there is earns no catch-up."""
        if self._next is not None:
            self._next = max(self._next, self._clock())
