"""Callback data of the director's screens: the card, the group tab, the list.

aiogram packs only the values (`c:ok:50001:n:`), so fields have real names and actions are enums
at no cost in bytes; the values are those of the buttons already sent, which keep working.
Authority is never read from a button: it carries an application number and the status the card
showed, and who may act is checked in the database.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from handlers.callback_types import Int64
from models import Status

STATUS_CODES = {"new": "n", "approved": "a", "cancelled": "c", "included": "i"}
STATUS_BY_CODE = {code: status for status, code in STATUS_CODES.items()}


def status_code(status: str) -> str:
    return STATUS_CODES[str(status)]


class CardAction(StrEnum):
    APPROVE = "ok"
    CANCEL = "no"
    TAB = "tab"
    OPEN = "open"  # from a list or a digest: the card drawn in the chat


class CardCb(CallbackData, prefix="c"):
    """A button on an application card."""

    action: CardAction
    number: Int64
    seen: str = ""  # the status code the card showed, for compare-and-set
    tab: str = ""  # i (information), c (comments), h (history), g (group change)


class GroupCb(CallbackData, prefix="gr"):
    """A group chosen on the «Смена группы» tab."""

    number: Int64
    group: Int64


# The list's status filters by code; * is all.
FILTERS = {"n": Status.NEW, "a": Status.APPROVED, "c": Status.CANCELLED, "i": Status.INCLUDED}
FILTER_OF = {status: code for code, status in FILTERS.items()}


class ListCb(CallbackData, prefix="l"):
    status: str  # n, a, c, i or * (all)
    page: Int64 = 0  # from 0
    searching: Int64 = 0  # 1: within the surname search kept in the conversation data


class BulkAction(StrEnum):
    ASK = "ask"
    YES = "yes"
    NO = "no"


class BulkCb(CallbackData, prefix="b"):
    """«Одобрить все» under a list or a digest, and its confirmation."""

    action: BulkAction
    searching: Int64 = 0
