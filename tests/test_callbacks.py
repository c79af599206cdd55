"""Callback data keeps its packed form: buttons sent before a release must keep working.

Fields have real names and actions are enums, but aiogram packs only the values, in field order;
these are the strings the bot has always put on its buttons.
"""

from __future__ import annotations

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, User

from handlers.decision import DecideCb, PromptAction
from handlers.director.callbacks import BulkAction, BulkCb, CardAction, CardCb, GroupCb, ListCb
from handlers.director.deputy_screen import DeputyAction, DeputyCb
from handlers.filters import AnyValueOf
from handlers.menu import RoleCb
from handlers.settings.screen import SettingsAction, SettingsCb
from handlers.staff.callbacks import (
    AllAction,
    AllCb,
    AssessCb,
    PickCb,
    PickKind,
    QueueCb,
    StaffAction,
    StaffCb,
)
from handlers.teacher.keyboards import MyAction, MyCb, ReplyCb
from models import Role

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
    (
        PickCb(kind=PickKind.SCHOOL, municipality=1, school=2, program=3, group=4, page=5),
        "sk:o:1:2:3:4:5",
    ),
    (AssessCb(person=1, section=2, passed=1), "se:1:2:1"),
    (SettingsCb(action=SettingsAction.INSTANT_CARDS), "sett:ic"),
    (DeputyCb(action=DeputyAction.PICK, target=5), "dep:pick:5:0"),
    (RoleCb(role=Role.TEACHER), "role:teacher"),
]


def test_buttons_pack_as_they_always_did() -> None:
    for data, packed in PACKED:
        assert data.pack() == packed
        assert type(data).unpack(packed) == data


@pytest.mark.parametrize(
    ("member", "packed"),
    [
        (SettingsAction.DIGEST_TIME, "sett:dt"),
        (SettingsAction.INSTANT_CARDS, "sett:ic"),
        (SettingsAction.QUIET_HOURS, "sett:qh"),
        (SettingsAction.BACK, "sett:back"),
    ],
)
def test_settings_actions_keep_their_codes(member: SettingsAction, packed: str) -> None:
    assert SettingsCb(action=member).pack() == packed
    assert SettingsCb.unpack(packed).action is member


@pytest.mark.parametrize(
    ("member", "packed"),
    [
        (DeputyAction.NEW, "dep:new:0:0"),
        (DeputyAction.PAGE, "dep:pg:0:2"),
        (DeputyAction.PICK, "dep:pick:5:0"),
        (DeputyAction.CONFIRM, "dep:ok:0:0"),
        (DeputyAction.BACK, "dep:back:0:0"),
        (DeputyAction.REVOKE, "dep:rv:9:0"),
    ],
)
def test_deputy_actions_keep_their_codes(member: DeputyAction, packed: str) -> None:
    data = DeputyCb.unpack(packed)
    assert data.action is member
    assert DeputyCb(action=member, target=data.target, page=data.page).pack() == packed


@pytest.mark.parametrize(
    ("member", "packed"),
    [
        (PickKind.MUNICIPALITY, "sk:m:0:0:0:0:0"),
        (PickKind.SCHOOL, "sk:o:0:0:0:0:0"),
        (PickKind.PROGRAM, "sk:p:0:0:0:0:0"),
        (PickKind.GROUP, "sk:g:0:0:0:0:0"),
    ],
)
def test_pick_kinds_keep_their_codes(member: PickKind, packed: str) -> None:
    assert PickCb(kind=member).pack() == packed
    assert PickCb.unpack(packed).kind is member


@pytest.mark.parametrize(
    ("member", "packed"),
    [
        (Role.TEACHER, "role:teacher"),
        (Role.DIRECTOR, "role:director"),
        (Role.STAFF, "role:staff"),
    ],
)
def test_roles_keep_their_codes(member: Role, packed: str) -> None:
    assert RoleCb(role=member).pack() == packed
    assert RoleCb.unpack(packed).role is member


def _press(data: str) -> CallbackQuery:
    user = User(id=1, is_bot=False, first_name="U")
    return CallbackQuery(id="1", from_user=user, chat_instance="c", data=data)


@pytest.mark.parametrize(
    ("family", "data", "matched"),
    [
        (DeputyCb, "dep:ok:0:0", True),  # a known action
        (DeputyCb, "dep:zz:0:0", True),  # one the enum does not know: as with a plain string
        (DeputyCb, "dep:zz:x:0", False),  # a number that is not one
        (DeputyCb, "dep:ok:0", False),  # a field missing
        (DeputyCb, "sett:ic", False),  # another family
        (RoleCb, "role:nonsense", True),
        (SettingsCb, "sett:zz", True),
        (PickCb, "sk:z:0:0:0:0:0", True),
        (PickCb, "sk:z:0:0:0:0", False),
    ],
)
async def test_any_value_of_matches_what_a_string_field_matched(
    family: type[CallbackData], data: str, matched: bool
) -> None:
    assert await AnyValueOf(family)(_press(data)) is matched


HUGE = str(2**64)


def _with_huge_ints(packed: str) -> list[str]:
    """The packed string with each integer field in turn replaced by one beyond 64 bits."""
    prefix, *parts = packed.split(":")
    forged = []
    for index, part in enumerate(parts):
        if part.isdigit():
            forged.append(":".join([prefix, *parts[:index], HUGE, *parts[index + 1 :]]))
    return forged


@pytest.mark.parametrize(("data", "packed"), [p for p in PACKED if _with_huge_ints(p[1])])
def test_integers_beyond_64_bits_are_not_a_button(data: CallbackData, packed: str) -> None:
    """They would fail in the database (OverflowError): such a press matches no family and
    gets the answer of an outdated button."""
    family = type(data)
    for forged in _with_huge_ints(packed):
        with pytest.raises(ValueError):
            family.unpack(forged)
        assert family.unpack(forged.replace(HUGE, str(2**63 - 1)))  # the largest one fits
