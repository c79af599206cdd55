"""Callback data keeps its packed form: buttons sent before a release must keep working.

Fields have real names and actions are enums, but aiogram packs only the values, in field order;
these are the strings the bot has always put on its buttons.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from handlers.decision import DecideCb, PromptAction
from handlers.director.callbacks import BulkAction, BulkCb, CardAction, CardCb, GroupCb, ListCb
from handlers.director.deputy_screen import DeputyCb
from handlers.menu import RoleCb
from handlers.settings.screen import SettingsCb
from handlers.staff.callbacks import (
    AllAction,
    AllCb,
    AssessCb,
    PickCb,
    QueueCb,
    StaffAction,
    StaffCb,
)
from handlers.teacher.keyboards import MyAction, MyCb, ReplyCb

PACKED: list[tuple[CallbackData, str]] = [
    (CardCb(action=CardAction.APPROVE, number=50001, seen="n"), "c:ok:50001:n:"),
    (CardCb(action=CardAction.TAB, number=50001, seen="n", tab="h"), "c:tab:50001:n:h"),
    (CardCb(action=CardAction.OPEN, number=50001), "c:open:50001::"),
    (DecideCb(action=PromptAction.SKIP), "d:skip"),
    (GroupCb(number=50001, group=7), "gr:50001:7"),
    (ListCb(status="n", page=2, searching=1), "l:n:2:1"),
    (BulkCb(action=BulkAction.ASK), "b:ask:0"),
    (MyCb(action=MyAction.OPEN, number=60001, page=1), "my:o:60001:1::"),
    (MyCb(action=MyAction.CONFIRM, number=60001, seen="n"), "my:wy:60001:0:n:"),
    (ReplyCb(number=60001, comment=9), "r:60001:9"),
    (StaffCb(action=StaffAction.GROUP, number=5, group=7), "sc:g:5:7"),
    (StaffCb(action=StaffAction.INCLUDE, number=5), "sc:incy:5:0"),
    (AllCb(action=AllAction.ASK, municipality=1, school=2, program=3, group=4), "sa:ask:1:2:3:4"),
    (QueueCb(municipality=1, school=2, program=3, group=4, page=5), "sq:1:2:3:4:5"),
    (PickCb(kind="o", municipality=1, school=2, program=3, group=4, page=5), "sk:o:1:2:3:4:5"),
    (AssessCb(person=1, section=2, passed=1), "se:1:2:1"),
    (SettingsCb(action="ic"), "sett:ic"),
    (DeputyCb(action="pick", target=5), "dep:pick:5:0"),
    (RoleCb(role="teacher"), "role:teacher"),
]


def test_buttons_pack_as_they_always_did() -> None:
    for data, packed in PACKED:
        assert data.pack() == packed
        assert type(data).unpack(packed) == data
