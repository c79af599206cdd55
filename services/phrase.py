"""A message said to two audiences: Russian in the chat, English on the operator's terminal.

The bot speaks Russian to its users; the command line speaks English, like the rest of what an
operator reads there (``--help``, settings errors, logs). An import report reaches both: a staff
member who sends a file in the chat and an operator who runs ``dpo-bot import``. Its messages are
therefore written in both languages side by side. Names fixed by the product (import columns,
status and role labels) and the values of the file are quoted as they are in either language.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Language(StrEnum):
    RU = "ru"
    EN = "en"


@dataclass(frozen=True, slots=True)
class Phrase:
    ru: str
    en: str

    def __str__(self) -> str:
        return self.ru

    def say(self, language: Language) -> str:
        return self.en if language is Language.EN else self.ru
