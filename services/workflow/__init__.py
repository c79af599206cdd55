"""The application workflow (PRODUCT.md §3.2): every path that changes an application comes here.

Rules live in one table. A change is applied with compare-and-set on the status the actor saw, so
two presses, two devices, or a teacher withdrawing while the director approves end in exactly one
recorded change; the loser gets `StaleStatus` naming the current status. Authority is read from the
database at the moment of action (roles, school, active deputy), never from what a client sent.

The package is split by use case: `rules` (the tables and the actor), `errors` (the refusals),
`authority` (what is read before a change), `status`, `group` and `comments` (the changes), and
`recording` (the history entry, and comment, each change writes). Every public name is
importable from `services.workflow` itself, where callers import it.
"""

from __future__ import annotations

from services.workflow.authority import (
    active_deputyship,
    assessment_progress,
    authority_of,
    get_application,
    local_today,
)
from services.workflow.comments import (
    add_comment,
    check_comment,
)
from services.workflow.errors import (
    COMMENT_MAX_LENGTH,
    ApplicationNotFound,
    CommentTooLong,
    CoursePreconditionFailed,
    EmptyComment,
    GroupNotAllowed,
    GroupRefusal,
    NotAllowed,
    OwnApplication,
    ReasonRequired,
    StaleStatus,
    TransitionNotAllowed,
    UndoExpired,
    UndoOvertaken,
    WorkflowError,
)
from services.workflow.group import (
    GroupChange,
    change_group,
)
from services.workflow.rules import (
    GROUP_CHANGE,
    TRANSITIONS,
    Actor,
    Authority,
    Capacity,
    pick_capacity,
)
from services.workflow.status import (
    StatusChange,
    change_status,
    check_status_change,
)
from services.workflow.undo import UNDO_CAPACITIES, undo_cancellation

__all__ = [
    "COMMENT_MAX_LENGTH",
    "GROUP_CHANGE",
    "TRANSITIONS",
    "UNDO_CAPACITIES",
    "Actor",
    "ApplicationNotFound",
    "Authority",
    "Capacity",
    "CommentTooLong",
    "CoursePreconditionFailed",
    "EmptyComment",
    "GroupChange",
    "GroupNotAllowed",
    "GroupRefusal",
    "NotAllowed",
    "OwnApplication",
    "ReasonRequired",
    "StaleStatus",
    "StatusChange",
    "TransitionNotAllowed",
    "UndoExpired",
    "UndoOvertaken",
    "WorkflowError",
    "active_deputyship",
    "add_comment",
    "assessment_progress",
    "authority_of",
    "change_group",
    "change_status",
    "check_comment",
    "check_status_change",
    "get_application",
    "local_today",
    "pick_capacity",
    "undo_cancellation",
]
