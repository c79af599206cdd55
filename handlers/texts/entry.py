"""The way in: consent, /start and /help, /cancel, linking an account (``entry.ftl``)."""

from __future__ import annotations

from html import escape

from models import Role
from services.i18n import Language, catalogue
from services.labels import ROLE_LABELS

__all__ = [
    "BTN_CONSENT",
    "BTN_SHARE_PHONE",
    "BUTTON_OUTDATED",
    "CANCELLED",
    "COMMANDS",
    "CONSENT",
    "CONSENT_ALREADY",
    "CONSENT_FIRST",
    "CONSENT_REMINDER",
    "CONSENT_THANKS",
    "ERROR",
    "FORGET_ASK",
    "FORGET_DONE",
    "FORGET_KEPT",
    "HELP",
    "HOW_TO_GET_ACCESS",
    "LINK_ACCOUNT_TAKEN",
    "LINK_BAD_CODE",
    "LINK_FIRST",
    "LINK_NOT_OWN_CONTACT",
    "LINK_PERSON_TAKEN",
    "LINK_PHONE_AMBIGUOUS",
    "LINK_PHONE_NOT_FOUND",
    "LINK_PROMPT",
    "LINK_TOO_MANY",
    "MOVED_AWAY",
    "NOTHING_TO_CANCEL",
    "REGIONAL_SYSTEM",
    "STAFF_ONLY",
    "UNKNOWN",
    "address",
    "greeting",
    "waiting_applications",
]

_ru = catalogue(Language.RU)

BTN_CONSENT = _ru.text("btn-consent")

CONSENT = _ru.text("consent")
CONSENT_FIRST = _ru.text("consent-first")
CONSENT_REMINDER = _ru.text("consent-reminder")
CONSENT_THANKS = _ru.text("consent-thanks")
CONSENT_ALREADY = _ru.text("consent-already")

# The regional system, named one way in every text about getting access.
REGIONAL_SYSTEM = _ru.text("regional-system")
# An account not linked yet gets this one message (with the «Поделиться номером» keyboard),
# whatever it sends.
HOW_TO_GET_ACCESS = _ru.text("how-to-get-access")

ERROR = _ru.text("error")
STAFF_ONLY = _ru.template("staff-only")

FORGET_ASK = _ru.text("forget-ask")
FORGET_DONE = _ru.text("forget-done")
MOVED_AWAY = _ru.text("moved-away")
FORGET_KEPT = _ru.text("forget-kept")

COMMANDS = {
    "start": _ru.text("commands-start"),
    "help": _ru.text("commands-help"),
    "cancel": _ru.text("commands-cancel"),
}


def address(full_name: str) -> str:
    """How a person is addressed: «Фамилия Имя Отчество» → «Имя Отчество».

    Two words are taken as «Фамилия Имя» (the name alone); one word is used as it is.
    """
    words = full_name.split()
    if len(words) >= 3:
        return " ".join(words[1:])
    if len(words) == 2:
        return words[1]
    return full_name.strip()


def greeting(full_name: str, roles: list[Role]) -> str:
    """The greeting; `roles` are the roles held, the active one first (as /help names it)."""
    name = escape(address(full_name))
    if len(roles) <= 1:
        role = ROLE_LABELS[roles[0]] if roles else _ru.text("no-role")
        return _ru.text("greeting-one-role", name=name, role=escape(role))
    active, *others = (escape(ROLE_LABELS[r]) for r in roles)
    return _ru.text("greeting-several-roles", name=name, active=active, others=", ".join(others))


CANCELLED = _ru.text("cancelled")
NOTHING_TO_CANCEL = _ru.text("nothing-to-cancel")
HELP = _ru.text("help")
UNKNOWN = _ru.text("unknown")
BUTTON_OUTDATED = _ru.text("button-outdated")

# --- linking (§4.1) ---------------------------------------------------------------------------
BTN_SHARE_PHONE = _ru.text("btn-share-phone")
LINK_PROMPT = _ru.text("link-prompt")
LINK_BAD_CODE = {
    "unknown": _ru.text("link-bad-code-unknown"),
    "used": _ru.text("link-bad-code-used"),
    "expired": _ru.text("link-bad-code-expired"),
}
LINK_TOO_MANY = _ru.text("link-too-many")
LINK_ACCOUNT_TAKEN = _ru.text("link-account-taken")
LINK_NOT_OWN_CONTACT = _ru.text("link-not-own-contact")
LINK_PHONE_NOT_FOUND = _ru.text("link-phone-not-found")
LINK_PHONE_AMBIGUOUS = _ru.text("link-phone-ambiguous")
LINK_PERSON_TAKEN = _ru.text("link-person-taken")
LINK_FIRST = _ru.text("link-first")


def waiting_applications(count: int) -> str:
    return _ru.text("waiting-applications", count=str(count))
