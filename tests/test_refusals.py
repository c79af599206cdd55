"""Refusals become the user's words in one place (`handlers.errors`)."""

from __future__ import annotations

from handlers import texts
from handlers.errors import refusal
from models import Status
from services.labels import STATUS_LABELS
from services.workflow import (
    CoursePreconditionFailed,
    GroupNotAllowed,
    GroupRefusal,
    NotAllowed,
    StaleStatus,
)


def test_the_words_name_the_application_the_refusal_names() -> None:
    stale = StaleStatus(Status.NEW, Status.APPROVED).about(50001)
    assert refusal(stale) == texts.STALE.format(n=50001, status=STATUS_LABELS[Status.APPROVED])
    assert refusal(NotAllowed(Status.NEW).about(7)) == texts.NOT_ALLOWED.format(n=7)
    # A number given by the caller (a bulk report's line) wins; `about` never overwrites.
    assert refusal(NotAllowed(Status.NEW).about(7).about(8), 9) == texts.NOT_ALLOWED.format(n=9)
    assert NotAllowed(Status.NEW).about(7).about(8).number == 7


def test_a_group_refusal_says_why() -> None:
    other = GroupNotAllowed(GroupRefusal.OTHER_PROGRAM).about(1)
    assert refusal(other) == (
        "Эта группа из другой программы: заявку можно перевести только в группу той же программы."
    )
    same = GroupNotAllowed(GroupRefusal.SAME_GROUP).about(4)
    assert refusal(same) == "Заявка №4 уже в этой группе."
    late = GroupNotAllowed(
        GroupRefusal.STATUS, Status.INCLUDED, frozenset({Status.APPROVED, Status.NEW})
    ).about(50001)
    assert refusal(late) == (
        "Группу заявки №50001 сейчас изменить нельзя: заявка в статусе «Включен в группу». "
        "Группу меняют, пока заявка в статусе «Не обработана» или «Подтверждена руководителем ОО»."
    )


def test_a_bulk_report_closes_each_reason_once() -> None:
    passed = refusal(CoursePreconditionFailed(1, 3).about(5))
    report = texts.bulk_report(2, [(5, passed), (6, "без точки")])
    assert report == (
        "Одобрено: 2, пропущено: 2:\n"
        "• №5: Нельзя одобрить заявку на курс: оценка компетенций не пройдена — "
        "пройдено 1 из 3 разделов.\n"
        "• №6: без точки."
    )
