"""Staff of the regional institute: queue, assessment, overview, files (``staff.ftl``)."""

from __future__ import annotations

from services.i18n import Language, catalogue

__all__ = [
    "BTN_MENU_STAFF_EXPORT",
    "BTN_MENU_STAFF_OVERVIEW",
    "BTN_MENU_STAFF_QUEUE",
    "STAFF_ASSESS_NOT_FOUND",
    "STAFF_ASSESS_NO_SECTIONS",
    "STAFF_ASSESS_SAVED",
    "STAFF_ASSESS_TITLE",
    "STAFF_ASSESS_USAGE",
    "STAFF_BTN_ANY",
    "STAFF_BTN_CANCEL",
    "STAFF_BTN_GROUP",
    "STAFF_BTN_INCLUDE",
    "STAFF_BTN_INCLUDE_ALL",
    "STAFF_BTN_RESET",
    "STAFF_BTN_TO_CARD",
    "STAFF_CHART_CAPTION",
    "STAFF_CHART_TITLE",
    "STAFF_EXPORT_CAPTION",
    "STAFF_EXPORT_NAME",
    "STAFF_EXPORT_TOO_BIG",
    "STAFF_EXPORT_TOO_MANY",
    "STAFF_FILE_DONE",
    "STAFF_FILE_ERRORS",
    "STAFF_FILE_FAILED",
    "STAFF_FILE_KIND",
    "STAFF_FILE_NOT_STAFF",
    "STAFF_FILE_RECEIVED",
    "STAFF_FILE_TOO_BIG",
    "STAFF_FILE_UNREADABLE",
    "STAFF_FILTER_CHOOSE",
    "STAFF_FILTER_GROUP",
    "STAFF_FILTER_LINE",
    "STAFF_FILTER_MUNICIPALITY",
    "STAFF_FILTER_NONE",
    "STAFF_FILTER_PROGRAM",
    "STAFF_FILTER_SCHOOL",
    "STAFF_GROUP_CHOOSE",
    "STAFF_GROUP_NONE",
    "STAFF_INCLUDED",
    "STAFF_INCLUDE_ALL_CANCELLED",
    "STAFF_INCLUDE_ALL_CONFIRM",
    "STAFF_INCLUDE_ALL_DONE",
    "STAFF_INCLUDE_ALL_NOTHING",
    "STAFF_INCLUDE_ALL_SKIPPED",
    "STAFF_INCLUDE_CONFIRM",
    "STAFF_NOT_STAFF",
    "STAFF_OVERVIEW_DIRECTOR",
    "STAFF_OVERVIEW_EMPTY",
    "STAFF_OVERVIEW_ESCALATED",
    "STAFF_OVERVIEW_ESCALATED_LINE",
    "STAFF_OVERVIEW_ESCALATED_NONE",
    "STAFF_OVERVIEW_MUNICIPALITIES",
    "STAFF_OVERVIEW_NO_DIRECTOR",
    "STAFF_OVERVIEW_NO_MUNICIPALITY",
    "STAFF_OVERVIEW_REACHABLE",
    "STAFF_OVERVIEW_SCHOOLS",
    "STAFF_OVERVIEW_TITLE",
    "STAFF_OVERVIEW_TOTAL",
    "STAFF_OVERVIEW_UNREACHABLE",
    "STAFF_QUEUE_EMPTY",
    "STAFF_QUEUE_PAGE",
    "STAFF_QUEUE_TITLE",
    "applications",
]

_ru = catalogue(Language.RU)

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
