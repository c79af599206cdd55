"""Refusals become the user's words in one place (`handlers.errors`)."""

from __future__ import annotations

from handlers import texts
from handlers.errors import refusal
from models import Status
from services.labels import STATUS_LABELS
from services.workflow import GroupNotAllowed, NotAllowed, StaleStatus


def test_the_words_name_the_application_the_refusal_names() -> None:
    stale = StaleStatus(Status.NEW, Status.APPROVED).about(50001)
    assert refusal(stale) == texts.STALE.format(n=50001, status=STATUS_LABELS[Status.APPROVED])
    assert refusal(NotAllowed(Status.NEW).about(7)) == texts.NOT_ALLOWED.format(n=7)
    # A number given by the caller (a bulk report's line) wins; `about` never overwrites.
    assert refusal(NotAllowed(Status.NEW).about(7).about(8), 9) == texts.NOT_ALLOWED.format(n=9)
    assert NotAllowed(Status.NEW).about(7).about(8).number == 7


def test_a_group_refusal_has_its_own_words() -> None:
    assert refusal(GroupNotAllowed("another program").about(1)) == texts.GROUP_REFUSED
