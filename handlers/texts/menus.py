"""Menus: the reply-keyboard buttons of each role, the commands, /help, /role (``menus.ftl``)."""

from __future__ import annotations

from models import Role
from services.i18n import Language, catalogue

__all__ = [
    "BTN_MENU_APPLICATIONS",
    "BTN_MENU_DEPUTY",
    "BTN_MENU_HELP",
    "BTN_MENU_MY",
    "BTN_MENU_ROLE",
    "BTN_MENU_SETTINGS",
    "BTN_REPLY",
    "MENU_COMMANDS",
    "MENU_HELP_COMMANDS",
    "MENU_HELP_FOOTER",
    "MENU_HELP_INTRO",
    "MENU_SHOWN",
    "ROLE_CHOOSE",
    "ROLE_CURRENT_MARK",
    "ROLE_NOT_HELD",
    "ROLE_ONLY_ONE",
    "ROLE_SWITCHED",
]

_ru = catalogue(Language.RU)

# --- menus (§4.6, §4.7): the reply-keyboard buttons of each role ------------------------------
BTN_MENU_APPLICATIONS = _ru.text("btn-menu-applications")
BTN_MENU_MY = _ru.text("btn-menu-my")
BTN_MENU_DEPUTY = _ru.text("btn-menu-deputy")
BTN_MENU_SETTINGS = _ru.text("btn-menu-settings")
BTN_MENU_ROLE = _ru.text("btn-menu-role")
BTN_MENU_HELP = _ru.text("btn-menu-help")
BTN_REPLY = _ru.text("btn-reply")

# --- roles, menus and per-role help (§2, §4.6) ------------------------------------------------
MENU_COMMANDS = {
    "applications": _ru.text("menu-commands-applications"),
    "my": _ru.text("menu-commands-my"),
    "deputy": _ru.text("menu-commands-deputy"),
    "queue": _ru.text("menu-commands-queue"),
    "overview": _ru.text("menu-commands-overview"),
    "export": _ru.text("menu-commands-export"),
    "assess": _ru.text("menu-commands-assess"),
    "settings": _ru.text("menu-commands-settings"),
    "role": _ru.text("menu-commands-role"),
    "cancel": _ru.text("menu-commands-cancel"),
    "help": _ru.text("menu-commands-help"),
}
MENU_HELP_INTRO = {
    Role.DIRECTOR: _ru.text("menu-help-intro-director"),
    Role.TEACHER: _ru.text("menu-help-intro-teacher"),
    Role.STAFF: _ru.text("menu-help-intro-staff"),
}
MENU_HELP_COMMANDS = _ru.text("menu-help-commands")
MENU_HELP_FOOTER = _ru.text("menu-help-footer")
MENU_SHOWN = _ru.text("menu-shown")
ROLE_CHOOSE = _ru.template("role-choose")
ROLE_CURRENT_MARK = _ru.text("role-current-mark")
ROLE_ONLY_ONE = _ru.template("role-only-one")
ROLE_SWITCHED = _ru.template("role-switched")
ROLE_NOT_HELD = _ru.text("role-not-held")
