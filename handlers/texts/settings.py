"""Personal settings: /settings (``settings.ftl``)."""

from __future__ import annotations

from services.i18n import Language, catalogue

__all__ = [
    "SETTINGS_ASK_DIGEST",
    "SETTINGS_ASK_QUIET",
    "SETTINGS_BAD_DIGEST",
    "SETTINGS_BAD_QUIET",
    "SETTINGS_BTN_DIGEST",
    "SETTINGS_BTN_INSTANT",
    "SETTINGS_BTN_QUIET",
    "SETTINGS_DEFAULT",
    "SETTINGS_INSTANT",
    "SETTINGS_OFF_WORDS",
    "SETTINGS_QUIET_OFF",
    "SETTINGS_SAVED",
    "SETTINGS_SCREEN",
    "SETTINGS_SCREEN_TEACHER",
    "SETTINGS_TEXT_ONLY",
]

_ru = catalogue(Language.RU)

# --- personal settings (§4.5, §5) -------------------------------------------------------------
SETTINGS_SCREEN = _ru.template("settings-screen")
SETTINGS_SCREEN_TEACHER = _ru.template("settings-screen-teacher")
SETTINGS_DEFAULT = _ru.text("settings-default")
SETTINGS_INSTANT = {
    True: _ru.text("settings-instant-on"),
    False: _ru.text("settings-instant-off"),
}
SETTINGS_QUIET_OFF = _ru.text("settings-quiet-off")
SETTINGS_BTN_DIGEST = _ru.text("settings-btn-digest")
# The toggle names what a press will do.
SETTINGS_BTN_INSTANT = {
    True: _ru.text("settings-btn-instant-on"),
    False: _ru.text("settings-btn-instant-off"),
}
SETTINGS_BTN_QUIET = _ru.text("settings-btn-quiet")
SETTINGS_ASK_DIGEST = _ru.text("settings-ask-digest")
SETTINGS_ASK_QUIET = _ru.text("settings-ask-quiet")
SETTINGS_BAD_DIGEST = _ru.template("settings-bad-digest")
SETTINGS_BAD_QUIET = _ru.template("settings-bad-quiet")
SETTINGS_TEXT_ONLY = _ru.text("settings-text-only")
SETTINGS_OFF_WORDS = frozenset(_ru.text("settings-off-words").split())
SETTINGS_SAVED = _ru.text("settings-saved")
