"""The card's tabs: «Комментарии» and «История» (the latest entries that fit), and the
information tab again with its title.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers import texts
from handlers.render.cards import (
    MAX_TEXT,
    card_text,
    cut_field,
    escaped,
    fit,
    fmt_time,
    header,
    who,
)
from models import HistoryAction, Status
from services.cards import CardData, Change
from services.i18n import Language, catalogue
from services.labels import STATUS_LABELS
from services.locality import school_zone

_t = catalogue(Language.RU).text


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
    tz = school_zone(app, tz)
    if tab == "c":
        body = [
            f"<b>{escaped(c.author.full_name if c.author else '—')}</b>, "
            f"{fmt_time(c.created_at, tz)}:\n{escaped(c.text)}"
            for c in data.comments
        ]
        title = header(app) + f" · {texts.BTN_TAB_COMMENTS}"
        return latest(title, body, _t("card-comments-empty"), "\n\n")
    if tab == "h":
        applicant = data.application.applicant_id
        body = [history_line(change, tz, applicant) for change in data.history]
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


def history_line(change: Change, tz: ZoneInfo, applicant_id: int | None = None) -> str:
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
    line = f"• {when} — {what} — {escaped(who(change, applicant_id=applicant_id))} ({via})"
    if entry.comment and entry.action is not HistoryAction.CREATED:
        line += f"\n  «{escaped(cut_field(entry.comment, 300))}»"
    return line


def _label(code: str | None) -> str:
    if code is not None and code in Status._value2member_map_:
        return STATUS_LABELS[Status(code)]
    return code or "—"
