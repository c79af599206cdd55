"""What the applicant is told when their application changes: status, group, a comment."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.render.cards import (
    STATUS_ICON,
    escaped,
    fit,
    fmt_date,
    fmt_time,
    who,
)
from models import Application, Status
from services.cards import Change
from services.i18n import Language, catalogue
from services.labels import STATUS_LABELS
from services.locality import school_zone

_t = catalogue(Language.RU).text


def status_notification(app: Application, change: Change, tz: ZoneInfo) -> str:
    """What the applicant is told of a change of their application."""
    tz = school_zone(app, tz)
    entry = change.entry
    status = Status(entry.to_value) if entry.to_value else app.status
    lines = [
        _t(
            "notice-status",
            icon=STATUS_ICON[status],
            number=str(app.number),
            status=escaped(STATUS_LABELS[status]),
        ),
        _t("notice-applicant", name=escaped(app.applicant.full_name)),
        _t("notice-program", title=escaped(app.group.program.title)),
        _t("notice-group", name=escaped(app.group.name)),
    ]
    lines += _study_dates(app)
    if entry.comment:
        lines.append(_t("card-comment", comment=escaped(entry.comment)))
    when = fmt_time(entry.created_at, tz)
    lines.append(_t("notice-decision", who=escaped(who(change)), when=when))
    return fit("\n".join(lines))


def comment_notification(app: Application, change: Change, tz: ZoneInfo) -> str:
    tz = school_zone(app, tz)
    entry = change.entry
    return fit(
        _t(
            "notice-comment",
            number=str(app.number),
            program=escaped(app.group.program.title),
            who=escaped(who(change)),
            when=fmt_time(entry.created_at, tz),
            comment=escaped(entry.comment or ""),
        )
    )


def group_notification(app: Application, change: Change, tz: ZoneInfo) -> str:
    tz = school_zone(app, tz)
    entry = change.entry
    lines = [
        _t("notice-group-changed", number=str(app.number), group=escaped(entry.to_value or "")),
        _t("notice-group-was", group=escaped(entry.from_value or "")),
        _t("notice-program", title=escaped(app.group.program.title)),
        *_study_dates(app),
    ]
    when = fmt_time(entry.created_at, tz)
    lines.append(_t("notice-group-by", who=escaped(who(change)), when=when))
    return fit("\n".join(lines))


def _study_dates(app: Application) -> list[str]:
    if not (app.group.study_start or app.group.study_end):
        return []
    start, end = fmt_date(app.group.study_start), fmt_date(app.group.study_end)
    return [_t("notice-dates", start=start, end=end)]
