"""Callback data of the staff screens: the queue, its filter pickers, the card, «Включить всех»,
assessment."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from services import overview


class QueueCb(CallbackData, prefix="sq"):
    """The queue screen: filters (ids, 0 for all) and the page."""

    m: int = 0
    o: int = 0
    r: int = 0  # program
    g: int = 0
    p: int = 0


class PickCb(CallbackData, prefix="sk"):
    """A filter's choices: k is m, o, p or g; the current filters ride along; p is the page."""

    k: str
    m: int = 0
    o: int = 0
    r: int = 0
    g: int = 0
    p: int = 0


class StaffCb(CallbackData, prefix="sc"):
    """A staff card: open, card (redraw), inc (ask), incy (include), no, grp, g (group chosen)."""

    act: str
    n: int
    g: int = 0


class AllCb(CallbackData, prefix="sa"):
    """«Включить всех»: ask (with the filters), yes, no."""

    act: str
    m: int = 0
    o: int = 0
    r: int = 0
    g: int = 0


class AssessCb(CallbackData, prefix="se"):
    """A section toggled for a person: v is the new value (1 passed)."""

    u: int
    s: int
    v: int


def _filter(cb: QueueCb | PickCb | AllCb) -> overview.QueueFilter:
    return overview.QueueFilter(cb.m, cb.o, cb.r, cb.g)


def _queue_cb(flt: overview.QueueFilter, page: int = 0) -> str:
    return QueueCb(m=flt.municipality_of, o=flt.school, r=flt.program, g=flt.group, p=page).pack()


def _pick_cb(flt: overview.QueueFilter, kind: str, page: int = 0) -> str:
    return PickCb(
        k=kind, m=flt.municipality_of, o=flt.school, r=flt.program, g=flt.group, p=page
    ).pack()
