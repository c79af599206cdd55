"""Every user-facing word lives in the Fluent catalogue (locales/*/*.ftl), none in the code.

The code may hold Russian only in docstrings (which quote the interface) and in the modules
allow-listed below. Message ids used by the code exist; the import report's two languages hold
the same messages with the same variables; Russian plurals follow the language's rules.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from handlers import texts
from services.i18n import Catalogue, CatalogueError, Language, Message, catalogue

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "services", "models")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
ALLOWED = {
    # The product's fixed names of statuses, kinds and roles: also stored in and read from the
    # data (import files, exports), so they are part of the data, not of the interface's wording.
    "services/labels.py",
    # The import files' column headers and cell words: a file-format contract with the web module.
    "services/importer/columns.py",
}
# How the code names a message: the first argument of these calls.
LOOKUPS = frozenset({"text", "template", "_t", "of"})


def _sources() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def cyrillic_literals(source: str) -> list[tuple[int, str]]:
    """The str constants (f-string parts included) with Cyrillic letters, docstrings aside."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CYRILLIC.search(node.value)
        and id(node) not in docstrings
    ]


@pytest.mark.parametrize(
    ("snippet", "found"),
    [
        ('x = "Заявка"\n', 1),
        ('def f(n):\n    return f"Заявка №{n}"\n', 1),
        ('CHOICES = {"yes": "да", "no": "нет"}\n', 2),
        ('def f():\n    """Отвечает «да»."""\n    return "yes"\n', 0),
        ('"""Модуль."""\nx = "ok"  # комментарий\n', 0),
    ],
)
def test_the_literal_check_finds_russian_outside_docstrings(snippet: str, found: int) -> None:
    assert len(cyrillic_literals(snippet)) == found


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_russian_literals_in_code(path: Path) -> None:
    name = path.relative_to(ROOT).as_posix()
    if name in ALLOWED:
        return
    literals = cyrillic_literals(path.read_text(encoding="utf-8"))
    assert not literals, f"{name}: move these texts to locales/ru/*.ftl: {literals}"


def _used_ids() -> list[tuple[str, str]]:
    """(module, id or id pattern) of every message the code names."""
    used = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name not in LOOKUPS:
                continue
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                pattern = re.escape(first.value)
            elif isinstance(first, ast.JoinedStr):
                pattern = "".join(
                    re.escape(str(part.value)) if isinstance(part, ast.Constant) else ".+"
                    for part in first.values
                )
            else:
                continue
            if re.fullmatch(r"[a-z][\w.+\\-]*", pattern):
                used.append((path.relative_to(ROOT).as_posix(), pattern))
    return used


def test_every_message_the_code_names_exists() -> None:
    ru, en = catalogue(Language.RU).ids(), catalogue(Language.EN).ids()
    used = _used_ids()
    assert len(used) > 100
    for module, pattern in used:
        assert any(re.fullmatch(pattern, i) for i in ru), (module, pattern)
        if pattern.startswith("import"):
            assert any(re.fullmatch(pattern, i) for i in en), (module, pattern)


def test_both_import_catalogues_have_the_same_messages_and_variables() -> None:
    ru, en = catalogue(Language.RU).variables, catalogue(Language.EN).variables
    ru_import = {i: v for i, v in ru.items() if i.startswith("import-")}
    assert ru_import.keys() == en.keys()
    assert ru_import == en


def test_a_missing_message_or_a_syntax_error_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError):
        catalogue(Language.RU).text("no-such-message")
    with pytest.raises(CatalogueError):
        catalogue(Language.RU).template("no-such-message")
    with pytest.raises(CatalogueError):
        Message.of("card-header")  # Russian only: not an import message
    (tmp_path / "ru").mkdir()
    (tmp_path / "ru" / "bot.ftl").write_text("good = ok\nbad = { $unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="syntax"):
        Catalogue(Language.RU, tmp_path)


@pytest.mark.parametrize(
    ("count", "word"),
    [
        (0, "0 заявок"),
        (1, "1 заявка"),
        (2, "2 заявки"),
        (4, "4 заявки"),
        (5, "5 заявок"),
        (11, "11 заявок"),
        (12, "12 заявок"),
        (14, "14 заявок"),
        (21, "21 заявка"),
        (22, "22 заявки"),
        (25, "25 заявок"),
        (101, "101 заявка"),
        (111, "111 заявок"),
        (1000, "1000 заявок"),
        (1001, "1001 заявка"),
    ],
)
def test_russian_plurals(count: int, word: str) -> None:
    assert texts.applications(count) == word


def test_plurals_of_days() -> None:
    assert [texts.days(n) for n in (1, 3, 5, 11, 21, 1000)] == [
        "1 день",
        "3 дня",
        "5 дней",
        "11 дней",
        "21 день",
        "1000 дней",
    ]
    assert [texts.working_days_after(n) for n in (1, 2, 5, 11, 21)] == [
        "1 рабочего дня",
        "2 рабочих дней",
        "5 рабочих дней",
        "11 рабочих дней",
        "21 рабочего дня",
    ]


def test_templates_do_not_reformat_numbers() -> None:
    assert texts.STAFF_OVERVIEW_TOTAL.format(total=12345) == "<b>Всего заявок:</b> 12345"
