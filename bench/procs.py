"""Processes under measurement: `dpo-bot run` and the floor bot, their CPU time and memory.

CPU and memory are read from /proc (Linux), so nothing beyond the standard library is needed.
"""

from __future__ import annotations

import asyncio
import os
import platform
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.fake import TOKEN, BenchTelegram

DPO_BOT = str(Path(sys.executable).with_name("dpo-bot"))
_TICKS = os.sysconf("SC_CLK_TCK")
# Settings a developer's shell might carry that must not leak into the bot under measurement.
_SCRUB = {
    "BOT_TOKEN",
    "BOT_USERNAME",
    "DATABASE_URL",
    "REDIS_URL",
    "API_TOKEN",
    "WEBHOOK_BASE_URL",
    "WEBHOOK_OUT_URL",
    "TELEGRAM_API_URL",
    "WORKDAYS_FILE",
    "DIGEST_TIME",
    "QUIET_HOURS",
}


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (all its threads), in seconds."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
        else:
            memory = "? GiB"
    except OSError:
        memory = "? GiB"
    return (
        f"{os.cpu_count()} cores ({model}), {memory} memory, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


@dataclass
class Proc:
    """One bot process: started, waited for until it polls, measured, stopped."""

    name: str
    argv: list[str]
    env: dict[str, str]
    workdir: Path
    process: asyncio.subprocess.Process | None = None
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.workdir / f"{self.name}.log"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self, fake: BenchTelegram, timeout: float = 180) -> None:
        polls = fake.poll_count
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                cwd=self.workdir,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        try:
            await fake.wait_polling(timeout=timeout, after=polls)
        except TimeoutError:
            await self.stop()
            raise RuntimeError(f"{self.name} did not start polling:\n{self.tail()}") from None

    async def stop(self, timeout: float = 30) -> int | None:
        if self.process is None:
            return None
        process, self.process = self.process, None
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                process.kill()
                await process.wait()
        return process.returncode

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def memory(self) -> tuple[float, float]:
        return memory_mb(self.pid)

    def tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def tracebacks(self) -> int:
        if not self.log_path.exists():
            return 0
        return self.log_path.read_text(errors="replace").count("Traceback")


def base_env(api_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in _SCRUB}
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=api_url,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        WEB_HOST="127.0.0.1",
    )
    env.update(extra)
    return env


def dpo_bot(workdir: Path, api_url: str, database_url: str, **extra: str) -> Proc:
    env = base_env(api_url, DATABASE_URL=database_url, QUIET_HOURS="off", **extra)
    return Proc("dpo-bot", [DPO_BOT, "run"], env, workdir)


def floor_bot(workdir: Path, api_url: str) -> Proc:
    script = str(Path(__file__).with_name("floor_bot.py"))
    return Proc("floor", [sys.executable, script], base_env(api_url), workdir)
