"""Phone numbers normalised to one form, so that every spelling finds the same person."""

from __future__ import annotations

import re

_NON_DIGITS = re.compile(r"\D")


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    """`+7 (912) 555-01-01`, `8 912 555 01 01`, `79125550101` → `+79125550101`.

    Russian numbers are the common case: a leading 8 is the trunk prefix of +7, and ten digits
    are a number without the country code. Other international numbers (a `+` and 8–15 digits)
    are kept as they are.
    """
    text = raw.strip()
    digits = _NON_DIGITS.sub("", text)
    if len(digits) == 11 and digits[0] in "78":
        return "+7" + digits[1:]
    if len(digits) == 10 and not text.startswith("+"):
        return "+7" + digits
    if text.startswith("+") and 8 <= len(digits) <= 15:
        return "+" + digits
    raise InvalidPhone(f"not a phone number: {raw!r}")
