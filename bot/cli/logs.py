"""Log lines for the operator: tracebacks without exception messages below DEBUG."""

from __future__ import annotations

import logging
import traceback
from typing import Any


class SafeFormatter(logging.Formatter):
    """Tracebacks name files, lines and exception classes, not exception messages.

    An exception's message can carry row values (names, phones); below DEBUG only the shape of
    the failure is logged. With LOG_LEVEL=DEBUG (or --log-level DEBUG) tracebacks are full.
    """

    def __init__(self, fmt: str, *, full: bool) -> None:
        super().__init__(fmt)
        self.full = full

    def formatException(self, ei: Any) -> str:
        if self.full:
            return super().formatException(ei)
        chain: list[BaseException] = []
        exc: BaseException | None = ei[1]
        while exc is not None and all(exc is not seen for seen in chain):
            chain.append(exc)
            exc = exc.__cause__ or exc.__context__
        lines = ["Traceback (values hidden; LOG_LEVEL=DEBUG shows them):\n"]
        for exc in reversed(chain):  # the first cause first, as Python prints them
            lines += traceback.format_list(traceback.extract_tb(exc.__traceback__))
            lines.append(f"{type(exc).__module__}.{type(exc).__qualname__}\n")
        return "".join(lines).rstrip("\n")
