"""The benchmark suite in one command.

    python -m bench                    # the full suite, under 15 minutes: docs/BENCHMARKS.md
    python -m bench --smoke            # tiny sizes, a minute or two; figures printed, not judged
    python -m bench --only tap,digest  # some sections (tap, rate, cpu, rss: the decision runs)

Starts the real `dpo-bot run` (and, in the same run, the bare aiogram floor bot of
`bench/floor_bot.py`) against the project's fake Bot API server with a 0 ms and a 50 ms round
trip, on SQLite and on a scratch PostgreSQL database; sends the digest through a server that
enforces Telegram's flood limits; times the flat-cost operations (`bench/flat_cost.py`), counts
statements per update and times imports. Prints one table, each figure beside its target.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import shlex
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import decisions, digest, imports, pg, statements
from bench.procs import machine
from bench.report import (
    Line,
    at_least,
    at_most,
    missing,
    ms,
    plain,
    ratio,
    show_ratio,
    table,
    times,
)

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("decisions", "digest", "flat", "statements", "import")
ALIASES = {"tap": "decisions", "rate": "decisions", "cpu": "decisions", "rss": "decisions"}
FLAT_TARGET = 1.5
# The suite must end within 15 minutes; the flat-cost section may not take more than this.
FLAT_LIMIT = 420.0
RSS_TARGET_MB = 200.0


@dataclass
class Sizes:
    directors: int = 50
    per_director: int = 120
    seconds: float = 12.0
    warmup: float = 3.0
    rtts: tuple[int, ...] = (0, 50)
    digest_directors: int = 1000
    flat_sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    flat_repeat: int = 3
    statement_sizes: tuple[int, ...] = (1_000, 100_000)
    import_rows: int = 100_000
    import_into: int = 1_000_000


SMOKE = Sizes(
    directors=5,
    per_director=60,
    seconds=3.0,
    warmup=1.0,
    digest_directors=30,
    flat_sizes=(2_000, 4_000),
    flat_repeat=1,
    statement_sizes=(100, 1_000),
    import_rows=2_000,
    import_into=10_000,
)


@dataclass
class Results:
    runs: dict[tuple[str, int], decisions.DecisionRun] = field(default_factory=dict)
    pg_skipped: str | None = None
    digest: digest.DigestRun | None = None
    flat: list[Any] | None = None
    flat_error: str | None = None
    statements: list[statements.StatementCounts] = field(default_factory=list)
    imports: imports.ImportRun | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part.replace("_", "")) for part in text.split(",") if part)


def parse(argv: list[str]) -> tuple[argparse.Namespace, Sizes, set[str]]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, about a minute or two")
    parser.add_argument(
        "--only",
        default="",
        help=f"sections, comma-separated: {', '.join(SECTIONS)} "
        "(tap, rate, cpu and rss are the decision runs)",
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--pg-url", default=pg.DEFAULT_ADMIN_URL, help="where to create bench_<pid>"
    )
    parser.add_argument("--rtts", help="round trips in ms, e.g. 0,50")
    parser.add_argument("--directors", type=int, help="concurrent directors")
    parser.add_argument("--per-director", type=int, help="cards each director may decide")
    parser.add_argument("--seconds", type=float, help="measured seconds of each decision run")
    parser.add_argument("--warmup", type=float, help="seconds before the measurement starts")
    parser.add_argument("--digest-directors", type=int)
    parser.add_argument("--flat-sizes", help="e.g. 10000,100000,1000000")
    parser.add_argument("--flat-repeat", type=int)
    parser.add_argument("--statement-sizes", help="e.g. 1000,100000")
    parser.add_argument("--import-rows", type=int)
    parser.add_argument("--import-into", type=int)
    parser.add_argument(
        "--output",
        type=Path,
        help="write the table here (default: docs/BENCHMARKS.md, none with --smoke)",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="an earlier BENCHMARKS.md whose table is appended as «before», with its heading",
    )
    parser.add_argument("--before-note", default="", help="what the earlier run measured")
    args = parser.parse_args(argv)
    sizes = Sizes(**vars(SMOKE)) if args.smoke else Sizes()
    for name in ("directors", "per_director", "seconds", "warmup", "digest_directors"):
        if getattr(args, name) is not None:
            setattr(sizes, name, getattr(args, name))
    for name in ("flat_repeat", "import_rows", "import_into"):
        if getattr(args, name) is not None:
            setattr(sizes, name, getattr(args, name))
    for name in ("rtts", "flat_sizes", "statement_sizes"):
        if getattr(args, name):
            setattr(sizes, name, _ints(getattr(args, name)))
    chosen = {ALIASES.get(s.strip(), s.strip()) for s in args.only.split(",") if s.strip()}
    unknown = chosen - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    if args.output is None and not args.smoke:
        args.output = ROOT / "docs" / "BENCHMARKS.md"
    return args, sizes, chosen or set(SECTIONS)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- the sections ------------------------------------------------------------------------------


async def run_decisions(args: argparse.Namespace, sizes: Sizes, results: Results) -> None:
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    common: dict[str, Any] = {
        "directors": sizes.directors,
        "per_director": sizes.per_director,
        "seconds": sizes.seconds,
        "warmup": sizes.warmup,
    }
    for rtt in sizes.rtts:
        say(f"decisions: floor bot, {rtt} ms")
        results.runs[("floor", rtt)] = await decisions.measure(
            floor=True, database_url=None, rtt_ms=rtt, label="floor", **common
        )
        if "sqlite" in databases:
            say(f"decisions: dpo-bot on SQLite, {rtt} ms")
            results.runs[("sqlite", rtt)] = await decisions.measure(
                floor=False, database_url=None, rtt_ms=rtt, label="SQLite", **common
            )
        if "postgresql" in databases:
            if results.pg_skipped is None:
                results.pg_skipped = await pg.unreachable(args.pg_url)
            if results.pg_skipped is not None:
                continue
            say(f"decisions: dpo-bot on PostgreSQL, {rtt} ms")
            async with pg.scratch(args.pg_url) as url:
                results.runs[("postgresql", rtt)] = await decisions.measure(
                    floor=False, database_url=url, rtt_ms=rtt, label="PostgreSQL", **common
                )
    if "postgresql" not in databases:
        results.pg_skipped = "PostgreSQL not selected (--databases)"
    if results.pg_skipped:
        say(f"decisions: PostgreSQL skipped: {results.pg_skipped}")


async def run_flat(sizes: Sizes, results: Results) -> None:
    try:
        module = importlib.import_module("bench.flat_cost")
        measure = module.measure
    except (ImportError, AttributeError) as exc:
        results.flat_error = f"not available ({type(exc).__name__}: {exc})"
        return
    kwargs: dict[str, Any] = {}
    if "repeat" in inspect.signature(measure).parameters:
        kwargs["repeat"] = sizes.flat_repeat
    try:
        rows = await asyncio.wait_for(measure(None, list(sizes.flat_sizes), **kwargs), FLAT_LIMIT)
        results.flat = list(rows)
    except TimeoutError:
        results.flat_error = f"did not finish in {FLAT_LIMIT:.0f} s"
    except Exception as exc:  # the section fails alone; the table says why
        results.flat_error = f"failed: {type(exc).__name__}: {exc}"


async def run_all(args: argparse.Namespace, sizes: Sizes, chosen: set[str]) -> Results:
    results = Results()
    for section in SECTIONS:
        if section not in chosen:
            continue
        started = time.perf_counter()
        say(f"== {section}")
        if section == "decisions":
            await run_decisions(args, sizes, results)
        elif section == "digest":
            results.digest = await digest.measure(sizes.digest_directors)
        elif section == "flat":
            await run_flat(sizes, results)
        elif section == "statements":
            for size in sizes.statement_sizes:
                results.statements.append(await statements.measure(size))
        elif section == "import":
            results.imports = await imports.measure(sizes.import_rows, sizes.import_into)
        results.seconds[section] = time.perf_counter() - started
        say(f"   {results.seconds[section]:.0f} s")
    return results


# -- the table ---------------------------------------------------------------------------------


def decision_lines(sizes: Sizes, results: Results) -> list[Line]:
    lines: list[Line] = []
    n = sizes.directors
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    for db in ("sqlite", "postgresql"):
        for rtt in sizes.rtts:
            floor = results.runs.get(("floor", rtt))
            run = results.runs.get((db, rtt))
            where = f"{names[db]}, {rtt} ms"
            if run is None:
                why = results.pg_skipped if db == "postgresql" else "not run"
                lines.append(missing(f"tap → prompt edited, {where}", f"skipped: {why}"))
                continue
            note = _note(run)
            p = [run.tap(q) for q in (0.5, 0.95, 0.99)]
            f = [floor.tap(q) for q in (0.5, 0.95, 0.99)] if floor else [None] * 3
            r = ratio(p[2], f[2])
            lines.append(
                Line(
                    f"tap «Без комментария» → prompt edited p50/p95/p99, {n} directors, {where}",
                    times(p) + note,
                    times(f),
                    show_ratio(r) + " (p99)",
                    "p99 ≤ ×2 floor",
                    at_most(r, 2.0),
                )
            )
            card = [run.card(q) for q in (0.5, 0.99)]
            lines.append(
                Line(
                    f"  … card refreshed p50/p99 ({len(run.card_waits)} of "
                    f"{run.total_decisions}), {where}",
                    times(card),
                )
            )
            r = ratio(run.rate, floor.rate if floor else None)
            lines.append(
                Line(
                    f"sustained decisions/s, {where}",
                    f"{run.rate:.1f}",
                    f"{floor.rate:.1f}" if floor else "—",
                    show_ratio(r),
                    "≥ ×0.5 floor",
                    at_least(r, 0.5),
                )
            )
            cpu = run.cpu_ms_per_decision
            floor_cpu = floor.cpu_ms_per_decision if floor else None
            r = ratio(cpu, floor_cpu)
            lines.append(
                Line(
                    f"CPU ms per decision (bot process), {where}",
                    "—" if cpu is None else f"{cpu:.1f}",
                    "—" if floor_cpu is None else f"{floor_cpu:.1f}",
                    show_ratio(r),
                    "≤ ×3 floor",
                    at_most(r, 3.0),
                )
            )
    return lines


def _note(run: decisions.DecisionRun) -> str:
    parts = []
    if run.failures:
        parts.append(f"{run.failures} timed out")
    if run.unfinished:
        parts.append(f"{run.unfinished} still waiting at the end")
    if run.tracebacks:
        parts.append(f"{run.tracebacks} tracebacks in the log")
    if run.error:
        parts.append(run.error[:120])
    return f" ({'; '.join(parts)})" if parts else ""


def rss_lines(results: Results) -> list[Line]:
    bots = [run for (kind, _), run in results.runs.items() if kind != "floor" and not run.error]
    floors = [run for (kind, _), run in results.runs.items() if kind == "floor"]
    if not bots:
        return [missing("`dpo-bot run` RSS idle / busy", "not measured (decision runs not run)")]
    idle = min(run.rss_idle_mb for run in bots)
    peaks = [run.rss_peak_mb for run in bots]
    if results.digest is not None and not results.digest.error:
        peaks.append(results.digest.rss_peak_mb)
    busy = max(peaks)
    floor = (
        f"{min(r.rss_idle_mb for r in floors):.0f} / {max(r.rss_peak_mb for r in floors):.0f} MB"
        if floors
        else "—"
    )
    return [
        Line(
            "`dpo-bot run` RSS idle / busy (peak)",
            f"{idle:.0f} / {busy:.0f} MB",
            floor,
            target=f"≤ {RSS_TARGET_MB:.0f} MB",
            verdict=at_most(busy, RSS_TARGET_MB),
        )
    ]


def digest_lines(results: Results) -> list[Line]:
    run = results.digest
    if run is None:
        return []
    n = f"{run.directors:,}"
    if run.error or run.seconds is None:
        return [missing(f"digest to {n} directors", run.error or "no digest delivered")]
    r = run.seconds / run.bound
    delivered = "" if run.delivered == run.directors else f" ({run.delivered:,} delivered)"
    return [
        Line(
            f"digest to {n} directors, 30 msg/s and 1/s per chat (bound {run.bound:.1f} s)",
            f"{run.seconds:.1f} s{delivered}",
            ratio=f"×{r:.2f} bound",
            target="≤ ×1.05 bound",
            verdict=at_most(r, 1.05) if not delivered else "over",
        ),
        Line(
            "429 answers during the digest",
            str(run.too_many),
            target="0",
            verdict=at_most(run.too_many, 0),
        ),
        Line(
            "card edit pressed during the digest waited (prompt edited in)",
            run.missing
            or (
                "—"
                if run.card_wait is None
                else f"{run.card_wait:.2f} s ({ms(run.prompt_wait)} ms)"
            ),
            target="≤ 1 s",
            verdict=at_most(run.card_wait, 1.0),
        ),
    ]


def flat_lines(results: Results, sizes: Sizes) -> list[Line]:
    if results.flat_error:
        return [missing("flat-cost operations", results.flat_error)]
    if results.flat is None:
        return []
    by: dict[str, dict[int, Any]] = {}
    for row in results.flat:
        by.setdefault(str(row.operation), {})[int(row.size)] = row
    all_sizes = sorted({size for rows in by.values() for size in rows})
    label = " / ".join(_size(s) for s in all_sizes)
    lines = []
    for name, rows in by.items():
        cells = [rows.get(s) for s in all_sizes]
        first, last = cells[0], cells[-1]
        r = ratio(last.seconds, first.seconds) if first and last else None
        value = " / ".join("—" if c is None else f"{c.seconds * 1000:.1f}" for c in cells)
        stmts = "/".join("—" if c is None else str(c.statements) for c in cells)
        lines.append(
            Line(
                f"{name} at {label} (statements)",
                f"{value} ms ({stmts})",
                ratio=f"×{r:.2f}" if r is not None else "—",
                target=f"≤ ×{FLAT_TARGET}",
                verdict=at_most(r, FLAT_TARGET),
            )
        )
    return lines


def statement_lines(results: Results) -> list[Line]:
    if not results.statements:
        return []
    errors = [s.error for s in results.statements if s.error]
    label = " / ".join(_size(s.applications) for s in results.statements)
    lines = []
    for update in statements.UPDATES:
        counts = [s.counts.get(update) for s in results.statements]
        same = len(set(counts)) == 1 and counts[0] is not None
        if errors and None in counts:
            figure = f"SQL statements per update {update}, {label} applications"
            lines.append(missing(figure, f"failed: {errors[0]}"))
            continue
        lines.append(
            Line(
                f"SQL statements per update {update}, {label} applications",
                " / ".join("—" if c is None else str(c) for c in counts),
                target="the same at every size",
                verdict="ok" if same else "over",
            )
        )
    return lines


def import_lines(results: Results) -> list[Line]:
    run = results.imports
    if run is None:
        return []
    lines = []
    for key, target in (("fresh", 20_000.0), ("repeat", None), ("into", None)):
        step = run.steps.get(key)
        if step is None:
            continue
        figure = f"import rows/s: {step.label}"
        if step.error:
            lines.append(missing(figure, step.error))
            continue
        rate = step.rate
        lines.append(
            Line(
                figure,
                f"{rate:,.0f} ({step.seconds:.1f} s)" if rate and step.seconds else "—",
                target=f"≥ {target:,.0f}" if target else "—",
                verdict=at_least(rate, target) if target else "—",
            )
        )
    peaks = [s.peak_rss_mb for s in run.steps.values() if s.peak_rss_mb is not None]
    if peaks:
        lines.append(Line("import peak RSS (worst of the imports)", f"{max(peaks):.0f} MB"))
    return lines


def _size(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return f"{n:,}"


def lines_of(sizes: Sizes, results: Results, chosen: set[str]) -> list[Line]:
    lines: list[Line] = []
    if "decisions" in chosen:
        lines += decision_lines(sizes, results)
    lines += digest_lines(results)
    if "decisions" in chosen:
        lines += rss_lines(results)
    lines += flat_lines(results, sizes)
    lines += statement_lines(results)
    lines += import_lines(results)
    return lines


def earlier(path: Path, note: str) -> list[str]:
    """The table and the heading facts of an earlier run, to keep beside the new one."""
    text = path.read_text(encoding="utf-8").splitlines()
    facts = [line for line in text if line.startswith("- ")][:4]
    rows = [line for line in text if line.startswith("|")]
    head = ["", "## Before", ""] + ([note, ""] if note else [])
    return head + facts + [""] + rows


def document(
    command: str,
    lines: list[Line],
    results: Results,
    sizes: Sizes,
    smoke: bool,
    before: list[str] | None = None,
) -> str:
    now = datetime.now(UTC).astimezone()
    total = sum(results.seconds.values())
    spent = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in results.seconds.items())
    return "\n".join(
        [
            "# Benchmarks",
            "",
            f"- command: `{command}`" + (" (smoke sizes: figures are not meaningful)" * smoke),
            f"- date: {now:%Y-%m-%d %H:%M %Z}",
            f"- machine: {machine()}",
            f"- took: {total:.0f} s ({spent})",
            "",
            table(lines),
            "",
            METHOD.format(
                directors=sizes.directors,
                seconds=sizes.seconds,
                warmup=sizes.warmup,
                digest=sizes.digest_directors,
            ).strip(),
            *(before or []),
            "",
        ]
    )


METHOD = """
## How the figures are made

`python -m bench` starts `dpo-bot run` as a process (the console script beside the running
Python, `BOT_TOKEN`, `TELEGRAM_API_URL`, `DATABASE_URL`) against the project's fake Bot API server
(`bot/fakeapi`), wrapped by `bench/fake.py` to add a round trip to every request and, for the
digest, Telegram's flood limits. The floor is `bench/floor_bot.py`, a bare aiogram 3 bot that
answers the callback and edits its message, run as its own process against the same server.
Data are written straight into the database by Core inserts after the migrations.

- **Decisions.** {directors} directors, each with a linked and consented account and a card per
  new application, decide one card after another as fast as the bot answers: «✅ Одобрить» →
  the comment prompt → «Без комментария» → the prompt edited into the result. The tap figure is
  the last step (press injected → edit answered by the server); the floor answers the same
  presses by editing the pressed message. Decisions/s count those completed within
  {seconds:.0f} s after a {warmup:.0f} s warm-up. CPU is the process's utime+stime from
  /proc/<pid>/stat, from the first press until the process is idle again (its outbox work
  included), divided by the decisions made. «Card refreshed» is the wait from the press until
  the card itself was edited by the outbox (no target of its own). This server enforces no
  limits and the floor keeps none, so the bot runs with its own Telegram budget lifted
  (`SEND_RATE=1000`, `SEND_CHAT_INTERVAL=0`): the figures compare the cores. With the budget on,
  each director would be held to one new message a second in their chat (the comment prompt)
  and the region to 30 calls a second; the digest below measures that budget.
- **Digest.** {digest} directors with one new application each; today made a working day and the
  digest due since midnight, so the bot sends all of them on start. The server answers 429
  (`retry_after` 1) to a message beyond 30 in any second or a second new message into a chat
  within a second (edits count towards the 30, not towards the per-chat limit). The time runs
  from the bot's first request to the last digest delivered. Meanwhile another director (whose
  digest went out earlier) decides a card; the figure is the wait from «Без комментария» until
  the card was edited.
- **Flat cost** is `bench/flat_cost.py` (median seconds per operation and its SQL statements at
  each size); **statements per update** feed the decision flow's updates to the real dispatcher
  in-process with a statement counter; **imports** run `services.importer` in a process of their
  own per file (peak RSS from `getrusage`), on files from `bench/import_100k.py`.
- RSS: idle is measured a second after the bot started polling; busy is the peak (VmHWM) after
  the load. The machine is shared: figures move by some tens of percent between runs.
"""


def _measuring(argv: list[str]) -> list[str]:
    """The arguments that shape the figures (--before and --before-note only add a table)."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--before", "--before-note"):
            skip = True
        elif not arg.startswith(("--before=", "--before-note=")):
            kept.append(arg)
    return kept


def main(argv: list[str] | None = None) -> int:
    args, sizes, chosen = parse(sys.argv[1:] if argv is None else argv)
    command = shlex.join(
        ["python", "-m", "bench", *_measuring(sys.argv[1:] if argv is None else argv)]
    )
    results = asyncio.run(run_all(args, sizes, chosen))
    lines = lines_of(sizes, results, chosen)
    print(plain(lines))
    if args.output is not None:
        before = earlier(args.before, args.before_note) if args.before else None
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(
            document(command, lines, results, sizes, args.smoke, before), encoding="utf-8"
        )
        say(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
