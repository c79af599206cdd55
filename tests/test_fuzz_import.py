"""Property-based fuzzing of import rows (hypothesis): the sample files with cells replaced by
anything — any Unicode, formulas, numbers beyond 64 bits, dates of every spelling, 10,000
characters. Each file is imported or refused as a whole: a refusal lists its errors and leaves
every table as it was (compared row by row), an import is repeated without changing anything,
and nothing else is ever raised. The database lives across hypothesis' examples, so each file
meets what the earlier ones left. `FUZZ_EXAMPLES` makes runs longer.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from services.importer import ImportFailed
from tests.test_import import Maker, dump, import_samples, run_bytes, sample_table, to_csv

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FILES = ("people.csv", "applications.csv", "assessment.csv")
CELL = st.one_of(
    st.sampled_from(
        (
            "",
            " ",
            '=HYPERLINK("http://x";"y")',
            "+7 (351) 000-00-00",
            "-1",
            "0",
            str(2**63),
            str(2**64),
            "1e400",
            "31.02.2024",
            "2024-13-01",
            "01.01.1900",
            "да",
            "нет",
            "Одобрена",
            "new",
            "🙂",
            "\u202e",
            "x" * 10_000,
            "'; DROP TABLE people; --",
        )
    ),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
)
_SEEDED: set[int] = set()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(FILES),
    changes=st.lists(
        st.tuples(st.integers(0, 1_000), st.integers(0, 1_000), CELL), min_size=1, max_size=4
    ),
)
async def test_a_file_with_any_cells_is_imported_whole_or_refused_whole(
    sqlite_sessionmaker: Maker, name: str, changes: list[tuple[int, int, str]]
) -> None:
    maker = sqlite_sessionmaker
    if id(maker) not in _SEEDED:
        await import_samples(maker)
        _SEEDED.add(id(maker))
    header, rows = sample_table(name)
    for row_at, column_at, value in changes:
        row = rows[row_at % len(rows)]
        row[column_at % len(header)] = value
    data = to_csv(header, rows)
    before = await dump(maker)
    try:
        await run_bytes(maker, data, name)
    except ImportFailed as failed:
        event("refused")
        assert failed.report.errors
        assert all(error.message.ru and error.message.en for error in failed.report.errors)
        assert await dump(maker) == before
        return
    event("imported")
    after = await dump(maker)
    await run_bytes(maker, data, name)
    assert await dump(maker) == after  # the same file again changes nothing
