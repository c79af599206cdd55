"""The Docker files, checked by parsing them (no Docker engine here), and the chart's font."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image, ImageDraw
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.api import build_web_app
from bot.serve import STOP_GRACE_SECONDS, WEBHOOK_PATH
from bot.settings import Settings
from handlers.render import overview_chart

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
DEBIAN_DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FIELDS = {name.upper() for name in Settings.model_fields}


def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


def bot_service() -> dict[str, Any]:
    services = compose()["services"]
    built = [service for service in services.values() if service.get("build") == "."]
    assert len(built) == 1, "one service runs the image built from the Dockerfile"
    service = built[0]
    assert isinstance(service, dict)
    return service


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's `${VAR}` / `${VAR:-default}` substitution (the forms this file uses)."""

    def one(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(3)
        return env.get(name) or (default if default is not None else "")

    return re.sub(r"\$\{([A-Z0-9_]+)(:[-?]([^}]*))?\}", one, value)


def seconds(duration: str) -> float:
    """A compose duration such as `75s`, `1m15s`, `1m30s500ms`."""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(float(number) * units[unit] for number, unit in parts)


def env_example() -> list[tuple[str, str, bool]]:
    """(name, value, commented out) for every `NAME=value` line of .env.example."""
    lines = []
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.fullmatch(r"(#\s*)?([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            lines.append((match.group(2), match.group(3), match.group(1) is not None))
    return lines


# --- docker-compose.yml ---------------------------------------------------------------------------


def test_compose_environment_is_settings() -> None:
    service = bot_service()
    assert service["env_file"] == ".env"
    names = set(service.get("environment", {}))
    assert names, "the scale-out example sets DATABASE_URL and REDIS_URL"
    assert names <= FIELDS, f"not settings of the bot: {sorted(names - FIELDS)}"


def test_compose_runs_replicas_in_webhook_mode_behind_nginx() -> None:
    service = bot_service()
    environment = {name: str(value) for name, value in service["environment"].items()}
    assert int(service["deploy"]["replicas"]) >= 2
    # Two replicas cannot both poll: compose refuses to start without the webhook address.
    assert re.fullmatch(r"\$\{WEBHOOK_BASE_URL:\?.+\}", environment["WEBHOOK_BASE_URL"])
    port = environment["WEB_PORT"]
    assert environment["WEB_HOST"] == "0.0.0.0"
    assert "ports" not in service and port in [str(p) for p in service["expose"]]
    assert f"EXPOSE {Settings(_env_file=None).web_port}" in DOCKERFILE and port == "8080"
    assert int(environment["DATABASE_POOL_SIZE"]) * int(service["deploy"]["replicas"]) < 100, (
        "the replicas' pools must fit a stock PostgreSQL (max_connections 100)"
    )

    nginx = compose()["services"]["nginx"]
    [mount] = nginx["volumes"]
    source = mount.split(":")[0]
    conf = (ROOT / source).read_text()
    assert f"set $bot http://bot:{port};" in conf
    for location in (f"location = {WEBHOOK_PATH} ", "location /api/ ", "location = /healthz "):
        assert location + "{ proxy_pass $bot; }" in conf, location
    assert "resolver 127.0.0.11" in conf  # Docker's DNS, re-resolved: every replica is reached
    published = [interpolate(str(entry), {}).split(":")[-1] for entry in nginx["ports"]]
    assert published == ["80"]


def test_compose_stop_grace_exceeds_the_bots_own_stop() -> None:
    # on_shutdown waits in-flight updates, the outbox sender and the outbound webhooks,
    # STOP_GRACE_SECONDS each; compose must not SIGKILL the bot before that.
    worst_case = 3 * STOP_GRACE_SECONDS
    assert seconds(str(bot_service()["stop_grace_period"])) > worst_case


# --- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_healthcheck_asks_healthz() -> None:
    match = re.search(r"^HEALTHCHECK ((?:[^\n]*\\\n)*[^\n]*)", DOCKERFILE, re.MULTILINE)
    assert match, "the Dockerfile has a HEALTHCHECK"
    check = match.group(1)
    for option in ("--interval=", "--timeout=", "--start-period="):
        assert option in check
    assert "CMD " in check
    assert "http://127.0.0.1:${WEB_PORT:-8080}/healthz" in check
    # ... a path the bot serves even without API_TOKEN (bot/app.py serves this app in polling).
    app = build_web_app(async_sessionmaker(), Settings(_env_file=None, api_token=None))
    assert "/healthz" in {resource.canonical for resource in app.router.resources()}


def test_dockerfile_installs_the_chart_font() -> None:
    install = re.search(r"apt-get install(?:[^\n]*\\\n)*[^\n]*", DOCKERFILE)
    assert install and "fonts-dejavu-core" in install.group(0)
    assert "--no-install-recommends" in install.group(0)
    assert "rm -rf /var/lib/apt/lists/*" in DOCKERFILE
    # Where Debian's fonts-dejavu-core puts it, among the paths the chart looks at.
    assert DEBIAN_DEJAVU in overview_chart._FONTS


# --- .env.example ---------------------------------------------------------------------------------


def test_env_example_keys_are_settings() -> None:
    names = {name for name, _, _ in env_example()}
    assert {"BOT_TOKEN", "DATABASE_URL", "WEB_PORT"} <= names
    assert names <= FIELDS, f"not settings of the bot: {sorted(names - FIELDS)}"


def test_env_example_database_works_in_docker_too() -> None:
    # A .env copied from .env.example overrides the image's DATABASE_URL (on /data); a relative
    # SQLite path would land in /app, which the image's `dpo` user cannot write.
    image = re.search(r"DATABASE_URL=(\S+)", DOCKERFILE)
    assert image and image.group(1) == "sqlite+aiosqlite:////data/dpo-bot.sqlite3"
    for name, value, commented in env_example():
        if name != "DATABASE_URL" or commented or not value.startswith("sqlite"):
            continue
        path = Settings(_env_file=None, database_url=value).sqlite_path()
        assert path is not None and path.is_absolute() and path.parts[:2] == ("/", "data"), value


# --- the chart's font ---------------------------------------------------------------------------


def test_chart_font_draws_cyrillic() -> None:
    if not any(Path(path).exists() for path in overview_chart._FONTS):
        pytest.skip(f"no font of {overview_chart._FONTS} here (apt-get install fonts-dejavu-core)")
    font = overview_chart._font(32)

    def bitmap(char: str) -> bytes:
        image = Image.new("L", (64, 64))
        ImageDraw.Draw(image).text((8, 8), char, font=font, fill=255)
        return image.tobytes()

    word = "Заявки"
    assert font.getbbox(word)[2] > 0
    # A font without Cyrillic draws the same "missing glyph" box for every letter.
    assert len({bitmap(char) for char in word}) == len(word)
    assert bitmap("Ж") != bitmap("Ю")
