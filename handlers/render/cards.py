"""How an application looks in a chat: the card and its keyboard (the tabs: card_tabs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers import texts
from handlers.director.callbacks import CardAction, CardCb, GroupCb, status_code
from models import Application, Group, Status
from services.cards import CardData, Change
from services.i18n import Language, catalogue
from services.labels import KIND_LABELS, STATUS_LABELS
from services.locality import school_zone

_t = catalogue(Language.RU).text


MAX_TEXT = 4096
# Long descriptions are cut so that a card always fits one message.
MAX_FIELD = 600
STATUS_ICON = {
    Status.NEW: "🕓",
    Status.APPROVED: "✅",
    Status.CANCELLED: "❌",
    Status.INCLUDED: "🎓",
}
CAPACITY_WORDS = {
    key: _t(f"card-capacity-{key}") for key in ("director", "deputy", "staff", "teacher", "system")
}
TABS = {"i": texts.BTN_TAB_INFO, "c": texts.BTN_TAB_COMMENTS, "h": texts.BTN_TAB_HISTORY}


def escaped(value: object) -> str:
    return escape(str(value), quote=False)


def cut_field(value: str, limit: int = MAX_FIELD) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def fmt_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def fmt_time(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def fit(text: str) -> str:
    """Never more than Telegram's 4096 characters (only plain text is cut, never inside a tag)."""
    if len(text) <= MAX_TEXT:
        return text
    return text[: MAX_TEXT - 1] + "…"


def details(app: Application) -> list[str]:
    group, program = app.group, app.group.program
    dates = (
        f"{fmt_date(group.study_start)} – {fmt_date(group.study_end)}"
        if group.study_start or group.study_end
        else "—"
    )
    rows = [
        ("applicant", app.applicant.full_name),
        ("organization", app.organization.name),
        ("kind", KIND_LABELS[app.kind]),
        ("program", program.title),
        ("group", group.name),
        ("group-description", cut_field(group.description) if group.description else ""),
        ("hours", _t("card-hours", hours=str(program.hours)) if program.hours else ""),
        ("dates", dates),
        ("form", program.form),
        ("categories", cut_field(program.categories)),
        ("competencies", cut_field(program.competencies)),
        ("provider", cut_field(program.provider)),
        ("submitted", fmt_date(app.submitted_on)),
    ]
    return [
        _t("card-field", label=_t(f"card-field-{field}"), value=escaped(value))
        for field, value in rows
        if value
    ]


def who(change: Change, *, role_named: bool = False, applicant_id: int | None = None) -> str:
    """«Имя (роль)»; without the role when the words before already name it (`role_named`).

    With `applicant_id`, a director's decision on their own application says so plainly.
    """
    role = "" if role_named else CAPACITY_WORDS.get(change.entry.actor_role or "", "")
    name = change.actor_name or ""
    if change.on_behalf_of_name:
        role = _t("card-on-behalf", role=role, name=change.on_behalf_of_name)
    entry = change.entry
    if (
        applicant_id is not None
        and entry.actor_id == applicant_id
        and entry.actor_role == "director"
        and role
    ):
        role = _t("card-own-application", role=role)
    if name and role:
        return f"{name} ({role})"
    return name or role or "—"


def header(app: Application) -> str:
    status = escaped(STATUS_LABELS[app.status])
    return _t("card-header", icon=STATUS_ICON[app.status], number=str(app.number), status=status)


def decision_line(data: CardData, tz: ZoneInfo) -> list[str]:
    change = data.last_status_change
    if change is None or data.application.status is Status.NEW:
        return []
    status = data.application.status
    # «Подтверждена руководителем ОО: Смирнова О. В.», not «… (руководитель ОО)» again.
    role_named = status is Status.APPROVED and change.entry.actor_role == "director"
    lines = [
        _t(
            "card-decision",
            status=escaped(STATUS_LABELS[status]),
            who=escaped(who(change, role_named=role_named)),
            when=fmt_time(change.entry.created_at, tz),
        )
    ]
    if change.entry.comment:
        lines.append(_t("card-comment", comment=escaped(cut_field(change.entry.comment, 1000))))
    return lines


def assessment_line(data: CardData) -> list[str]:
    if data.assessment is None:
        return []
    passed, total = data.assessment
    if total == 0:
        return [_t("card-assessment-none")]
    mark = "✅" if passed >= total else "⚠️"
    return [_t("card-assessment", mark=mark, passed=str(passed), total=str(total))]


def card_text(data: CardData, tz: ZoneInfo, title: str = "") -> str:
    """The card; `title` names the tab it is shown under (the header says « · title»)."""
    app = data.application
    head = header(app) + (f" · {title}" if title else "")
    lines = [head, "", *details(app), *assessment_line(data)]
    final = decision_line(data, school_zone(app, tz))
    if final:
        lines += ["", *final]
    return fit("\n".join(lines))


def card_keyboard(
    app: Application,
    *,
    decider: bool,
    tab: str | None = None,
    groups: Sequence[Group] = (),
    more: bool = False,
) -> InlineKeyboardMarkup | None:
    """Decision buttons while the application is new; tabs once «Подробнее» was pressed.

    «Смена группы» is a director's tab while the application is new (PRODUCT.md §3.2).
    """
    builder = InlineKeyboardBuilder()
    seen = status_code(app.status)
    if decider and app.status is Status.NEW:
        builder.row(
            InlineKeyboardButton(
                text=texts.BTN_APPROVE,
                callback_data=CardCb(
                    action=CardAction.APPROVE, number=app.number, seen=seen
                ).pack(),
            ),
            InlineKeyboardButton(
                text=texts.BTN_CANCEL,
                callback_data=CardCb(action=CardAction.CANCEL, number=app.number, seen=seen).pack(),
            ),
        )
    if tab is None:
        # A decided card sent as news ends without buttons; one opened on purpose keeps «Подробнее».
        if builder.export() or more:
            builder.row(
                InlineKeyboardButton(
                    text=texts.BTN_MORE,
                    callback_data=CardCb(
                        action=CardAction.TAB, number=app.number, seen=seen, tab="i"
                    ).pack(),
                )
            )
    else:
        if tab == "g":
            for group in groups:
                builder.row(
                    InlineKeyboardButton(
                        text=group.name[:60],
                        callback_data=GroupCb(number=app.number, group=group.id).pack(),
                    )
                )
        tabs = dict(TABS)
        if decider and app.status is Status.NEW:
            tabs["g"] = texts.BTN_TAB_GROUP
        builder.row(
            *(
                InlineKeyboardButton(
                    text=("• " + label) if key == tab else label,
                    callback_data=CardCb(
                        action=CardAction.TAB, number=app.number, seen=seen, tab=key
                    ).pack(),
                )
                for key, label in tabs.items()
            )
        )
    if not builder.export():
        return None  # a decided card sent as news: no keyboard at all
    return builder.as_markup()
