"""Telling a CSV file's text encoding: UTF-8, or Windows-1251 when the text is plausible."""

from __future__ import annotations

import codecs
import re
from collections.abc import Collection
from typing import Final

from services.i18n import Message
from services.labels import fold
from services.tabular.sheet import CP1251, UTF8, TabularError

# Bytes decoded at a time when checking that a file is UTF-8: never the whole file as one string.
_CHECK_CHUNK: Final = 1 << 20
# Text sampled to judge whether a file decoded as Windows-1251 reads as Russian.
_SAMPLE: Final = 1 << 16
# Control characters no spreadsheet writes into a CSV (all but tab, line feed, carriage return);
# Windows-1251 maps bytes below 0x80 as ASCII does, so the bytes themselves are searched.
_CONTROL_BYTES: Final = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Cyrillic letters А-я, Ё, ё by code point (the code holds no Russian words; see tests).
_RUSSIAN: Final = re.compile(r"[\u0410-\u044f\u0401\u0451]")
_LETTER: Final = re.compile(r"[^\W\d_]")


def _utf8_error(data: bytes) -> int | None:
    """The offset of the first byte that is not UTF-8, or None if the whole file is UTF-8."""
    view = memoryview(data)
    pending = b""
    start = 0  # offset of `pending` in `data`
    while True:
        chunk = bytes(view[start + len(pending) : start + len(pending) + _CHECK_CHUNK])
        final = start + len(pending) + len(chunk) >= len(data)
        buffer = pending + chunk
        try:
            _, consumed = codecs.utf_8_decode(buffer, "strict", final)
        except UnicodeDecodeError as exc:
            return start + exc.start
        if final:
            return None
        start += consumed
        pending = buffer[consumed:]


def _plausible_cp1251(data: bytes, columns: Collection[str]) -> bool:
    """Whether `data`, not UTF-8, is a text in Windows-1251 rather than bytes of something else.

    Almost any bytes decode as Windows-1251, so the text must also look like one: no control
    characters, and a header with a column the caller knows or letters mostly Russian (UTF-8 or
    another encoding read as Windows-1251 gives letters such as «Ђ», «ѓ», «Ѕ» instead).
    """
    if b"\x98" in data or _CONTROL_BYTES.search(data):  # 0x98 is not a Windows-1251 character
        return False
    sample = data[:_SAMPLE].decode(CP1251)
    header = next((line for line in sample.splitlines() if line.strip()), "")
    if columns:
        known = {fold(column) for column in columns}
        cells = re.split("[;,\t]", header)
        if any(fold(cell.strip().strip('"')) in known for cell in cells):
            return True
    letters = _LETTER.findall(sample)
    russian = len(_RUSSIAN.findall(sample))
    other = len(letters) - russian - sum(letter.isascii() for letter in letters)
    return russian > 0 and russian >= len(letters) / 2 and other <= len(letters) / 100


def _encoding_error(data: bytes, position: int) -> TabularError:
    """The file is neither UTF-8 nor Windows-1251: where it stops being UTF-8, and a hint."""
    hint: Message | str = ""
    head = data[:4096]
    # UTF-16 (Excel's «Unicode text») has a BOM or, without one, the high byte of every other
    # pair 0x00 (ASCII) or 0x04 (Cyrillic).
    bom = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if bom or any(
        2 * (half.count(0) + half.count(4)) > len(half) > 0 for half in (head[::2], head[1::2])
    ):
        hint = Message.of("import-looks-like-utf16")
    return TabularError(
        Message.of("import-not-decoded", hint=hint),
        line=data.count(b"\n", 0, position) + 1,
    )


def _csv_encoding(data: bytes, columns: Collection[str]) -> str:
    """`UTF8` (a BOM allowed) or `CP1251`; raise `TabularError` if the file is neither."""
    position = _utf8_error(data)
    if position is None:
        return UTF8
    if _plausible_cp1251(data, columns):
        return CP1251
    raise _encoding_error(data, position)
