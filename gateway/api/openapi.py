"""The OpenAPI document: every route's body, answers and Z-API error statuses, and the two auth schemes.

Routes say what they take and answer with ``doc(...)`` in their decorator; routers add the errors their
dependencies raise (``INSTANCE_ERRORS``, ``PARTNER_ERRORS``). ``install_openapi`` finishes the document:
request body schemas (``bodies``) into the components, FastAPI's 422 (validation errors are Z-API 400s
here) out. ``tests/fuzz`` runs the API against the document: it is checked, not only written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.security import APIKeyHeader, HTTPBearer
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from gateway.api.account_docs import ACCOUNT_BODIES
from gateway.api.answers import ZapiError
from gateway.api.bodies import BODIES
from gateway.api.group_docs import GROUP_BODIES

REF = "#/components/schemas/{model}"

CLIENT_TOKEN = APIKeyHeader(
    name="Client-Token", scheme_name="clientToken", auto_error=False,
    description="The partner's account security token; with the instance id and token in the path.")
PARTNER_TOKEN = HTTPBearer(scheme_name="partnerToken", auto_error=False,
                           description="The partner token (`Authorization: Bearer <token>`).")

_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "integer"}}}
_ERRORS: dict[int, str] = {
    400: "Invalid input: `error` and `field` name the field (or the Client-Token header is missing)",
    401: "Missing or invalid partner token",
    403: "The Client-Token is not the owning partner's (or a media link is invalid or expired, or the action "
         "needs a group admin)",
    404: "No such instance (or id and token do not match), or no such resource (a group: `GROUP_NOT_FOUND`)",
    409: "Conflict: the engine refused the action, or a concurrent change won",
    413: "The request body is larger than allowed",
    501: "The instance's engine cannot do this (its WhatsApp library has no such call)",
    429: "Too many requests (sends, queued messages or failed authentications): retry after `Retry-After`",
    502: "The owning worker did not answer, or fetching a media URL failed",
    503: "A backing service or the instance's worker is unavailable: retry after `Retry-After`",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Z-API error answers for these statuses, for a route's or a router's ``responses``."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        out[status] = {"model": ZapiError, "description": _ERRORS[status]}
        if status in (429, 503):
            out[status]["headers"] = _RETRY_AFTER
    return out


INSTANCE_ERRORS = errors(400, 403, 404, 429, 503)
PARTNER_ERRORS = errors(400, 401, 429, 503)
CONTROL_FAILS = (404, 409, 502, 503)  # what a request to the owning worker may answer


def doc(body: type[BaseModel] | None = None, *, ok: Any = None, status: int = 200, optional_body: bool = False,
        fails: Iterable[int] = (), also: dict[int, type[BaseModel]] | None = None) -> dict[str, Any]:
    """Decorator keywords documenting one route: its JSON body (a ``bodies`` model: the route reads it by
    hand), its answer (``ok``, an ``answers`` model; none for 204), the error statuses of its own
    (``fails``) and answers with another shape (``also``)."""
    responses: dict[int | str, dict[str, Any]] = errors(*fails)
    if body is not None:
        responses.update(errors(400, 413))
    if ok is not None:
        responses[status] = {"model": ok, "description": "Success"}
    for code, model in (also or {}).items():
        responses[code] = {**responses.get(code, {}), "model": model}
    extra: dict[str, Any] | None = None
    if body is not None:
        schema = {"$ref": REF.format(model=body.__name__)}
        extra = {"requestBody": {"required": not optional_body, "content": {"application/json": {"schema": schema}}}}
    return {"response_model": None, "responses": responses, "openapi_extra": extra, "status_code": status}


def _bodies_schemas() -> dict[str, Any]:
    _, top = models_json_schema([(m, "validation") for m in (*BODIES, *GROUP_BODIES, *ACCOUNT_BODIES)],
                                ref_template=REF)
    defs: dict[str, Any] = top.get("$defs", {})
    return defs


def _only_ref(node: Any) -> Any:
    """FastAPI merges a route's inferred schema into the one ``doc`` gives: where a ``$ref`` is, keep it alone."""
    if isinstance(node, dict):
        if "$ref" in node:
            return {"$ref": node["$ref"]}
        return {k: _only_ref(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_only_ref(v) for v in node]
    return node


def build_openapi(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(title=app.title, version=app.version, routes=app.routes,
                           description="Z-API compatible WhatsApp gateway. Errors are Z-API shaped: "
                                       '`{"error": ..., "message"?, "field"?}` with a truthful status.')
    for path in document["paths"].values():
        for operation in path.values():
            answers = operation.get("responses", {})
            answers.pop("422", None)
            operation["responses"] = dict(sorted(answers.items()))
            for part in ("requestBody", "responses"):
                if part in operation:
                    operation[part] = _only_ref(operation[part])
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for name, schema in _bodies_schemas().items():
        if name in schemas and schemas[name] != schema:
            raise RuntimeError(f"two OpenAPI schemas are named {name}")
        schemas[name] = schema
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the finished document at ``app.openapi_url`` (built once, on first request)."""
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
