"""Hostile presses: random callback data (up to Telegram's 64 bytes) in every family's shape.

Played by a teacher who has no rights over the application they aim at: every press gets its
one answer (no «Что-то пошло не так», nothing logged as an error) and nothing changes.
Seeded, so a failure replays; `FUZZ_PRESSES` makes the run longer.
"""

from __future__ import annotations

import logging
import os
import random

import pytest

from models import Comment, HistoryEntry, Status
from tests.dispatcher import Harness
from tests.test_handlers_teacher import OTHER_TEACHER, my, rows, setup, status

PRESSES = int(os.environ.get("FUZZ_PRESSES", "300"))
PREFIXES = (
    "c",
    "d",
    "gr",
    "l",
    "b",
    "my",
    "r",
    "sc",
    "sa",
    "sq",
    "sk",
    "se",
    "sett",
    "dep",
    "role",
    "consent",
    "forget",
)
WORDS = (
    "ok",
    "no",
    "tab",
    "open",
    "skip",
    "back",
    "ask",
    "yes",
    "o",
    "t",
    "w",
    "wy",
    "g",
    "incy",
    "ic",
    "dt",
    "qh",
    "pick",
    "new",
    "rv",
    "teacher",
    "director",
    "staff",
    "n",
    "a",
    "x",
    "i",
    "h",
    "",
)
ODD = ("-1", "0", str(2**63), str(2**64), "1e9", "٣", "🙂", "' OR 1=1", "<b>", "%00", "::", " ")


def random_data(rng: random.Random) -> str:
    prefix = rng.choice(PREFIXES)
    parts = []
    for _ in range(rng.randint(0, 6)):
        kind = rng.random()
        if kind < 0.35:
            parts.append(str(rng.choice((60001, 60002, 12345, 1))))
        elif kind < 0.7:
            parts.append(rng.choice(WORDS))
        else:
            parts.append(rng.choice(ODD))
    data = ":".join([prefix, *parts])
    return data.encode()[:64].decode(errors="ignore") or "x"


async def test_random_presses_get_an_answer_and_change_nothing(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    school = await setup(h)
    listing = await my(h, OTHER_TEACHER)
    rng = random.Random(20261203)
    with caplog.at_level(logging.WARNING):
        for _ in range(PRESSES):
            data = random_data(rng)
            before = len(h.fake.messages(OTHER_TEACHER.id))
            query_id = h.fake.press(OTHER_TEACHER, listing, data, strict=False)
            await h.feed(h.fake.pending_updates[-1])
            answers = h.fake.callback_answers(query_id)
            assert len(answers) <= 1, (data, answers)
            said = [m.get("text", "") for m in h.fake.messages(OTHER_TEACHER.id)[before:]]
            texts = said + [a.get("text") or "" for a in answers]
            assert not any("Что-то пошло не так" in t for t in texts), (data, texts)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    for number in school.numbers:
        assert await status(h, number) is Status.NEW
    assert await rows(h, HistoryEntry) == []
    assert await rows(h, Comment) == []
