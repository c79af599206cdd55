"""A director's deputy for a period (PRODUCT.md §4.2).

The rights themselves live in `services.workflow.authority_of` and the cards in
`services.notifications.deciders`: both read the `Deputy` rows, so a deputyship starts and ends
by its dates alone. This package names, lists and revokes them, and checks who may.

The package: `rules` (periods, who may, the refusals), `reads` (colleagues and deputyships
listed), `changes` (naming, revoking, telling the deputy).
"""

from __future__ import annotations

from services.deputies.changes import name_deputy, revoke, tell_deputy
from services.deputies.reads import (
    COLLEAGUES_PER_PAGE,
    ColleaguePage,
    colleague,
    colleagues,
    deputies_of,
)
from services.deputies.rules import (
    MAX_PERIOD_DAYS,
    BadPeriod,
    DeputyError,
    Deputyship,
    DeputyshipNotFound,
    NotAColleague,
    NotADirector,
    OverlappingDeputyship,
    PeriodProblem,
    check_period,
    parse_period,
    school_of,
)

__all__ = [
    "COLLEAGUES_PER_PAGE",
    "MAX_PERIOD_DAYS",
    "BadPeriod",
    "ColleaguePage",
    "DeputyError",
    "Deputyship",
    "DeputyshipNotFound",
    "NotAColleague",
    "NotADirector",
    "OverlappingDeputyship",
    "PeriodProblem",
    "check_period",
    "colleague",
    "colleagues",
    "deputies_of",
    "name_deputy",
    "parse_period",
    "revoke",
    "school_of",
    "tell_deputy",
]
