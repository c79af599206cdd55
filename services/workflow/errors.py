"""The refusals of the workflow: handlers and the API turn each into the user's words."""

from __future__ import annotations

from models import Status

COMMENT_MAX_LENGTH = 1000


class WorkflowError(Exception):
    """A refused change; handlers and the API turn it into the user's words."""


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
    """The actor may not do this to this application (another school, wrong role...)."""

    def __init__(self, current: Status) -> None:
        super().__init__("not allowed")
        self.current = current


class StaleStatus(WorkflowError):
    """The application is no longer in the status the actor saw."""

    def __init__(self, seen: Status, current: Status) -> None:
        super().__init__(f"application changed: {seen} -> {current}")
        self.seen = seen
        self.current = current


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


class EmptyComment(WorkflowError):
    def __init__(self) -> None:
        super().__init__("empty comment")


class GroupNotAllowed(WorkflowError):
    """The target group belongs to another program, or the status no longer allows a change."""
