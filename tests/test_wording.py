"""Wording kept consistent across screens (issue: a newcomer's first hour)."""

from __future__ import annotations

from handlers import texts


def test_page_arrows_are_the_same_on_every_screen() -> None:
    arrows = {
        (texts.BTN_PREV, texts.BTN_NEXT),
        (texts.MY_BTN_PREV, texts.MY_BTN_NEXT),
        (texts.DEPUTY_BTN_PREV, texts.DEPUTY_BTN_NEXT),
    }
    assert arrows == {("‹", "›")}


def test_the_error_text_promises_nothing_nobody_does() -> None:
    assert texts.ERROR == "Что-то пошло не так. Попробуйте ещё раз чуть позже."
