"""Directors: «Заявки», «Одобрить все», the group change, the deputy (``director.ftl``)."""

from __future__ import annotations

from services.i18n import Language, catalogue
from services.labels import fold

__all__ = [
    "BTN_APPROVE_ALL",
    "BTN_CONFIRM",
    "BTN_NEXT",
    "BTN_PREV",
    "BTN_TAB_GROUP",
    "BULK_CANCELLED",
    "BULK_CONFIRM",
    "BULK_NOTHING",
    "DEPUTY_ASK_AGAIN",
    "DEPUTY_ASK_PERIOD",
    "DEPUTY_BAD_PERIOD",
    "DEPUTY_BTN_CONFIRM",
    "DEPUTY_BTN_NEW",
    "DEPUTY_BTN_NEXT",
    "DEPUTY_BTN_PREV",
    "DEPUTY_BTN_REVOKE",
    "DEPUTY_CONFIRM",
    "DEPUTY_DONE",
    "DEPUTY_LINE",
    "DEPUTY_LINE_ACTIVE",
    "DEPUTY_NONE",
    "DEPUTY_NOTICE",
    "DEPUTY_NOT_COLLEAGUE",
    "DEPUTY_NOT_DIRECTOR",
    "DEPUTY_NOT_FOUND",
    "DEPUTY_NO_COLLEAGUES",
    "DEPUTY_OUTDATED",
    "DEPUTY_OVERLAP",
    "DEPUTY_PICK",
    "DEPUTY_PICK_PAGE",
    "DEPUTY_PRESS_BUTTON",
    "DEPUTY_REVOKED",
    "DEPUTY_REVOKED_NOTICE",
    "DEPUTY_RIGHTS_ENDED",
    "DEPUTY_RIGHTS_NOT_BEGUN",
    "DEPUTY_RIGHTS_REVOKED",
    "DEPUTY_SCREEN",
    "DEPUTY_TEXT_ONLY",
    "GROUP_CHANGED",
    "GROUP_CHOOSE",
    "GROUP_NONE",
    "GROUP_REFUSED_PROGRAM",
    "GROUP_REFUSED_SAME",
    "LIST_ALL",
    "LIST_EMPTY",
    "LIST_NOT_DECIDER",
    "LIST_PAGE",
    "LIST_SEARCH",
    "LIST_TITLE",
    "SEARCH_EMPTY",
    "SEARCH_TOO_SHORT",
    "SMALL_TALK",
    "bulk_report",
    "group_refused_status",
]

_ru = catalogue(Language.RU)

# --- «Заявки» for directors (§4.2) ------------------------------------------------------------
LIST_TITLE = _ru.text("list-title")
LIST_ALL = _ru.text("list-all")
LIST_EMPTY = _ru.text("list-empty")
LIST_SEARCH = _ru.template("list-search")
LIST_PAGE = _ru.template("list-page")
LIST_NOT_DECIDER = _ru.text("list-not-decider")
SEARCH_TOO_SHORT = _ru.text("search-too-short")
SEARCH_EMPTY = _ru.text("search-empty")
SMALL_TALK = frozenset(fold(word) for word in _ru.text("search-small-talk").split(","))
BTN_APPROVE_ALL = _ru.text("btn-approve-all")
BTN_CONFIRM = _ru.text("btn-confirm")
BTN_PREV = _ru.text("btn-prev")
BTN_NEXT = _ru.text("btn-next")
BTN_TAB_GROUP = _ru.text("btn-tab-group")
BULK_CONFIRM = _ru.template("bulk-confirm")
BULK_NOTHING = _ru.text("bulk-nothing")
BULK_CANCELLED = _ru.text("bulk-cancelled")
GROUP_CHOOSE = _ru.template("group-choose")
GROUP_NONE = _ru.text("group-none")
GROUP_CHANGED = _ru.text("group-changed")
GROUP_REFUSED_PROGRAM = _ru.text("group-refused-program")
GROUP_REFUSED_SAME = _ru.template("group-refused-same")


def group_refused_status(number: int, status: str, allowed: list[str]) -> str:
    """«Группу … сейчас изменить нельзя» with the reason: the status it is in, and the statuses
    in which the group may be changed."""
    words = _ru.text("group-refused-or").join(f"«{label}»" for label in allowed)
    return _ru.text("group-refused-status", n=str(number), status=status, allowed=words)


def _sentence(text: str) -> str:
    """`text` with one closing mark: reasons come with their full stop or without."""
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def bulk_report(approved: int, skipped: list[tuple[int, str]]) -> str:
    if not skipped:
        return _ru.text("bulk-report", approved=str(approved))
    lines = "".join(
        "\n" + _ru.text("bulk-report-line", number=str(number), reason=_sentence(reason))
        for number, reason in skipped
    )
    return _ru.text(
        "bulk-report-skipped", approved=str(approved), skipped=str(len(skipped)), lines=lines
    )


# --- deputy (§4.2) ----------------------------------------------------------------------------
DEPUTY_NOT_DIRECTOR = _ru.text("deputy-not-director")
DEPUTY_SCREEN = _ru.template("deputy-screen")
DEPUTY_NONE = _ru.text("deputy-none")
DEPUTY_LINE = _ru.template("deputy-line")
DEPUTY_LINE_ACTIVE = _ru.text("deputy-line-active")
DEPUTY_BTN_NEW = _ru.text("deputy-btn-new")
DEPUTY_BTN_REVOKE = _ru.template("deputy-btn-revoke")
DEPUTY_BTN_CONFIRM = _ru.text("deputy-btn-confirm")
DEPUTY_BTN_PREV = BTN_PREV  # page arrows are the same on every screen
DEPUTY_BTN_NEXT = BTN_NEXT
DEPUTY_PICK = _ru.text("deputy-pick")
DEPUTY_PICK_PAGE = _ru.template("deputy-pick-page")
DEPUTY_NO_COLLEAGUES = _ru.text("deputy-no-colleagues")
DEPUTY_ASK_PERIOD = _ru.template("deputy-ask-period")
DEPUTY_BAD_PERIOD = {
    "format": _ru.template("deputy-bad-period-format"),
    "order": _ru.template("deputy-bad-period-order"),
    "past": _ru.template("deputy-bad-period-past"),
    "too_long": _ru.template("deputy-bad-period-too-long"),
}
DEPUTY_ASK_AGAIN = _ru.text("deputy-ask-again")
DEPUTY_TEXT_ONLY = _ru.template("deputy-text-only")
DEPUTY_CONFIRM = _ru.template("deputy-confirm")
DEPUTY_PRESS_BUTTON = _ru.text("deputy-press-button")
DEPUTY_DONE = _ru.template("deputy-done")
DEPUTY_REVOKED = _ru.template("deputy-revoked")
DEPUTY_NOT_COLLEAGUE = _ru.text("deputy-not-colleague")
DEPUTY_OVERLAP = _ru.template("deputy-overlap")
DEPUTY_NOT_FOUND = _ru.text("deputy-not-found")
DEPUTY_OUTDATED = _ru.text("deputy-outdated")
DEPUTY_RIGHTS_REVOKED = _ru.text("deputy-rights-revoked")
DEPUTY_RIGHTS_ENDED = _ru.template("deputy-rights-ended")
DEPUTY_RIGHTS_NOT_BEGUN = _ru.template("deputy-rights-not-begun")
DEPUTY_NOTICE = _ru.template("deputy-notice")
DEPUTY_REVOKED_NOTICE = _ru.template("deputy-revoked-notice")
