"""Teachers: «Мои заявки», withdrawal, «Ответить» (``teacher.ftl``)."""

from __future__ import annotations

from services.i18n import Language, catalogue

__all__ = [
    "MY_BTN_NEXT",
    "MY_BTN_PREV",
    "MY_EMPTY",
    "MY_PAGE",
    "MY_TITLE",
    "REPLY_ABANDONED",
    "REPLY_PROMPT",
    "REPLY_SENT",
    "REPLY_TEXT_ONLY",
    "WITHDRAW_BTN",
    "WITHDRAW_DONE",
    "WITHDRAW_REASON_OPTIONAL",
    "WITHDRAW_REASON_PROMPT",
    "WITHDRAW_REASON_REQUIRED",
    "WITHDRAW_TEXT_ONLY",
    "WITHDRAW_TEXT_ONLY_REQUIRED",
]

_ru = catalogue(Language.RU)

# --- «Мои заявки» for teachers (§4.3) ---------------------------------------------------------
MY_TITLE = _ru.template("my-title")
MY_PAGE = _ru.template("my-page")
MY_EMPTY = _ru.text("my-empty")
MY_BTN_PREV = _ru.text("my-btn-prev")
MY_BTN_NEXT = _ru.text("my-btn-next")
WITHDRAW_BTN = _ru.text("withdraw-btn")
# «Отозвать заявку» opens this prompt at once: it is the confirmation, «Назад» leaves it.
WITHDRAW_REASON_PROMPT = _ru.template("withdraw-reason-prompt")
WITHDRAW_DONE = _ru.template("withdraw-done")
WITHDRAW_TEXT_ONLY = _ru.text("withdraw-text-only")
WITHDRAW_TEXT_ONLY_REQUIRED = _ru.text("withdraw-text-only-required")
WITHDRAW_REASON_OPTIONAL = _ru.text("withdraw-reason-optional")
WITHDRAW_REASON_REQUIRED = _ru.text("withdraw-reason-required")
REPLY_PROMPT = _ru.template("reply-prompt")
REPLY_SENT = _ru.template("reply-sent")
REPLY_ABANDONED = _ru.template("reply-abandoned")
REPLY_TEXT_ONLY = _ru.text("reply-text-only")
