"""How an application looks in a chat: the card, its tabs, the teacher's notification."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from handlers import texts
from handlers.director.callbacks import CardAction, CardCb, GroupCb, status_code
from models import Application, Group, HistoryAction, Status
from services.cards import CardData, Change
from services.i18n import Language, catalogue
from services.labels import KIND_LABELS, STATUS_LABELS

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


def _cut(value: str, limit: int = MAX_FIELD) -> str:
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
        ("group-description", _cut(group.description) if group.description else ""),
        ("hours", _t("card-hours", hours=str(program.hours)) if program.hours else ""),
        ("dates", dates),
        ("form", program.form),
        ("categories", _cut(program.categories)),
        ("competencies", _cut(program.competencies)),
        ("provider", _cut(program.provider)),
        ("submitted", fmt_date(app.submitted_on)),
    ]
    return [
        _t("card-field", label=_t(f"card-field-{field}"), value=escaped(value))
        for field, value in rows
        if value
    ]


def who(change: Change, *, role_named: bool = False) -> str:
    """«Имя (роль)»; without the role when the words before already name it (`role_named`)."""
    role = "" if role_named else CAPACITY_WORDS.get(change.entry.actor_role or "", "")
    name = change.actor_name or ""
    if change.on_behalf_of_name:
        role = _t("card-on-behalf", role=role, name=change.on_behalf_of_name)
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
        lines.append(_t("card-comment", comment=escaped(_cut(change.entry.comment, 1000))))
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
    final = decision_line(data, tz)
    if final:
        lines += ["", *final]
    return fit("\n".join(lines))


def latest(title: str, items: list[str], empty: str, sep: str) -> str:
    """The newest items that fit one message, oldest first; a note says how many are left out.

    A long history is shown from its end, which is what a reader opens it for; nothing is cut
    in the middle of an entry.
    """
    if not items:
        return f"{title}{sep}{empty}"
    kept: list[str] = []
    size = len(title) + 80
    for item in reversed(items):
        if size + len(item) + len(sep) > MAX_TEXT and kept:
            break
        kept.append(item)
        size += len(item) + len(sep)
    kept.reverse()
    if len(kept) < len(items):
        title += sep + _t("card-latest", kept=str(len(kept)), total=str(len(items)))
    return fit(sep.join([title, *kept]))


def tab_text(data: CardData, tab: str, tz: ZoneInfo) -> str:
    app = data.application
    if tab == "c":
        body = [
            f"<b>{escaped(c.author.full_name if c.author else '—')}</b>, "
            f"{fmt_time(c.created_at, tz)}:\n{escaped(c.text)}"
            for c in data.comments
        ]
        title = header(app) + f" · {texts.BTN_TAB_COMMENTS}"
        return latest(title, body, _t("card-comments-empty"), "\n\n")
    if tab == "h":
        body = [history_line(change, tz) for change in data.history]
        title = header(app) + f" · {texts.BTN_TAB_HISTORY}\n"
        return latest(title, body, _t("card-history-empty"), "\n")
    if tab == "g":
        choose = texts.GROUP_CHOOSE.format(group=escaped(app.group.name))
        return fit(
            "\n\n".join(
                [
                    header(app) + f" · {texts.BTN_TAB_GROUP}",
                    choose if data.other_groups else texts.GROUP_NONE,
                ]
            )
        )
    return card_text(data, tz, texts.BTN_TAB_INFO)


CHANNEL_WORDS = {key: _t(f"card-channel-{key}") for key in ("bot", "import", "api", "system")}


def history_line(change: Change, tz: ZoneInfo) -> str:
    entry = change.entry
    when = fmt_time(entry.created_at, tz)
    via = CHANNEL_WORDS.get(entry.channel.value, entry.channel.value)
    if entry.action is HistoryAction.CREATED:
        what = _t("card-history-created", status=escaped(_label(entry.to_value)))
    elif entry.action is HistoryAction.STATUS:
        before, after = escaped(_label(entry.from_value)), escaped(_label(entry.to_value))
        what = _t("card-history-status", **{"from": before, "to": after})
    elif entry.action is HistoryAction.GROUP:
        before, after = escaped(entry.from_value or ""), escaped(entry.to_value or "")
        what = _t("card-history-group", **{"from": before, "to": after})
    else:
        what = _t("card-history-comment")
    line = f"• {when} — {what} — {escaped(who(change))} ({via})"
    if entry.comment and entry.action is not HistoryAction.CREATED:
        line += f"\n  «{escaped(_cut(entry.comment, 300))}»"
    return line


def _label(code: str | None) -> str:
    if code is not None and code in Status._value2member_map_:
        return STATUS_LABELS[Status(code)]
    return code or "—"


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
    rows: list[list[InlineKeyboardButton]] = []
    seen = status_code(app.status)
    if decider and app.status is Status.NEW:
        rows.append(
            [
                InlineKeyboardButton(
                    text=texts.BTN_APPROVE,
                    callback_data=CardCb(
                        action=CardAction.APPROVE, number=app.number, seen=seen
                    ).pack(),
                ),
                InlineKeyboardButton(
                    text=texts.BTN_CANCEL,
                    callback_data=CardCb(
                        action=CardAction.CANCEL, number=app.number, seen=seen
                    ).pack(),
                ),
            ]
        )
    if tab is None:
        # A decided card sent as news ends without buttons; one opened on purpose keeps «Подробнее».
        if rows or more:
            rows.append(
                [
                    InlineKeyboardButton(
                        text=texts.BTN_MORE,
                        callback_data=CardCb(
                            action=CardAction.TAB, number=app.number, seen=seen, tab="i"
                        ).pack(),
                    )
                ]
            )
    else:
        if tab == "g":
            rows += [
                [
                    InlineKeyboardButton(
                        text=group.name[:60],
                        callback_data=GroupCb(number=app.number, group=group.id).pack(),
                    )
                ]
                for group in groups
            ]
        tabs = dict(TABS)
        if decider and app.status is Status.NEW:
            tabs["g"] = texts.BTN_TAB_GROUP
        rows.append(
            [
                InlineKeyboardButton(
                    text=("• " + label) if key == tab else label,
                    callback_data=CardCb(
                        action=CardAction.TAB, number=app.number, seen=seen, tab=key
                    ).pack(),
                )
                for key, label in tabs.items()
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
