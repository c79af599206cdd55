"""Every Russian text the bot shows, by the names the handlers use (values are escaped by callers).

The words themselves live in ``locales/ru/*.ftl`` (a file per part of the bot); this module
only names them. A constant is a plain text, a `Template` where the handler fills in values
(``.format(n=…)`` as before), or a function where the text depends on a number (Russian
plurals, chosen by Fluent) or on a list.
Every message is looked up when the module is imported, so a missing one fails at start-up.
"""

from __future__ import annotations

from html import escape

from models import Role
from services.i18n import Language, catalogue
from services.labels import ROLE_LABELS

_ru = catalogue(Language.RU)

BTN_CONSENT = _ru.text("btn-consent")

CONSENT = _ru.text("consent")
CONSENT_FIRST = _ru.text("consent-first")
CONSENT_THANKS = _ru.text("consent-thanks")
CONSENT_ALREADY = _ru.text("consent-already")

# The regional system, named one way in every text about getting access.
REGIONAL_SYSTEM = _ru.text("regional-system")
# An account not linked yet gets this one message (with the «Поделиться номером» keyboard),
# whatever it sends.
HOW_TO_GET_ACCESS = _ru.text("how-to-get-access")

ERROR = _ru.text("error")

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
STALE = _ru.template("stale")
TRANSITION_REFUSED = _ru.template("transition-refused")
PRECONDITION = _ru.template("precondition")
PRECONDITION_NO_DATA = _ru.text("precondition-no-data")
COMMENT_TEXT_ONLY = _ru.text("comment-text-only")

# --- menus (§4.6, §4.7): the reply-keyboard buttons of each role ------------------------------
BTN_MENU_APPLICATIONS = _ru.text("btn-menu-applications")
BTN_MENU_MY = _ru.text("btn-menu-my")
BTN_MENU_DEPUTY = _ru.text("btn-menu-deputy")
BTN_MENU_SETTINGS = _ru.text("btn-menu-settings")
BTN_MENU_ROLE = _ru.text("btn-menu-role")
BTN_MENU_HELP = _ru.text("btn-menu-help")
BTN_REPLY = _ru.text("btn-reply")

# --- «Заявки» for directors (§4.2) ------------------------------------------------------------
LIST_TITLE = _ru.text("list-title")
LIST_ALL = _ru.text("list-all")
LIST_SHORT_STATUS = {
    "new": _ru.text("list-short-status-new"),
    "approved": _ru.text("list-short-status-approved"),
    "cancelled": _ru.text("list-short-status-cancelled"),
    "included": _ru.text("list-short-status-included"),
}
LIST_EMPTY = _ru.text("list-empty")
LIST_SEARCH = _ru.template("list-search")
LIST_PAGE = _ru.template("list-page")
LIST_NOT_DECIDER = _ru.text("list-not-decider")
SEARCH_TOO_SHORT = _ru.text("search-too-short")
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
GROUP_REFUSED = _ru.text("group-refused")


def bulk_report(approved: int, skipped: list[tuple[int, str]]) -> str:
    if not skipped:
        return _ru.text("bulk-report", approved=str(approved))
    lines = "".join(
        "\n" + _ru.text("bulk-report-line", number=str(number), reason=reason)
        for number, reason in skipped
    )
    return _ru.text(
        "bulk-report-skipped", approved=str(approved), skipped=str(len(skipped)), lines=lines
    )


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
REPLY_PROMPT = _ru.template("reply-prompt")
REPLY_SENT = _ru.template("reply-sent")
REPLY_ABANDONED = _ru.template("reply-abandoned")
REPLY_TEXT_ONLY = _ru.text("reply-text-only")

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

# --- personal settings (§4.5, §5) -------------------------------------------------------------
SETTINGS_SCREEN = _ru.template("settings-screen")
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
DEPUTY_NOTICE = _ru.template("deputy-notice")
DEPUTY_REVOKED_NOTICE = _ru.template("deputy-revoked-notice")

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

# --- Staff of the regional institute: queue, assessment, overview, files (§4.4, §7.3) ----------
BTN_MENU_STAFF_QUEUE = _ru.text("btn-menu-staff-queue")
BTN_MENU_STAFF_OVERVIEW = _ru.text("btn-menu-staff-overview")
BTN_MENU_STAFF_EXPORT = _ru.text("btn-menu-staff-export")
STAFF_QUEUE_TITLE = _ru.template("staff-queue-title")
STAFF_QUEUE_PAGE = _ru.template("staff-queue-page")
STAFF_QUEUE_EMPTY = _ru.text("staff-queue-empty")
STAFF_FILTER_MUNICIPALITY = _ru.text("staff-filter-municipality")
STAFF_FILTER_SCHOOL = _ru.text("staff-filter-school")
STAFF_FILTER_PROGRAM = _ru.text("staff-filter-program")
STAFF_FILTER_GROUP = _ru.text("staff-filter-group")
STAFF_FILTER_LINE = _ru.template("staff-filter-line")
STAFF_FILTER_CHOOSE = _ru.template("staff-filter-choose")
STAFF_FILTER_NONE = _ru.text("staff-filter-none")
STAFF_BTN_ANY = _ru.text("staff-btn-any")
STAFF_BTN_RESET = _ru.text("staff-btn-reset")
STAFF_BTN_INCLUDE = _ru.text("staff-btn-include")
STAFF_BTN_INCLUDE_ALL = _ru.template("staff-btn-include-all")
STAFF_BTN_CANCEL = _ru.text("staff-btn-cancel")
STAFF_BTN_GROUP = _ru.text("staff-btn-group")
STAFF_BTN_TO_CARD = _ru.text("staff-btn-to-card")
STAFF_INCLUDE_CONFIRM = _ru.template("staff-include-confirm")
STAFF_INCLUDED = _ru.template("staff-included")
STAFF_INCLUDE_ALL_CONFIRM = _ru.template("staff-include-all-confirm")
STAFF_INCLUDE_ALL_CANCELLED = _ru.text("staff-include-all-cancelled")
STAFF_INCLUDE_ALL_NOTHING = _ru.text("staff-include-all-nothing")
STAFF_INCLUDE_ALL_DONE = _ru.template("staff-include-all-done")
STAFF_INCLUDE_ALL_SKIPPED = _ru.template("staff-include-all-skipped")
STAFF_GROUP_CHOOSE = _ru.template("staff-group-choose")
STAFF_GROUP_NONE = _ru.text("staff-group-none")
STAFF_NOT_STAFF = _ru.text("staff-not-staff")
STAFF_ASSESS_USAGE = _ru.text("staff-assess-usage")
STAFF_ASSESS_NOT_FOUND = _ru.template("staff-assess-not-found")
STAFF_ASSESS_NO_SECTIONS = _ru.text("staff-assess-no-sections")
STAFF_ASSESS_TITLE = _ru.template("staff-assess-title")
STAFF_ASSESS_SAVED = _ru.text("staff-assess-saved")
STAFF_OVERVIEW_TITLE = _ru.text("staff-overview-title")
STAFF_OVERVIEW_TOTAL = _ru.template("staff-overview-total")
STAFF_OVERVIEW_MUNICIPALITIES = _ru.text("staff-overview-municipalities")
STAFF_OVERVIEW_SCHOOLS = _ru.text("staff-overview-schools")
STAFF_OVERVIEW_NO_MUNICIPALITY = _ru.text("staff-overview-no-municipality")
STAFF_OVERVIEW_ESCALATED = _ru.template("staff-overview-escalated")
STAFF_OVERVIEW_ESCALATED_NONE = _ru.text("staff-overview-escalated-none")
STAFF_OVERVIEW_ESCALATED_LINE = _ru.template("staff-overview-escalated-line")
STAFF_OVERVIEW_DIRECTOR = _ru.template("staff-overview-director")
STAFF_OVERVIEW_REACHABLE = _ru.text("staff-overview-reachable")
STAFF_OVERVIEW_UNREACHABLE = _ru.text("staff-overview-unreachable")
STAFF_OVERVIEW_NO_DIRECTOR = _ru.text("staff-overview-no-director")
STAFF_OVERVIEW_EMPTY = _ru.text("staff-overview-empty")
STAFF_CHART_CAPTION = _ru.text("staff-chart-caption")
STAFF_CHART_TITLE = _ru.text("staff-chart-title")
STAFF_FILE_NOT_STAFF = _ru.text("staff-file-not-staff")
STAFF_FILE_TOO_BIG = _ru.text("staff-file-too-big")
STAFF_FILE_KIND = _ru.text("staff-file-kind")
STAFF_FILE_RECEIVED = _ru.template("staff-file-received")
STAFF_FILE_DONE = _ru.template("staff-file-done")
STAFF_FILE_FAILED = _ru.template("staff-file-failed")
STAFF_FILE_ERRORS = _ru.template("staff-file-errors")
STAFF_FILE_UNREADABLE = _ru.text("staff-file-unreadable")
STAFF_EXPORT_NAME = _ru.text("staff-export-name")
STAFF_EXPORT_CAPTION = _ru.template("staff-export-caption")


def applications(count: int) -> str:
    """«1 заявка», «2 заявки», «5 заявок»."""
    return _ru.text("applications", count=count)


STAFF_EXPORT_TOO_MANY = _ru.template("staff-export-too-many")
STAFF_EXPORT_TOO_BIG = _ru.template("staff-export-too-big")
