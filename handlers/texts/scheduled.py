"""Scheduled messages: digest, reminders, escalation, deadlines (``scheduled.ftl``)."""

from __future__ import annotations

from services.i18n import Language, catalogue

__all__ = [
    "DEADLINE_LINE",
    "DEADLINE_TITLE",
    "DIGEST_AGE",
    "DIGEST_AGE_TODAY",
    "DIGEST_HINT",
    "DIGEST_HINT_LAST",
    "DIGEST_LINE",
    "DIGEST_PART",
    "DIGEST_SUMMARY",
    "DIGEST_TITLE",
    "ESCALATE_LINE",
    "ESCALATE_MUNICIPALITY",
    "ESCALATE_NO_MUNICIPALITY",
    "ESCALATE_SCHOOL",
    "ESCALATE_SUMMARY",
    "ESCALATE_TITLE",
    "REMIND_AGE",
    "REMIND_LINE",
    "REMIND_TITLE",
    "days",
    "working_days_after",
]

_ru = catalogue(Language.RU)

# --- Scheduled messages: digest, reminders, escalation, deadlines (§5) ------------------------
DIGEST_TITLE = _ru.template("digest-title")
DIGEST_PART = _ru.template("digest-part")
DIGEST_SUMMARY = _ru.template("digest-summary")
DIGEST_AGE_TODAY = _ru.text("digest-age-today")
DIGEST_AGE = _ru.template("digest-age")


def days(count: int) -> str:
    """«1 день», «2 дня», «5 дней» (how long an application has waited)."""
    return _ru.text("days", count=count)


DIGEST_HINT = _ru.text("digest-hint")
DIGEST_HINT_LAST = _ru.text("digest-hint-last")
DIGEST_LINE = _ru.template("digest-line")
REMIND_TITLE = _ru.template("remind-title")


def working_days_after(count: int) -> str:
    """«больше 1 рабочего дня», «больше 5 рабочих дней»: the words after «больше»."""
    return _ru.text("working-days-after", count=count)


REMIND_LINE = _ru.template("remind-line")
REMIND_AGE = _ru.template("remind-age")
ESCALATE_TITLE = _ru.template("escalate-title")
ESCALATE_SUMMARY = _ru.template("escalate-summary")
ESCALATE_MUNICIPALITY = _ru.template("escalate-municipality")
ESCALATE_NO_MUNICIPALITY = _ru.text("escalate-no-municipality")
ESCALATE_SCHOOL = _ru.template("escalate-school")
ESCALATE_LINE = _ru.template("escalate-line")
DEADLINE_TITLE = _ru.template("deadline-title")
DEADLINE_LINE = _ru.template("deadline-line")
