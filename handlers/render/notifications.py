"""What the applicant is told when their application changes: status, group, a comment."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers import texts
from handlers.render.cards import _e, fit, fmt_date, fmt_time, who
from models import Application, Status
from services.cards import Change
from services.labels import STATUS_LABELS

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
    "director": "руководитель ОО",
    "deputy": "заместитель руководителя ОО",
    "staff": "работник ЧИРО",
    "teacher": "заявитель",
    "system": "загрузка из ГИС",
}
TABS = {"i": texts.BTN_TAB_INFO, "c": texts.BTN_TAB_COMMENTS, "h": texts.BTN_TAB_HISTORY}


def status_notification(app: Application, change: Change, tz: ZoneInfo) -> str:
    """What the applicant is told of a change of their application."""
    entry = change.entry
    status = Status(entry.to_value) if entry.to_value else app.status
    lines = [
        f"{STATUS_ICON[status]} <b>Заявка №{app.number}</b>: новый статус — "
        f"<b>{_e(STATUS_LABELS[status])}</b>",
        f"<b>Заявитель:</b> {_e(app.applicant.full_name)}",
        f"<b>Программа:</b> {_e(app.group.program.title)}",
        f"<b>Группа:</b> {_e(app.group.name)}",
    ]
    if app.group.study_start or app.group.study_end:
        lines.append(
            f"<b>Даты обучения:</b> {fmt_date(app.group.study_start)} – "
            f"{fmt_date(app.group.study_end)}"
        )
    if entry.comment:
        lines.append(f"<b>Комментарий:</b> {_e(entry.comment)}")
    lines.append(f"<b>Решение:</b> {_e(who(change))}, {fmt_time(entry.created_at, tz)}")
    return fit("\n".join(lines))


def comment_notification(app: Application, change: Change, tz: ZoneInfo) -> str:
    entry = change.entry
    return fit(
        f"💬 <b>Комментарий к заявке №{app.number}</b>\n"
        f"<b>Программа:</b> {_e(app.group.program.title)}\n"
        f"<b>От:</b> {_e(who(change))}, {fmt_time(entry.created_at, tz)}\n\n"
        f"{_e(entry.comment or '')}"
    )


def group_notification(app: Application, change: Change, tz: ZoneInfo) -> str:
    entry = change.entry
    lines = [
        f"🔁 <b>Заявка №{app.number}</b>: новая группа — <b>{_e(entry.to_value or '')}</b>",
        f"<b>Было:</b> {_e(entry.from_value or '')}",
        f"<b>Программа:</b> {_e(app.group.program.title)}",
    ]
    if app.group.study_start or app.group.study_end:
        lines.append(
            f"<b>Даты обучения:</b> {fmt_date(app.group.study_start)} – "
            f"{fmt_date(app.group.study_end)}"
        )
    lines.append(f"<b>Изменил(а):</b> {_e(who(change))}, {fmt_time(entry.created_at, tz)}")
    return fit("\n".join(lines))
