"""Import speed: a fresh applications file, the same file again, and a new one into 1M rows.

Files come from `bench.import_100k`'s generators (40 % as many people as applications). Each
import runs in its own process (`bench/import_worker.py`) so its peak RSS is the importer's
alone. The table is brought to `into` rows by Core inserts between the second and third import.
"""

from __future__ import annotations

import asyncio
import csv
import json
import random
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bench.import_100k import write_applications, write_people
from bot.migrate import upgrade
from models import Application, Group, Kind, Person, Status
from models.engine import create_engine

WORKER = str(Path(__file__).with_name("import_worker.py"))
_BATCH = 10_000


@dataclass
class ImportStep:
    label: str
    rows: int = 0
    seconds: float | None = None
    peak_rss_mb: float | None = None
    error: str | None = None

    @property
    def rate(self) -> float | None:
        return self.rows / self.seconds if self.seconds else None


@dataclass
class ImportRun:
    applications: int
    into: int
    steps: dict[str, ImportStep] = field(default_factory=dict)


async def _worker(url: str, path: Path, label: str, timeout: float) -> ImportStep:
    step = ImportStep(label)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        WORKER,
        url,
        str(path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        step.error = f"did not finish in {timeout:.0f} s"
        return step
    if process.returncode != 0:
        step.error = err.decode(errors="replace").strip().splitlines()[-1:][0][:200]
        return step
    data = json.loads(out.decode().strip().splitlines()[-1])
    step.rows, step.seconds, step.peak_rss_mb = data["rows"], data["seconds"], data["peak_rss_mb"]
    return step


async def _fill(url: str, total: int) -> None:
    """Bring the applications table to `total` rows (numbers far from the files' ones)."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            have = int(await connection.scalar(select(func.count()).select_from(Application)))
            last = int(await connection.scalar(select(func.max(Application.id))) or 0)
            people = (
                await connection.execute(select(Person.id, Person.organization_id).limit(5000))
            ).all()
            groups = list((await connection.scalars(select(Group.id).limit(500))).all())
            now = datetime.now(UTC)
            rows: list[dict[str, Any]] = []
            for i in range(total - have):
                person, org = people[i % len(people)]
                rows.append(
                    {
                        "id": last + 1 + i,
                        "number": 10_000_000 + i,
                        "applicant_id": person,
                        "organization_id": org,
                        "kind": Kind.ASSESSMENT,
                        "group_id": groups[i % len(groups)],
                        "status": (Status.APPROVED, Status.INCLUDED, Status.CANCELLED)[i % 3],
                        "submitted_on": date(2024, 11, 1 + i % 28),
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                if len(rows) == _BATCH:
                    await connection.execute(insert(Application), rows)
                    rows = []
            if rows:
                await connection.execute(insert(Application), rows)
    finally:
        await engine.dispose()


def _renumber(source: Path, target: Path, offset: int) -> None:
    with (
        source.open(encoding="utf-8-sig", newline="") as stream,
        target.open("w", encoding="utf-8-sig", newline="") as out,
    ):
        reader = csv.reader(stream, delimiter=";")
        writer = csv.writer(out, delimiter=";")
        writer.writerow(next(reader))
        for row in reader:
            row[0] = str(int(row[0]) + offset)
            writer.writerow(row)


async def measure(applications: int, into: int, timeout: float = 180) -> ImportRun:
    run = ImportRun(applications, into)
    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        folder = Path(temporary)
        people_csv = folder / "people.csv"
        applications_csv = folder / "applications.csv"
        newer_csv = folder / "applications-new.csv"
        rng = random.Random(74)
        people = max(1000, applications * 2 // 5)
        write_people(people_csv, people, rng)
        write_applications(applications_csv, folder / "changed.csv", applications, people, 0, rng)
        _renumber(applications_csv, newer_csv, 5_000_000)
        url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
        await asyncio.to_thread(upgrade, url)
        for key, path, label in (
            ("people", people_csv, f"people, {people:,} fresh"),
            ("fresh", applications_csv, f"{applications:,} fresh"),
            ("repeat", applications_csv, "the same file again"),
        ):
            run.steps[key] = await _worker(url, path, label, timeout)
        await _fill(url, into)
        label = f"{applications:,} new into {into:,} rows"
        run.steps["into"] = await _worker(url, newer_csv, label, timeout)
    return run
