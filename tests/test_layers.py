"""The layers run one way: `bot/` (the composition root and the adapters) imports the rest,
and nothing below it imports `bot/`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BELOW_BOT = ("handlers", "services", "models", "migrations", "locales")


def imports_of(source: str) -> set[str]:
    """Every module a source imports, at any depth (imports inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def imports_bot(source: str) -> bool:
    return any(name == "bot" or name.startswith("bot.") for name in imports_of(source))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from bot.settings import Settings", True),
        ("import bot.db", True),
        ("def f():\n    from bot import app\n", True),
        ("from handlers.config import HandlerSettings", False),
        ("from bots import x\nimport robot", False),
    ],
)
def test_the_check_sees_an_import_of_bot(source: str, expected: bool) -> None:
    assert imports_bot(source) is expected


def modules_below_bot() -> list[Path]:
    return sorted(path for package in BELOW_BOT for path in (ROOT / package).rglob("*.py"))


def test_there_are_modules_to_check() -> None:
    assert len(modules_below_bot()) > 50


@pytest.mark.parametrize("path", modules_below_bot(), ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_below_bot_imports_it(path: Path) -> None:
    assert not imports_bot(path.read_text(encoding="utf-8")), f"{path} imports bot"
