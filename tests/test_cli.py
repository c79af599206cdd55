"""The operator's command line, run as the operator runs it: `dpo-bot ...` in a process."""

from __future__ import annotations

import csv
import hashlib
import os
import pty
import re
import subprocess
from pathlib import Path

import pytest

from bot.fakeapi import FakeTelegram
from tests.conftest import DPO_BOT, FIXTURES, SAMPLES, english
from tests.e2e.conftest import TOKEN

SAMPLE_FILES = [SAMPLES / "people.csv", SAMPLES / "applications.csv", SAMPLES / "assessment.csv"]


def cli(
    tmp_path: Path, *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    base.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    base.update(env or {})
    return subprocess.run(
        [DPO_BOT, *map(str, args)],
        cwd=tmp_path,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "command",
    ["run", "migrate", "import", "export", "invite", "digest", "remind", "backup", "forget"],
)
def test_every_command_has_help(tmp_path: Path, command: str) -> None:
    result = cli(tmp_path, command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage: dpo-bot " + command in result.stdout


def test_samples_import_then_export_round_trips(tmp_path: Path) -> None:
    assert cli(tmp_path, "migrate").returncode == 0
    imported = cli(tmp_path, "import", *SAMPLE_FILES)
    assert imported.returncode == 0, imported.stderr
    assert "applications: created 5, updated 0" in imported.stdout
    assert "people: created 6" in imported.stdout

    again = cli(tmp_path, "import", *SAMPLE_FILES)
    assert "applications: created 0, updated 0, unchanged 5" in again.stdout

    for name in ("out.csv", "out.xlsx"):
        exported = cli(tmp_path, "export", tmp_path / name)
        assert exported.returncode == 0, exported.stderr
        assert "5 applications" in exported.stdout
        before = digest(tmp_path / "db.sqlite3")
        back = cli(tmp_path, "import", tmp_path / name)
        assert back.returncode == 0, back.stderr
        assert "applications: created 0, updated 0, unchanged 5" in back.stdout
        assert "status changes" not in back.stdout
        assert digest(tmp_path / "db.sqlite3") == before

    with (tmp_path / "out.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert {r["Номер заявки"] for r in rows} == {"43112", "43113", "39746", "39742", "39735"}


def test_bad_file_is_refused_with_line_numbers_and_the_database_unchanged(
    tmp_path: Path,
) -> None:
    assert cli(tmp_path, "import", *SAMPLE_FILES).returncode == 0
    before = digest(tmp_path / "db.sqlite3")
    refused = cli(tmp_path, "import", FIXTURES / "applications_bad.csv")
    assert refused.returncode == 1
    errors = [line for line in refused.stderr.splitlines() if line.startswith("  applic")]
    assert len(errors) == 11, refused.stderr
    assert all(re.match(r"  applications_bad\.csv:\d+: ", line) for line in errors)
    assert "Статус = «Неизвестно»" in refused.stderr
    assert "the file was not imported" in refused.stderr
    assert english(refused.stderr)
    assert digest(tmp_path / "db.sqlite3") == before


def test_dry_run_reports_and_writes_nothing(tmp_path: Path) -> None:
    assert cli(tmp_path, "migrate").returncode == 0
    before = digest(tmp_path / "db.sqlite3")
    result = cli(tmp_path, "import", "--dry-run", *SAMPLE_FILES)
    assert result.returncode == 0, result.stderr
    assert "dry run, nothing written" in result.stdout
    assert "applications: created 5" in result.stdout and english(result.stdout)
    assert digest(tmp_path / "db.sqlite3") == before


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    assert cli(tmp_path, "migrate").returncode == 0
    quiet = cli(tmp_path, "import", "--dry-run", SAMPLES / "people.csv")
    assert "people.csv  [" not in quiet.stderr and "%" not in quiet.stderr

    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [DPO_BOT, "import", "--dry-run", str(SAMPLES / "people.csv")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=60) == 0
    os.close(leader)
    assert "100%" in output.decode(errors="replace")


def test_invite_prints_links_and_writes_a_file(tmp_path: Path) -> None:
    assert cli(tmp_path, "import", SAMPLES / "people.csv").returncode == 0
    result = cli(tmp_path, "invite", "P-1001", "P-2001", env={"BOT_USERNAME": "@dpo74_bot"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    for line in lines:
        _person, _name, link, code, _expires = line.split("\t")
        assert link == f"https://t.me/dpo74_bot?start={code}"
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", code)
    out = tmp_path / "school.csv"
    by_org = cli(
        tmp_path,
        "invite",
        "--org",
        "МАОУ «СОШ № 12 г. Челябинска»",
        "--out",
        out,
        env={"BOT_USERNAME": "dpo74_bot"},
    )
    assert by_org.returncode == 0, by_org.stderr
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert sorted(r["Код"] for r in rows) == ["P-1001", "P-1002", "P-1003"]

    unknown = cli(tmp_path, "invite", "P-404", env={"BOT_USERNAME": "dpo74_bot"})
    assert unknown.returncode != 0 and "Error: unknown codes: P-404" in unknown.stderr
    assert english(unknown.stderr)
    nobody = cli(tmp_path, "invite", "P-1001")
    assert nobody.returncode != 0 and "BOT_USERNAME" in nobody.stderr


async def test_invite_asks_telegram_for_the_username_when_a_token_is_set(tmp_path: Path) -> None:
    import asyncio

    assert cli(tmp_path, "import", SAMPLES / "people.csv").returncode == 0
    async with FakeTelegram(token=TOKEN, bot_username="chiro_dpo_bot") as fake:
        env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.base_url, "BOT_USERNAME": "wrong"}
        result = await asyncio.to_thread(cli, tmp_path, "invite", "P-1001", env=env)
        assert fake.calls_of("getMe")
    assert result.returncode == 0, result.stderr
    assert "https://t.me/chiro_dpo_bot?start=" in result.stdout
