"""One import in a process of its own, so its peak RSS is the importer's alone.

    python bench/import_worker.py DATABASE_URL FILE

Prints one JSON line: rows, seconds, peak RSS in MB.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.engine import create_engine, create_sessionmaker
from services.importer import import_file


async def main(url: str, path: Path) -> None:
    engine = create_engine(url)
    try:
        started = time.perf_counter()
        async with create_sessionmaker(engine).begin() as session:
            report = await import_file(session, path)
        seconds = time.perf_counter() - started
    finally:
        await engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"rows": report.rows, "seconds": seconds, "peak_rss_mb": peak}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
