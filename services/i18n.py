"""The catalogue of the bot's words: Fluent messages from ``locales/<language>/*.ftl``.

Every user-facing text lives in one place, in the language's own file, with Russian plurals
chosen by Fluent from the language's rules (``{ $count -> [one] … [few] … *[many] … }``) instead of
hand-written form tuples. The bot speaks Russian in the chat; the command line prints the import
report in English, so those messages exist in both languages.

Fluent is told not to wrap arguments in bidi isolation marks (``use_isolating=False``), and
`Template` passes its arguments as strings, so Fluent never reformats a number (no thousands
grouping): a text comes out exactly as the old Python format string produced it. A `Message` is a
text said later in the reader's language (the import report: Russian in the chat, English on the
command line); it names a message that both catalogues hold. A catalogue is
loaded once per language; a syntax error, a missing message or a formatting error raises at once
rather than showing the user a half-rendered text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import ast as ftl
from fluent.syntax.visitor import Visitor

import locales

LOCALES = Path(locales.__file__).parent


class Language(StrEnum):
    RU = "ru"
    EN = "en"


class CatalogueError(LookupError):
    """A catalogue that cannot be loaded, or a message it lacks or cannot format."""


class Catalogue:
    """The messages of one language, parsed once from every .ftl file of its folder."""

    def __init__(self, language: Language, root: Path = LOCALES) -> None:
        self.language = language
        self._bundle = FluentBundle([language.value], use_isolating=False)
        self.variables: dict[str, frozenset[str]] = {}
        files = sorted((root / language.value).glob("*.ftl"))
        if not files:
            raise CatalogueError(f"no .ftl files for {language.value} in {root}")
        for path in files:
            resource = FluentResource(path.read_text(encoding="utf-8"))
            for entry in resource.body:
                if isinstance(entry, ftl.Junk):
                    raise CatalogueError(f"{path.name}: Fluent syntax error: {entry.content!r}")
                if isinstance(entry, ftl.Message):
                    if entry.id.name in self.variables:
                        raise CatalogueError(f"{path.name}: duplicate message {entry.id.name}")
                    self.variables[entry.id.name] = _variables(entry)
            self._bundle.add_resource(resource)

    def ids(self) -> frozenset[str]:
        return frozenset(self.variables)

    def text(self, message_id: str, **args: Any) -> str:
        """The message rendered with `args` (numbers select plural forms; pass display as str)."""
        if message_id not in self.variables:
            raise CatalogueError(f"no message {message_id!r} in the {self.language} catalogue")
        message = self._bundle.get_message(message_id)
        if message.value is None:
            raise CatalogueError(f"message {message_id!r} has no value")
        value, errors = self._bundle.format_pattern(message.value, args)
        if errors:
            raise CatalogueError(f"{message_id}: {errors[0]}")
        return str(value)

    def template(self, message_id: str) -> Template:
        """A message kept for later `Template.format`; checked to exist now, at import time."""
        if message_id not in self.variables:
            raise CatalogueError(f"no message {message_id!r} in the {self.language} catalogue")
        return Template(self, message_id)


@dataclass(frozen=True, slots=True)
class Template:
    """A message with named arguments, formatted like ``str.format``: every argument as a string."""

    catalogue: Catalogue
    message_id: str

    def format(self, **args: object) -> str:
        return self.catalogue.text(self.message_id, **{k: format(v, "") for k, v in args.items()})


@dataclass(frozen=True, slots=True)
class Message:
    """A message to be said in either language: its id and its arguments.

    An argument is a string (a value from the file, the same in both languages), another
    `Message` (said in the same language) or a tuple of them (said joined by ", ").
    """

    message_id: str
    args: tuple[tuple[str, Arg], ...] = ()

    @classmethod
    def of(cls, message_id: str, **args: object) -> Message:
        """The message, checked to exist in both languages; plain values kept as ``format(v)``."""
        for language in Language:
            if message_id not in catalogue(language).variables:
                raise CatalogueError(f"no message {message_id!r} in the {language} catalogue")
        return cls(message_id, tuple((k, _arg(v)) for k, v in args.items()))

    def say(self, language: Language) -> str:
        args = {name: _say(value, language) for name, value in self.args}
        return catalogue(language).text(self.message_id, **args)

    @property
    def ru(self) -> str:
        return self.say(Language.RU)

    @property
    def en(self) -> str:
        return self.say(Language.EN)

    def __str__(self) -> str:
        return self.ru


Arg = str | Message | tuple[Message, ...]


def _arg(value: object) -> Arg:
    if isinstance(value, Message):
        return value
    if isinstance(value, tuple) and all(isinstance(item, Message) for item in value):
        return value
    return format(value, "")


def _say(value: Arg, language: Language) -> str:
    if isinstance(value, Message):
        return value.say(language)
    if isinstance(value, tuple):
        return ", ".join(item.say(language) for item in value)
    return value


@cache
def catalogue(language: Language = Language.RU) -> Catalogue:
    return Catalogue(language)


def _variables(message: ftl.Message) -> frozenset[str]:
    """The `$variables` a message uses (to compare the two languages' import messages)."""
    found: set[str] = set()

    class Variables(Visitor):
        def visit_VariableReference(self, node: ftl.VariableReference) -> None:
            found.add(node.id.name)

    Variables().visit(message)
    return frozenset(found)
