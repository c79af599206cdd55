"""Property-based tests of the HTTP API from its own OpenAPI document (schemathesis).

The API runs as a real aiohttp server (its own event loop in a thread) on a real SQLite database;
schemathesis loads /api/openapi.json from it and exercises every operation with generated input.
No answer may be a 5xx, and every answer must match the document.
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from pydantic import SecretStr
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from bot.api import build_api_app
from bot.settings import Settings
from models import Base
from models.engine import create_engine, create_sessionmaker

TOKEN = "schemathesis-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SEED = {
    "applicant_code": "T-1",
    "applicant_name": "Петрова Анна Ивановна",
    "organization": "МОУ «СОШ № 1»",
    "kind": "assessment",
    "program": "Программа",
    "group": "Группа",
}


class _Server:
    """The API on 127.0.0.1 (any free port), served by a loop in a background thread."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.port = 0
        self.failure: BaseException | None = None

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        engine = create_engine(f"sqlite+aiosqlite:///{self.database}")

        async def start() -> web.AppRunner:
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.create_all)
            settings_ = Settings(_env_file=None, api_token=SecretStr(TOKEN))
            runner = web.AppRunner(build_api_app(create_sessionmaker(engine), settings_))
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            server = site._server
            assert server is not None
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
            return runner

        try:
            runner = self.loop.run_until_complete(start())
        except BaseException as exc:
            self.failure = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())
        self.loop.run_until_complete(engine.dispose())
        self.loop.close()

    def __enter__(self) -> str:
        self.thread.start()
        self.ready.wait(10)
        if self.failure is not None:
            raise self.failure
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def _put(base: str, path: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={**AUTH, "Content-Type": "application/json"},
        method="PUT",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


@pytest.fixture
def api_base(tmp_path: Path) -> Iterator[str]:
    with _Server(tmp_path / "api.sqlite3") as base:
        # Something to find: generated numbers 1 and 2 reach an existing application.
        _put(base, "/api/v1/applications/1", SEED)
        _put(base, "/api/v1/applications/2", {**SEED, "status": "approved"})
        yield base


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_openapi_document(api_base: str, mode: GenerationMode) -> None:
    # schemathesis' pytest plugin does not run under pytest 9, so hypothesis drives it directly.
    schema = schemathesis.openapi.from_url(f"{api_base}/api/openapi.json")
    labels = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        labels.append(operation.label)
        if mode is GenerationMode.NEGATIVE and operation.label == "GET /healthz":
            continue  # no input to get wrong

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: Any) -> None:
            response = case.call(base_url=api_base, headers=AUTH)
            case.validate_response(response, checks=CHECKS)

        exercise()
    assert len(labels) == 6


def test_openapi_document_covers_every_operation(api_base: str) -> None:
    with urllib.request.urlopen(f"{api_base}/api/openapi.json", timeout=10) as response:
        document = json.load(response)
    operations = {
        (method.upper(), path) for path, methods in document["paths"].items() for method in methods
    }
    assert operations == {
        ("PUT", "/api/v1/people/{code}"),
        ("GET", "/api/v1/applications"),
        ("PUT", "/api/v1/applications/{number}"),
        ("GET", "/api/v1/applications/{number}"),
        ("POST", "/api/v1/applications/{number}/status"),
        ("GET", "/healthz"),
    }
