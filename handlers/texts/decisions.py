"""Cards and decisions: the card's buttons, the comment prompt, refusals (``decisions.ftl``)."""

from __future__ import annotations

from services.i18n import Language, catalogue

__all__ = [
    "BTN_APPROVE",
    "BTN_BACK",
    "BTN_CANCEL",
    "BTN_MORE",
    "BTN_NO_COMMENT",
    "BTN_TAB_COMMENTS",
    "BTN_TAB_HISTORY",
    "BTN_TAB_INFO",
    "BTN_UNDO",
    "COMMENT_TEXT_ONLY",
    "COMMENT_TOO_LONG",
    "DECISION_ABANDONED",
    "DECISION_APPLIED_NOTE",
    "DECISION_DONE",
    "DECISION_VERB",
    "NOT_ALLOWED",
    "NOT_FOUND",
    "OWN_APPLICATION",
    "PRECONDITION",
    "PRECONDITION_NO_DATA",
    "REASON_REQUIRED",
    "STALE",
    "TRANSITION_REFUSED",
    "UNDO_DONE",
    "UNDO_EXPIRED",
    "UNDO_HINT",
    "UNDO_OVERTAKEN",
    "comment_prompt",
]

_ru = catalogue(Language.RU)

# --- cards and decisions (§4.2) ---------------------------------------------------------------
BTN_APPROVE = _ru.text("btn-approve")
BTN_CANCEL = _ru.text("btn-cancel")
BTN_MORE = _ru.text("btn-more")
BTN_NO_COMMENT = _ru.text("btn-no-comment")
BTN_BACK = _ru.text("btn-back")
BTN_TAB_INFO = _ru.text("btn-tab-info")
BTN_TAB_COMMENTS = _ru.text("btn-tab-comments")
BTN_TAB_HISTORY = _ru.text("btn-tab-history")

DECISION_VERB = {
    "approved": _ru.text("decision-verb-approved"),
    "cancelled": _ru.text("decision-verb-cancelled"),
}
BTN_UNDO = _ru.text("btn-undo")
UNDO_HINT = _ru.template("undo-hint")
UNDO_DONE = _ru.template("undo-done")
UNDO_EXPIRED = _ru.template("undo-expired")
UNDO_OVERTAKEN = _ru.template("undo-overtaken")
DECISION_DONE = {
    "approved": _ru.template("decision-done-approved"),
    "cancelled": _ru.template("decision-done-cancelled"),
}


def comment_prompt(number: int, target: str, reason_required: bool) -> str:
    message = "comment-prompt-reason" if reason_required else "comment-prompt-comment"
    return _ru.text(message, verb=DECISION_VERB[target], number=str(number))


COMMENT_TOO_LONG = _ru.template("comment-too-long")
REASON_REQUIRED = _ru.text("reason-required")
DECISION_ABANDONED = _ru.template("decision-abandoned")
DECISION_APPLIED_NOTE = _ru.text("decision-applied-note")
NOT_ALLOWED = _ru.template("not-allowed")
NOT_FOUND = _ru.template("not-found")
OWN_APPLICATION = _ru.template("own-application")
STALE = _ru.template("stale")
TRANSITION_REFUSED = _ru.template("transition-refused")
PRECONDITION = _ru.template("precondition")
PRECONDITION_NO_DATA = _ru.text("precondition-no-data")
COMMENT_TEXT_ONLY = _ru.text("comment-text-only")
