"""Refusals in the user's words, and the last line: log a failure with the update id only, and
answer the user politely.

Registered on the dispatcher itself (see `bot.app.build_dispatcher`): aiogram routes an error to
the error handlers of the router that failed and of its parents, so only the root sees them all,
including failures in middlewares.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramServerError
from aiogram.types import ErrorEvent

from handlers import texts
from models import Status
from services.labels import STATUS_LABELS
from services.workflow import (
    ApplicationNotFound,
    CommentTooLong,
    CoursePreconditionFailed,
    GroupNotAllowed,
    GroupRefusal,
    OwnApplication,
    ReasonRequired,
    StaleStatus,
    TransitionNotAllowed,
    UndoExpired,
    UndoOvertaken,
    WorkflowError,
)

log = logging.getLogger(__name__)


def refusal(error: WorkflowError, number: int | None = None) -> str:
    """The user's words for a refused change of application `number` (by default the one the
    refusal names)."""
    if number is None:
        number = error.number
    if isinstance(error, GroupNotAllowed):
        return group_refusal(error, number)
    if isinstance(error, StaleStatus):
        return texts.STALE.format(n=number, status=STATUS_LABELS[error.current])
    if isinstance(error, OwnApplication):
        return texts.OWN_APPLICATION.format(n=number)
    if isinstance(error, CoursePreconditionFailed):
        if error.total == 0:
            return texts.PRECONDITION_NO_DATA
        return texts.PRECONDITION.format(passed=error.passed, total=error.total)
    if isinstance(error, TransitionNotAllowed):
        return texts.TRANSITION_REFUSED.format(
            current=STATUS_LABELS[error.current], target=STATUS_LABELS[error.target]
        )
    if isinstance(error, ApplicationNotFound):
        return texts.NOT_FOUND.format(n=number)
    if isinstance(error, UndoExpired):
        return texts.UNDO_EXPIRED.format(n=number, minutes=int(error.window.total_seconds() // 60))
    if isinstance(error, UndoOvertaken):
        return texts.UNDO_OVERTAKEN.format(n=number, status=STATUS_LABELS[error.current])
    if isinstance(error, ReasonRequired):
        return texts.REASON_REQUIRED
    if isinstance(error, CommentTooLong):
        return texts.COMMENT_TOO_LONG.format(length=error.length)
    return texts.NOT_ALLOWED.format(n=number)


def group_refusal(error: GroupNotAllowed, number: int | None) -> str:
    """Why the group cannot be changed: the status it is in, another program, the same group."""
    if error.reason is GroupRefusal.OTHER_PROGRAM:
        return texts.GROUP_REFUSED_PROGRAM
    if error.reason is GroupRefusal.SAME_GROUP:
        return texts.GROUP_REFUSED_SAME.format(n=number)
    assert error.status is not None
    allowed = [STATUS_LABELS[status] for status in Status if status in error.allowed]
    return texts.group_refused_status(number or 0, STATUS_LABELS[error.status], allowed)


async def on_refusal(event: ErrorEvent) -> bool:
    """A refused change (a `WorkflowError` out of a handler): the user is told why, in words.

    Registered before `on_error` with aiogram's `ExceptionTypeFilter`, so screens raise refusals
    instead of catching them; only a screen that redraws a card on a refusal catches its own.
    Nothing was changed: the update's transaction was rolled back before this runs.
    """
    assert isinstance(event.exception, WorkflowError)
    text = refusal(event.exception)
    update = event.update
    with suppress(TelegramAPIError):
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await update.message.answer(text)
    return True


async def on_error(event: ErrorEvent) -> bool:
    update = event.update
    if isinstance(event.exception, TelegramNetworkError | TelegramServerError):
        # A Bot API call got no answer. What the update wrote was committed before the call
        # (`bot.telegram.CommitBeforeCall`), and the call itself may well have taken effect:
        # nothing failed that an apology would be true about, and the path to Telegram is
        # what is broken.
        log.warning(
            "update %s: Telegram did not answer (%s)",
            update.update_id,
            type(event.exception).__name__,
        )
        return True
    # No personal data in logs: the update id and the error type are enough to find it.
    log.error(
        "update %s failed: %s",
        update.update_id,
        type(event.exception).__name__,
        exc_info=event.exception,
    )
    with suppress(TelegramAPIError):
        if update.callback_query is not None:
            await update.callback_query.answer(texts.ERROR, show_alert=True)
        elif update.message is not None:
            await update.message.answer(texts.ERROR)
    return True
