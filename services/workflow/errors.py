"""The refusals of the workflow: handlers and the API turn each into the user's words."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Concatenate, ParamSpec, Self, TypeVar

from models import Status

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from models import Application

P = ParamSpec("P")
R = TypeVar("R")

COMMENT_MAX_LENGTH = 1000


class WorkflowError(Exception):
    """A refused change; handlers and the API turn it into the user's words.

    `number` names the application refused, so that the words can say which: the workflow's
    entry points set it (`names_the_application`), and code that refuses on its own says it with
    `about()`.
    """

    number: int | None = None

    def about(self, number: int) -> Self:
        if self.number is None:
            self.number = number
        return self


def names_the_application(
    change: Callable[Concatenate[AsyncSession, Application | int, P], Awaitable[R]],
) -> Callable[Concatenate[AsyncSession, Application | int, P], Awaitable[R]]:
    """A refusal of `change(session, application, ...)` names that application's number."""

    @functools.wraps(change)
    async def wrapper(
        session: AsyncSession, application: Application | int, /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        # Read before the call: after a refused write the row may be expired.
        number = application if isinstance(application, int) else application.number
        try:
            return await change(session, application, *args, **kwargs)
        except WorkflowError as error:
            error.about(number)
            raise

    return wrapper


class ApplicationNotFound(WorkflowError):
    def __init__(self, number: int) -> None:
        super().__init__(f"application {number} not found")
        self.number = number


class TransitionNotAllowed(WorkflowError):
    def __init__(self, current: Status, target: Status) -> None:
        super().__init__(f"transition {current} -> {target} is not allowed")
        self.current = current
        self.target = target


class NotAllowed(WorkflowError):
    """The actor may not do this to this application (another school, wrong role...).

    `current` is None when the actor has no standing on the application at all (another
    school's director, say): the refusal then tells nothing of it, its status included.
    """

    def __init__(self, current: Status | None) -> None:
        super().__init__("not allowed")
        self.current = current


class StaleStatus(WorkflowError):
    """The application is no longer in the status the actor saw."""

    def __init__(self, seen: Status, current: Status) -> None:
        super().__init__(f"application changed: {seen} -> {current}")
        self.seen = seen
        self.current = current


class OwnApplication(WorkflowError):
    """A deputy never decides their own application: it waits for the director (§4.2)."""

    def __init__(self) -> None:
        super().__init__("a deputy's own application waits for the director")


class CoursePreconditionFailed(WorkflowError):
    """A course needs every assessment section passed first."""

    def __init__(self, passed: int, total: int) -> None:
        super().__init__(f"assessment passed {passed} of {total}")
        self.passed = passed
        self.total = total


class CommentTooLong(WorkflowError):
    def __init__(self, length: int) -> None:
        super().__init__(f"comment of {length} characters, at most {COMMENT_MAX_LENGTH}")
        self.length = length


class ReasonRequired(WorkflowError):
    """A cancellation without a reason while REQUIRE_CANCEL_REASON is on."""

    def __init__(self) -> None:
        super().__init__("a reason is required to cancel")


class UndoExpired(WorkflowError):
    """«Вернуть» pressed after its window."""

    def __init__(self, window: timedelta) -> None:
        super().__init__(f"the cancellation can be taken back within {window} only")
        self.window = window


class UndoOvertaken(WorkflowError):
    """«Вернуть» pressed after someone else acted on the application."""

    def __init__(self, current: Status) -> None:
        super().__init__(f"changed since the cancellation; now {current}")
        self.current = current


class EmptyComment(WorkflowError):
    def __init__(self) -> None:
        super().__init__("empty comment")


class GroupRefusal(StrEnum):
    OTHER_PROGRAM = "the group is not one of this program's"
    STATUS = "the status no longer allows a group change"
    SAME_GROUP = "the application is already in this group"


class GroupNotAllowed(WorkflowError):
    """A group change refused, with the reason: the target group belongs to another program,
    the application is already there, or its status no longer allows a change (then `status` is
    the status it is in and `allowed` the statuses in which the actor may change the group)."""

    def __init__(
        self,
        reason: GroupRefusal,
        status: Status | None = None,
        allowed: frozenset[Status] = frozenset(),
    ) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.status = status
        self.allowed = allowed
