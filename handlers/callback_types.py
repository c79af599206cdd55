"""Field types of the callback families: what a forged button may not carry.

Telegram passes back whatever `callback_data` a client sends (up to 64 bytes), and Python's
integers have no size: `c:a:99999999999999999999999:n` would reach the database and fail there
(SQLite and PostgreSQL keep 64-bit integers). An `Int64` field refuses such a value while the
press is matched, so it falls to the family's catch-all or the general «Эта кнопка устарела».
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import Field

INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1

Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
