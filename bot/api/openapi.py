"""The OpenAPI document of the HTTP API (PRODUCT.md §7.4).

Assembled from the JSON schemas of the models (`openapi_document`), so the two never disagree.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from bot.api.inputs import MAX_INT4, ApplicationIn, ListQuery, PersonIn, StatusIn
from bot.api.outputs import (
    ApplicationDetail,
    ApplicationPage,
    ApplicationSaved,
    ErrorOut,
    Health,
    PersonOut,
    StatusEvent,
)

API_VERSION: Final = "1.0.0"

# --- the OpenAPI document ------------------------------------------------------------------------

_REF = "#/components/schemas/{model}"
_INPUTS: Final = (PersonIn, ApplicationIn, StatusIn)
_OUTPUTS: Final = (
    PersonOut,
    ApplicationSaved,
    ApplicationDetail,
    ApplicationPage,
    ErrorOut,
    Health,
    StatusEvent,
)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _json(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _errors(*codes: int) -> dict[str, Any]:
    words = {
        400: "Malformed JSON",
        401: "Missing or wrong bearer token",
        404: "Not found",
        409: "Transition refused; `current_status` says where the application is",
        422: "Invalid input; `field` names the field",
    }
    return {str(code): _json(ErrorOut, words[code]) for code in codes}


def _parameter(name: str, where: str, schema: dict[str, Any], required: bool) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": schema}


def _query_parameters() -> list[dict[str, Any]]:
    schema = ListQuery.model_json_schema(ref_template=_REF)
    properties: dict[str, Any] = schema["properties"]
    defs: dict[str, Any] = schema.get("$defs", {})

    def inline(value: Any) -> Any:
        # Parameters may not refer to `$defs` of their own schema: inline the (enum) references.
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str):
                return inline(defs[ref.rsplit("/", 1)[-1]])
            return {key: inline(item) for key, item in value.items()}
        if isinstance(value, list):
            return [inline(item) for item in value]
        return value

    def optional(prop: dict[str, Any]) -> dict[str, Any]:
        # A query parameter is absent rather than null.
        variants = [v for v in prop.get("anyOf", []) if v != {"type": "null"}]
        if len(variants) == 1:
            rest = {k: v for k, v in prop.items() if k not in {"anyOf", "default"}}
            return {**rest, **variants[0]}
        return prop

    return [
        _parameter(name, "query", optional(inline(prop)), False)
        for name, prop in properties.items()
    ]


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API, built from the pydantic models above."""
    _, definitions = models_json_schema(
        [(model, "validation") for model in _INPUTS]
        + [(model, "serialization") for model in _OUTPUTS],
        ref_template=_REF,
    )
    schemas: dict[str, Any] = definitions.get("$defs", {})
    number = _parameter(
        "number", "path", {"type": "integer", "minimum": 1, "maximum": MAX_INT4}, True
    )
    code = _parameter(
        "code", "path", {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"\S"}, True
    )
    secured: list[dict[str, list[str]]] = [{"bearer": []}]
    paths: dict[str, Any] = {
        "/api/v1/people/{code}": {
            "put": {
                "operationId": "upsertPerson",
                "summary": "Create or update a person",
                "security": secured,
                "parameters": [code],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(PersonIn)}},
                },
                "responses": {
                    "200": _json(PersonOut, "The person as stored"),
                    **_errors(400, 401, 422),
                },
            }
        },
        "/api/v1/applications": {
            "get": {
                "operationId": "listApplications",
                "summary": "Applications, filtered and paged (oldest change first)",
                "security": secured,
                "parameters": _query_parameters(),
                "responses": {
                    "200": _json(ApplicationPage, "One page of applications"),
                    **_errors(401, 422),
                },
            }
        },
        "/api/v1/applications/{number}": {
            "put": {
                "operationId": "upsertApplication",
                "summary": "Create or update an application (a new one notifies the director)",
                "security": secured,
                "parameters": [number],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(ApplicationIn)}},
                },
                "responses": {
                    "200": _json(ApplicationSaved, "The application as stored"),
                    **_errors(400, 401, 409, 422),
                },
            },
            "get": {
                "operationId": "getApplication",
                "summary": "One application with its comments and history",
                "security": secured,
                "parameters": [number],
                "responses": {
                    "200": _json(ApplicationDetail, "The application"),
                    **_errors(401, 404, 422),
                },
            },
        },
        "/api/v1/applications/{number}/status": {
            "post": {
                "operationId": "changeStatus",
                "summary": "A staff-side status transition",
                "security": secured,
                "parameters": [number],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(StatusIn)}},
                },
                "responses": {
                    "200": _json(ApplicationDetail, "The application after the change"),
                    **_errors(400, 401, 404, 409, 422),
                },
            }
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Liveness and database reachability (no token)",
                "security": [],
                "responses": {
                    "200": _json(Health, "Serving, database reachable"),
                    "503": _json(Health, "Database unreachable"),
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "dpo-bot API",
            "version": API_VERSION,
            "description": "Teachers' applications for professional development (§7.4).",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "webhooks": {
            "statusChanged": {
                "post": {
                    "summary": "Sent to WEBHOOK_OUT_URL, signed X-DPO-Signature: sha256=<hex>",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(StatusEvent)}},
                    },
                    "responses": {"200": {"description": "Any 2xx acknowledges the event"}},
                }
            }
        },
    }
