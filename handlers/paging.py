"""Pages of a list that never exceed Telegram's message length."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.cards import MAX_TEXT

PAGE_SIZE = 10


def pages_of(
    lengths: Sequence[int], header: int, per_page: int = PAGE_SIZE, limit: int = MAX_TEXT
) -> list[list[int]]:
    """Indexes of the lines per page: at most `per_page` lines, and at most `limit` characters
    with the header; a page ends early rather than be cut."""
    pages: list[list[int]] = []
    current: list[int] = []
    size = header
    for index, length in enumerate(lengths):
        if current and (len(current) == per_page or size + length > limit):
            pages.append(current)
            current, size = [], header
        current.append(index)
        size += length
    if current:
        pages.append(current)
    return pages
