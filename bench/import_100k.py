"""Benchmark: import 100,000 applications (and 40,000 people) into a fresh SQLite database.

    python bench/import_100k.py [--applications 100000] [--people 40000] [--changes 5000]
                                [--database-url URL] [--keep DIR]

Generates the files in a temporary folder, creates the schema with the migrations, then times:
the people file, the applications file, the same applications file again (a no-op), a file
where `--changes` applications change status (each through the workflow), and an export to CSV.
Prints rows, seconds, rows/s and the peak RSS of the process so far.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.migrate import upgrade
from models.engine import create_engine, create_sessionmaker
from services.exporter import export_applications
from services.importer import (
    APPLICATION_EXPORT_COLUMNS,
    PEOPLE_COLUMNS,
    ImportReport,
    import_file,
)

SCHOOLS = 1000
PROGRAMS = 200
GROUPS_PER_PROGRAM = 5
STATUSES = (
    ["Не обработана"] * 5 + ["Подтверждена руководителем ОО"] * 2 + ["Отменена", "Включен в группу"]
)
KINDS = ["Оценка профессиональных компетенций", "Курс повышения квалификации"]
SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов"]
NAMES = ["Андрей", "Ольга", "Мария", "Сергей", "Елена", "Игорь", "Татьяна", "Дмитрий"]


def school(i: int) -> str:
    return f"МОУ «СОШ № {i % SCHOOLS + 1} г. Челябинска»"


def phone(i: int) -> str:
    digits = f"9{i:09d}"
    return f"+7 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"


def write_people(path: Path, count: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(PEOPLE_COLUMNS)
        for i in range(count):
            role = "Руководитель ОО,Слушатель" if i < SCHOOLS else "Слушатель"
            writer.writerow(
                [
                    f"P-{i:06d}",
                    f"{rng.choice(SURNAMES)} {rng.choice(NAMES)} Отчество{i}",
                    role,
                    school(i),
                    f"Муниципальный округ {i % SCHOOLS % 43}",
                    phone(i),
                ]
            )


def write_applications(
    path: Path, changed_path: Path, count: int, people: int, changes: int, rng: random.Random
) -> int:
    """The applications file, and the same with `changes` of the new ones approved or cancelled.

    Written row by row: the benchmark's own memory must not blur the importer's peak RSS.
    """
    changed = 0
    with (
        path.open("w", encoding="utf-8-sig", newline="") as stream,
        changed_path.open("w", encoding="utf-8-sig", newline="") as changed_stream,
    ):
        writer = csv.writer(stream, delimiter=";")
        changed_writer = csv.writer(changed_stream, delimiter=";")
        writer.writerow(APPLICATION_EXPORT_COLUMNS)
        changed_writer.writerow(APPLICATION_EXPORT_COLUMNS)
        for n in range(count):
            person = rng.randrange(people)
            program = rng.randrange(PROGRAMS)
            group = rng.randrange(GROUPS_PER_PROGRAM)
            row = [
                str(100_000 + n),
                f"P-{person:06d}",
                f"Заявитель {person}",
                school(person),
                KINDS[program % 2],
                f"Программа повышения квалификации № {program} «Современные технологии обучения»",
                f"{program}/{group}-ГЗ",
                f"Описание группы {group} программы {program}: " + "подробности " * 10,
                f"{(program % 4 + 1) * 18} ч.",
                f"{group + 1:02d}.02.2025 - {group + 20:02d}.02.2025",
                "очная с применением ДОТ",
                "педагогические работники общеобразовательных организаций",
                "Методическая_шнор, психолого-педагогическая_шнор",
                "ГБУ ДПО «Челябинский институт развития образования»",
                f"{n % 28 + 1:02d}.11.2024",
                STATUSES[n % len(STATUSES)],
            ]
            writer.writerow(row)
            if row[-1] == "Не обработана" and changed < changes:
                row[-1] = "Подтверждена руководителем ОО" if changed % 2 else "Отменена"
                changed += 1
            changed_writer.writerow(row)
    return changed


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def timed(maker, path: Path, label: str) -> ImportReport:
    started = time.perf_counter()
    async with maker.begin() as session:
        report = await import_file(session, path)
    seconds = time.perf_counter() - started
    print(
        f"{label:<28} {report.rows:>8} rows {seconds:>7.2f} s {report.rows / seconds:>9.0f} rows/s"
        f"   peak RSS {peak_rss_mb():>6.0f} MB"
    )
    counts = report.applications if report.applications.total else report.people
    print(
        f"{'':<28} created {counts.created}, updated {counts.updated}, "
        f"unchanged {counts.unchanged}, transitions {len(report.transitions)}"
    )
    return report


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=40_000)
    parser.add_argument("--changes", type=int, default=5_000)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--keep", type=Path, default=None, help="keep the files in this folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        rng = random.Random(74)
        people_csv = folder / "people.csv"
        applications_csv = folder / "applications.csv"
        changed_csv = folder / "applications-changed.csv"
        started = time.perf_counter()
        write_people(people_csv, args.people, rng)
        # Some of the new ones approved or cancelled: each goes through the workflow.
        changed = write_applications(
            applications_csv, changed_csv, args.applications, args.people, args.changes, rng
        )
        size = applications_csv.stat().st_size / 2**20
        print(f"generated in {time.perf_counter() - started:.1f} s; applications.csv {size:.1f} MB")

        url = args.database_url or f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
        await asyncio.to_thread(upgrade, url)
        engine = create_engine(url)
        maker = create_sessionmaker(engine)
        try:
            await timed(maker, people_csv, "people (new)")
            await timed(maker, applications_csv, "applications (new)")
            await timed(maker, applications_csv, "applications (same again)")
            await timed(maker, changed_csv, f"applications ({changed} changed)")
            started = time.perf_counter()
            async with maker() as session:
                exported = await export_applications(session, folder / "export.csv")
            seconds = time.perf_counter() - started
            print(
                f"{'export to CSV':<28} {exported:>8} rows {seconds:>7.2f} s "
                f"{exported / seconds:>9.0f} rows/s   peak RSS {peak_rss_mb():>6.0f} MB"
            )
        finally:
            await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
