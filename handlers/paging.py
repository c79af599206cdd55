"""Pages of a list that never exceed Telegram's message length."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers.render.cards import MAX_TEXT

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


@dataclass(frozen=True)
class Window:
    """One page of a list of which only a prefix was read (see `window`)."""

    page: int  # the page shown, from 0
    indexes: list[int]  # its entries' indexes in the list
    pages: int  # pages in all
    more: bool  # entries follow this page


def prefix_length(page: int, per_page: int = PAGE_SIZE) -> int:
    """How many entries from the list's start to read to show page `page` (from 0)."""
    return per_page * (max(page, 0) + 1)


def window(
    lengths: Sequence[int],
    header: int,
    page: int,
    total: int,
    per_page: int = PAGE_SIZE,
    limit: int = MAX_TEXT,
) -> Window:
    """Page `page` of a list of `total` entries, from the lengths of its first entries only.

    `lengths` are the first `prefix_length(page)` entries' (or all, when fewer): `pages_of`
    fills pages from the start and none holds more than `per_page`, so that prefix decides the
    pages up to `page` exactly, and the list is read with a LIMIT whatever its size. The count
    of pages takes the rest at `per_page` a page: exact unless later entries are too long for
    that, when it grows as the reader turns the pages.
    """
    pages = pages_of(lengths, header, per_page, limit) or [[]]
    page = max(0, min(page, len(pages) - 1))
    shown = pages[page]
    rest = max(0, total - (shown[-1] + 1 if shown else 0))
    return Window(page, shown, page + 1 + -(-rest // per_page), rest > 0)


def split_messages(lines: list[str], limit: int = MAX_TEXT) -> list[str]:
    """Lines joined into messages of at most `limit` characters (a longer line is cut)."""
    parts: list[str] = []
    current = ""
    for line in lines:
        if len(line) > limit:
            line = line[: limit - 1] + "…"
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
