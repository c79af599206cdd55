"""`python -m bench` at the smallest sizes: the table has every row (no timings judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ROWS = (
    "tap «Без комментария» → prompt edited p50/p95/p99, 2 directors, SQLite, 0 ms",
    "… card refreshed p50/p99",
    "sustained decisions/s, SQLite, 0 ms",
    "CPU ms per decision (bot process), SQLite, 0 ms",
    "tap → prompt edited, PostgreSQL, 0 ms",
    "`dpo-bot run` RSS idle / busy",
    "SQL statements per update «✅ Одобрить», 50 / 100 applications",
    "SQL statements per update «Без комментария»",
    "SQL statements per update «Подробнее»",
    "import rows/s: 300 fresh",
    "import rows/s: the same file again",
    "import rows/s: 300 new into 1,000 rows",
    "import peak RSS",
)


def test_smoke_table_has_every_row(tmp_path: Path) -> None:
    output = tmp_path / "BENCHMARKS.md"
    command = [
        sys.executable,
        "-m",
        "bench",
        "--smoke",
        "--only",
        "decisions,statements,import",
        "--databases",
        "sqlite",
        "--rtts",
        "0",
        "--directors",
        "2",
        "--per-director",
        "20",
        "--seconds",
        "1",
        "--warmup",
        "0.5",
        "--statement-sizes",
        "50,100",
        "--import-rows",
        "300",
        "--import-into",
        "1000",
        "--output",
        str(output),
    ]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    document = output.read_text(encoding="utf-8")
    assert "- machine: " in document and "- date: " in document and "python -m bench" in document
    table = [line for line in document.splitlines() if line.startswith("| ")]
    for row in ROWS:
        assert any(row in line for line in table), f"no row {row!r} in:\n{document}"
    assert done.stdout.count("\n") >= len(ROWS)


def test_flat_cost_rows_or_not_available() -> None:
    from bench.__main__ import Results, Sizes, flat_lines

    results = Results(flat_error="not available (ImportError: no module)")
    lines = flat_lines(results, Sizes())
    assert [line.verdict for line in lines] == ["n/a"]
    assert "not available" in lines[0].value
