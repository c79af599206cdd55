"""The HTTP API (PRODUCT.md §7.4) over real HTTP against a real database (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.api import build_api_app, build_web_app
from bot.settings import Settings
from models import (
    Application,
    Channel,
    HistoryAction,
    HistoryEntry,
    OutboxMessage,
    Person,
    Role,
    Status,
)
from models.engine import create_engine, create_sessionmaker
from tests import factories as f

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def settings() -> Settings:
    return Settings(_env_file=None, api_token=SecretStr(TOKEN))


@pytest_asyncio.fixture
async def client(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[TestClient[Any, Any]]:
    woken: list[int] = []
    app = build_api_app(sessionmaker, settings(), wake=lambda: woken.append(1))
    async with TestClient(TestServer(app)) as test_client:
        test_client.woken = woken  # type: ignore[attr-defined]
        yield test_client


async def school_with_director(
    sessionmaker: async_sessionmaker[AsyncSession], name: str = "МОУ «СОШ № 1»"
) -> tuple[int, int]:
    async with sessionmaker.begin() as session:
        org = await f.organization(session, name)
        director = await f.person(session, org, Role.DIRECTOR, telegram_id=777000 + org.id)
        return org.id, director.id


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "applicant_code": "T-1",
        "applicant_name": "Петрова Анна Ивановна",
        "organization": "МОУ «СОШ № 1»",
        "kind": "assessment",
        "program": "Оценка профессиональных компетенций учителей",
        "group": "Предварительная запись на 2025 год",
        "hours": 72,
        "study_start": "2025-02-05",
        "study_end": "2025-02-28",
        "form": "заочная",
        "status": "new",
    }
    data.update(overrides)
    return data


async def put(client: TestClient[Any, Any], number: int, **overrides: Any) -> dict[str, Any]:
    response = await client.put(
        f"/api/v1/applications/{number}", json=body(**overrides), headers=AUTH
    )
    assert response.status == 200, await response.text()
    result: dict[str, Any] = await response.json()
    return result


async def test_token_required_and_compared(client: TestClient[Any, Any]) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = await client.get("/api/v1/applications", headers=headers)
        assert response.status == 401
        assert (await response.json())["error"] == "unauthorized"
        response = await client.put("/api/v1/applications/1", json=body(), headers=headers)
        assert response.status == 401
    response = await client.get("/api/v1/applications", headers=AUTH)
    assert response.status == 200


async def test_healthz_and_openapi_need_no_token(client: TestClient[Any, Any]) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "database": True}
    response = await client.get("/api/openapi.json")
    assert response.status == 200
    document = await response.json()
    assert document["openapi"].startswith("3.1")
    assert "ApplicationIn" in document["components"]["schemas"]
    assert set(document["paths"]) == {
        "/api/v1/people/{code}",
        "/api/v1/applications",
        "/api/v1/applications/{number}",
        "/api/v1/applications/{number}/status",
        "/healthz",
    }


async def test_healthz_reports_unreachable_database(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite3'}")
    app = build_api_app(create_sessionmaker(engine), settings())
    try:
        async with TestClient(TestServer(app)) as test_client:
            response = await test_client.get("/healthz")
            assert response.status == 503
            assert await response.json() == {"status": "unavailable", "database": False}
    finally:
        await engine.dispose()


async def test_healthz_is_served_without_api_token(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # The app `dpo-bot run` serves beside long polling: /healthz (for the image's HEALTHCHECK)
    # even when API_TOKEN is unset, and nothing of the API itself.
    for token in (None, SecretStr("  ")):
        app = build_web_app(sessionmaker, Settings(_env_file=None, api_token=token))
        async with TestClient(TestServer(app)) as test_client:
            response = await test_client.get("/healthz")
            assert response.status == 200
            assert await response.json() == {"status": "ok", "database": True}
            for path in ("/api/v1/applications", "/api/openapi.json"):
                assert (await test_client.get(path, headers=AUTH)).status == 404
    app = build_web_app(sessionmaker, settings())
    async with TestClient(TestServer(app)) as test_client:
        assert (await test_client.get("/healthz")).status == 200
        assert (await test_client.get("/api/v1/applications", headers=AUTH)).status == 200


async def test_malformed_json_is_400(client: TestClient[Any, Any]) -> None:
    # The last: nested deeper than the parser goes (a RecursionError, once a 500).
    for raw in (b"{not json", b"\xff\xfe", b"[1, 2]", b"[" * 100_000 + b"]" * 100_000):
        response = await client.put(
            "/api/v1/applications/43112",
            data=raw,
            headers={**AUTH, "Content-Type": "application/json"},
        )
        assert response.status == 400
        assert (await response.json())["error"] == "malformed"


async def test_invalid_fields_are_422_naming_the_field(
    client: TestClient[Any, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    cases = [
        (body(kind="webinar"), "kind"),
        (body(status="done"), "status"),
        (body(study_start="2025-03-01", study_end="2025-02-01"), "study_end"),
        (body(hours="many"), "hours"),
        (body(extra_field=1), "extra_field"),
        ({k: v for k, v in body().items() if k != "program"}, "program"),
        (body(applicant_name=None), "applicant_name"),  # an unknown applicant needs a name
    ]
    for data, field in cases:
        response = await client.put("/api/v1/applications/43112", json=data, headers=AUTH)
        assert response.status == 422, field
        answer = await response.json()
        assert answer["field"] == field
        assert answer["errors"][0]["field"] == field
    response = await client.put("/api/v1/applications/0", json=body(), headers=AUTH)
    assert (response.status, (await response.json())["field"]) == (422, "number")
    response = await client.put(
        "/api/v1/people/P-1", json={"full_name": "Иванов И. И.", "phone": "call me"}, headers=AUTH
    )
    assert (response.status, (await response.json())["field"]) == (422, "phone")
    response = await client.get("/api/v1/applications?limit=0", headers=AUTH)
    assert (response.status, (await response.json())["field"]) == (422, "limit")
    async with sessionmaker() as session:
        assert await session.scalar(select(Application.id)) is None
        assert await session.scalar(select(Person.id)) is None


async def test_new_application_notifies_the_director(
    client: TestClient[Any, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    _, director_id = await school_with_director(sessionmaker)
    saved = await put(client, 43112)
    assert saved["created"] is True
    assert saved["number"] == 43112
    assert saved["status"] == "new"
    assert saved["applicant_code"] == "T-1"
    assert (saved["study_start"], saved["study_end"]) == ("2025-02-05", "2025-02-28")
    assert client.woken  # type: ignore[attr-defined]
    async with sessionmaker() as session:
        cards = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.method == "card"))
        ).all()
        assert [(card.person_id, card.payload["type"]) for card in cards] == [(director_id, "card")]
        created = (await session.scalars(select(HistoryEntry))).one()
        assert (created.action, created.channel) == (HistoryAction.CREATED, Channel.API)
        applicant = await session.scalar(select(Person).where(Person.code == "T-1"))
        assert applicant is not None and applicant.roles == {Role.TEACHER}

    again = await put(client, 43112)
    assert again["created"] is False
    async with sessionmaker() as session:
        assert len((await session.scalars(select(OutboxMessage))).all()) == 1
        assert len((await session.scalars(select(HistoryEntry))).all()) == 1


async def test_applicant_of_another_school_is_422(
    client: TestClient[Any, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await school_with_director(sessionmaker)
    await put(client, 1)
    response = await client.put(
        "/api/v1/applications/2", json=body(organization="Другая школа"), headers=AUTH
    )
    assert (response.status, (await response.json())["field"]) == (422, "organization")


async def test_number_in_the_body_must_match_the_path(
    client: TestClient[Any, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await school_with_director(sessionmaker)

    async def put_with_number(path: int, **overrides: Any) -> dict[str, Any]:
        response = await client.put(
            f"/api/v1/applications/{path}", json=body(number=path, **overrides), headers=AUTH
        )
        assert response.status == 200, await response.text()
        result: dict[str, Any] = await response.json()
        return result

    # The same number as the path: taken as if the body had none.
    created = await put_with_number(43112)
    assert (created["created"], created["number"], created["status"]) == (True, 43112, "new")
    without = await put(client, 43113)
    ignore = {"number", "created_at", "updated_at"}
    assert {k: v for k, v in created.items() if k not in ignore} == {
        k: v for k, v in without.items() if k not in ignore
    }
    updated = await put_with_number(43112, group="59/23-ГЗ")
    assert (updated["created"], updated["group"]) == (False, "59/23-ГЗ")

    async with sessionmaker() as session:
        before = (await session.execute(select(Application.__table__))).all()
        history = len((await session.scalars(select(HistoryEntry))).all())
        outbox = len((await session.scalars(select(OutboxMessage))).all())
    # Another number: 422 naming `number`, and nothing changes, neither 43112 nor 43114.
    for path, number in ((43112, 43114), (43114, 43112)):
        response = await client.put(
            f"/api/v1/applications/{path}",
            json=body(number=number, group="Другая группа", status="cancelled"),
            headers=AUTH,
        )
        assert response.status == 422, number
        answer = await response.json()
        assert (answer["error"], answer["field"]) == ("invalid", "number")
        assert [error["field"] for error in answer["errors"]] == ["number"]
    async with sessionmaker() as session:
        assert (await session.execute(select(Application.__table__))).all() == before
        assert len((await session.scalars(select(HistoryEntry))).all()) == history
        assert len((await session.scalars(select(OutboxMessage))).all()) == outbox
        assert await session.scalar(select(Application).where(Application.number == 43114)) is None


async def test_a_cancellation_needs_a_reason_when_configured(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """REQUIRE_CANCEL_REASON binds the API's status transition too; the upsert, a copy of the
    regional module's record, is not asked."""
    strict = Settings(_env_file=None, api_token=SecretStr(TOKEN), require_cancel_reason=True)
    app = build_api_app(sessionmaker, strict)
    await school_with_director(sessionmaker)
    async with TestClient(TestServer(app)) as client:
        await put(client, 500)
        url = "/api/v1/applications/500/status"
        for comment in (None, "   "):
            payload = {"status": "cancelled"} | ({"comment": comment} if comment else {})
            refused = await client.post(url, json=payload, headers=AUTH)
            answer = await refused.json()
            assert (refused.status, answer["error"], answer["field"]) == (422, "invalid", "comment")
        async with sessionmaker() as session:
            app_row = await session.scalar(select(Application).where(Application.number == 500))
            assert app_row is not None and app_row.status is Status.NEW
        done = await client.post(
            url, json={"status": "cancelled", "comment": "Нет мест"}, headers=AUTH
        )
        assert done.status == 200, await done.text()
        copied = await put(client, 501, status="cancelled")
        assert copied["status"] == "cancelled"


async def test_transitions_and_refusals(
    client: TestClient[Any, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await school_with_director(sessionmaker)
    await put(client, 500)
    url = "/api/v1/applications/500/status"

    refused = await client.post(url, json={"status": "included"}, headers=AUTH)
    assert refused.status == 409
    assert (await refused.json())["current_status"] == "new"

    approved = await client.post(
        url, json={"status": "approved", "comment": "Документы проверены"}, headers=AUTH
    )
    assert approved.status == 200, await approved.text()
    detail = await approved.json()
    assert detail["status"] == "approved"
    assert [c["text"] for c in detail["comments"]] == ["Документы проверены"]
    assert [(h["action"], h["channel"], h["to_value"]) for h in detail["history"]] == [
        ("created", "api", "new"),
        ("status", "api", "approved"),
    ]

    stale = await client.post(url, json={"status": "cancelled", "seen": "new"}, headers=AUTH)
    assert stale.status == 409
    assert (await stale.json())["current_status"] == "approved"

    # The same refusal through an upsert that changes the status.
    response = await client.put("/api/v1/applications/500", json=body(status="new"), headers=AUTH)
    assert response.status == 409
    assert (await response.json())["current_status"] == "approved"

    included = await put(client, 500, status="included")
    assert included["status"] == "included"

    too_long = await client.post(
        url, json={"status": "cancelled", "comment": "я" * 1001}, headers=AUTH
    )
    assert (too_long.status, (await too_long.json())["field"]) == (422, "comment")
    missing = await client.post(
        "/api/v1/applications/999/status", json={"status": "cancelled"}, headers=AUTH
    )
    assert missing.status == 404

    async with sessionmaker() as session:
        applicant = await session.scalar(select(Person).where(Person.code == "T-1"))
        assert applicant is not None
        told = (
            await session.scalars(
                select(OutboxMessage.method).where(OutboxMessage.person_id == applicant.id)
            )
        ).all()
        assert sorted(told) == ["status", "status"]


async def test_get_one_with_comments_and_history(
    client: TestClient[Any, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await school_with_director(sessionmaker)
    await put(client, 7)
    await put(client, 7, group="59/23-ГЗ")
    response = await client.get("/api/v1/applications/7", headers=AUTH)
    assert response.status == 200
    detail = await response.json()
    assert detail["group"] == "59/23-ГЗ"
    assert detail["comments"] == []
    assert [(h["action"], h["from_value"], h["to_value"]) for h in detail["history"]] == [
        ("created", None, "new"),
        ("group", "Предварительная запись на 2025 год", "59/23-ГЗ"),
    ]
    assert (await client.get("/api/v1/applications/8", headers=AUTH)).status == 404
    assert (await client.get("/api/v1/applications/x", headers=AUTH)).status == 422


async def test_filters_and_paging(
    client: TestClient[Any, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await school_with_director(sessionmaker, "Школа А")
    await school_with_director(sessionmaker, "Школа Б")
    for number in range(1, 6):
        await put(client, number, organization="Школа А", applicant_code="A-1")
    for number in range(6, 9):
        await put(client, number, organization="Школа Б", applicant_code="B-1")
    for number in (2, 7):
        await client.post(
            f"/api/v1/applications/{number}/status", json={"status": "cancelled"}, headers=AUTH
        )

    async def listed(query: str) -> tuple[int, list[int]]:
        response = await client.get(f"/api/v1/applications?{query}", headers=AUTH)
        assert response.status == 200, await response.text()
        page = await response.json()
        return page["total"], [item["number"] for item in page["items"]]

    assert await listed("") == (8, [1, 3, 4, 5, 6, 8, 2, 7])
    assert await listed("status=cancelled") == (2, [2, 7])
    assert await listed("organization=Школа Б") == (3, [6, 8, 7])
    assert await listed("organization=Школа А&status=new&limit=2") == (4, [1, 3])
    assert await listed("organization=Школа А&status=new&limit=2&offset=2") == (4, [4, 5])
    assert await listed("limit=3&offset=6") == (8, [2, 7])
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert await listed(f"updated_since={future.replace('+', '%2B')}") == (0, [])
    async with sessionmaker() as session:
        changed = await session.scalar(select(Application).where(Application.number == 2))
        assert changed is not None
        since = changed.updated_at.isoformat().replace("+", "%2B")
    assert await listed(f"updated_since={since}") == (2, [2, 7])
    response = await client.get("/api/v1/applications?status=gone", headers=AUTH)
    assert (response.status, (await response.json())["field"]) == (422, "status")


async def test_person_upsert(
    client: TestClient[Any, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    url = "/api/v1/people/D-7"
    data = {
        "full_name": "Сидорова Ольга Павловна",
        "organization": "МОУ «СОШ № 3»",
        "municipality": "Еткульский район",
        "phone": "8 (912) 555-01-01",
        "roles": ["director", "teacher"],
    }
    response = await client.put(url, json=data, headers=AUTH)
    assert response.status == 200, await response.text()
    created = await response.json()
    assert created["created"] is True
    assert created["phone"] == "+79125550101"
    assert created["roles"] == ["director", "teacher"]
    response = await client.put(url, json={**data, "roles": ["staff"]}, headers=AUTH)
    updated = await response.json()
    assert (updated["created"], updated["roles"]) == (False, ["staff"])
    async with sessionmaker() as session:
        person = await session.scalar(select(Person).where(Person.code == "D-7"))
        assert person is not None and person.roles == {Role.STAFF}


async def test_the_access_log_names_routes_not_people(
    sessionmaker: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    """aiohttp's own access log would write `/api/v1/people/P-1001`: a person's code."""
    import logging

    import aiohttp
    from aiohttp import web

    from bot.api.access import RouteAccessLogger
    from tests.e2e.conftest import free_port

    app = build_api_app(sessionmaker, settings(), wake=lambda: None)
    runner = web.AppRunner(app, access_log_class=RouteAccessLogger)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        with caplog.at_level(logging.INFO, logger="aiohttp.access"):
            async with aiohttp.ClientSession() as http:
                url = f"http://127.0.0.1:{port}/api/v1/people/P-1001"
                async with http.put(url, data=b"{not json", headers=AUTH) as response:
                    assert response.status == 400
                async with http.get(f"http://127.0.0.1:{port}/no/such/P-1001") as response:
                    assert response.status == 404
    finally:
        await runner.cleanup()
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert len(lines) == 2, lines
    assert "P-1001" not in " ".join(lines)
    assert lines[0].startswith("PUT /api/v1/people/{code} 400 ")
    assert lines[1].startswith("GET ? 404")
