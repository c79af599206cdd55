"""Callback data of the staff screens: the queue, its filter pickers, the card, «Включить всех»,
assessment."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from handlers.callback_types import Int64
from services import overview


class QueueCb(CallbackData, prefix="sq"):
    """The queue screen: the filters (ids, 0 for all) and the page."""

    municipality: Int64 = 0
    school: Int64 = 0
    program: Int64 = 0
    group: Int64 = 0
    page: Int64 = 0


class PickKind(StrEnum):
    """The queue's filters; the codes are those of the overview service."""

    MUNICIPALITY = "m"
    SCHOOL = "o"  # the organisation
    PROGRAM = "p"
    GROUP = "g"


class PickCb(CallbackData, prefix="sk"):
    """A filter's choices: the kind; the current filters ride along; the page."""

    kind: PickKind
    municipality: Int64 = 0
    school: Int64 = 0
    program: Int64 = 0
    group: Int64 = 0
    page: Int64 = 0


class StaffAction(StrEnum):
    OPEN = "open"
    CARD = "card"  # redraw the card in place
    INCLUDE_ASK = "inc"
    INCLUDE = "incy"
    CANCEL = "no"
    GROUP_ASK = "grp"
    GROUP = "g"  # a group chosen


class StaffCb(CallbackData, prefix="sc"):
    """A button of a staff card."""

    action: StaffAction
    number: Int64
    group: Int64 = 0


class AllAction(StrEnum):
    ASK = "ask"  # with the filters
    YES = "yes"
    NO = "no"


class AllCb(CallbackData, prefix="sa"):
    """«Включить всех» and its confirmation."""

    action: AllAction
    municipality: Int64 = 0
    school: Int64 = 0
    program: Int64 = 0
    group: Int64 = 0


class AssessCb(CallbackData, prefix="se"):
    """A section toggled for a person: `passed` is the new value (1 passed)."""

    person: Int64
    section: Int64
    passed: Int64


def filter_of(cb: QueueCb | PickCb | AllCb) -> overview.QueueFilter:
    return overview.QueueFilter(cb.municipality, cb.school, cb.program, cb.group)


def queue_data(flt: overview.QueueFilter, page: int = 0) -> str:
    return QueueCb(
        municipality=flt.municipality_of,
        school=flt.school,
        program=flt.program,
        group=flt.group,
        page=page,
    ).pack()


def pick_data(flt: overview.QueueFilter, kind: PickKind, page: int = 0) -> str:
    return PickCb(
        kind=kind,
        municipality=flt.municipality_of,
        school=flt.school,
        program=flt.program,
        group=flt.group,
        page=page,
    ).pack()
