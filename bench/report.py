"""The suite's one table: each figure with the floor, the ratio and its target beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class Line:
    figure: str
    value: str
    floor: str = "—"
    ratio: str = "—"
    target: str = "—"
    verdict: str = "—"  # "ok", "over", "—" (no target) or "n/a" (not measured)


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.0f}"


def times(values: Sequence[float | None]) -> str:
    return " / ".join(ms(v) for v in values) + " ms"


def ratio(value: float | None, floor: float | None) -> float | None:
    if value is None or floor is None or floor <= 0:
        return None
    return value / floor


def show_ratio(value: float | None) -> str:
    return "—" if value is None else f"×{value:.2f}"


def at_most(value: float | None, limit: float) -> str:
    return "n/a" if value is None else ("ok" if value <= limit else "over")


def at_least(value: float | None, limit: float) -> str:
    return "n/a" if value is None else ("ok" if value >= limit else "under")


def missing(figure: str, why: str) -> Line:
    return Line(figure, why, verdict="n/a")


def _cells(line: Line) -> tuple[str, ...]:
    return (line.figure, line.value, line.floor, line.ratio, line.target, line.verdict)


def table(lines: Sequence[Line]) -> str:
    header = ("figure", "dpo-bot", "floor", "ratio", "target", "")
    rows = [header, *(_cells(line) for line in lines)]
    out = ["| " + " | ".join(row) + " |" for row in rows]
    out.insert(1, "|" + "---|" * len(header))
    return "\n".join(out)


def plain(lines: Sequence[Line]) -> str:
    """The same table aligned for a terminal."""
    header = ("figure", "dpo-bot", "floor", "ratio", "target", "")
    rows = [header, *(_cells(line) for line in lines)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
