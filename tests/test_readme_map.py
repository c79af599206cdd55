"""The README's "Where things are" map matches the tree, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADINGS = ("### Где что лежит", "### Where things are")


def map_under(heading: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split(heading, 1)[1].split("```", 2)[1]
    return [line for line in block.splitlines() if line.strip()]


def named_paths(lines: list[str]) -> list[str]:
    """The paths a map names: `bot/`, `  director/` (inside the package above it), `menu.py`.

    A line names its paths before the first run of two spaces; deeper-indented lines only
    continue a description.
    """
    paths: list[str] = []
    parent = ""
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if indent > 2:
            continue
        names = re.split(r"\s{2,}", line.strip())[0].split()
        if indent == 0:
            parent = names[0]
            paths.append(parent)
        else:
            paths += [parent + name for name in names]
    return paths


@pytest.mark.parametrize("heading", HEADINGS)
def test_every_path_of_the_map_exists(heading: str) -> None:
    paths = named_paths(map_under(heading))
    assert "handlers/director/" in paths and "handlers/decision.py" in paths
    for path in paths:
        assert (ROOT / path).exists(), path


@pytest.mark.parametrize("heading", HEADINGS)
def test_every_package_is_on_the_map(heading: str) -> None:
    paths = set(named_paths(map_under(heading)))
    tops = {
        "bot/",
        "handlers/",
        "services/",
        "models/",
        "locales/",
        "migrations/",
        "tests/",
        "bench/",
    }
    assert tops <= paths
    for package in (ROOT / "handlers").iterdir():
        if (package / "__init__.py").exists():
            assert f"handlers/{package.name}/" in paths, package.name


@pytest.mark.parametrize("heading", ["## Гарантии", "## Guarantees"])
def test_every_guarantee_names_tests_that_exist(heading: str) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(heading + "\n", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", section)
    assert len(named) >= 10
    for path, name in named:
        source = (ROOT / path).read_text(encoding="utf-8")
        if name:
            assert re.search(rf"^(async )?def {name}\(", source, re.M), f"{path}::{name}"
