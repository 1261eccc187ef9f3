"""Map every error to a Z-API shaped JSON body with a truthful status, in one place."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from gateway.api.responses import JsonResponse
from gateway.core.errors import ServiceDown, ZapgateError
from gateway.infra import bus
from gateway.infra.db import database
from gateway.infra.kv import state

log = logging.getLogger(__name__)

NOT_FOUND_BODY = {"error": "NOT_FOUND", "message": "Unable to find matching target resource method"}


def _field_name(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts)


def validation_body(exc: RequestValidationError) -> dict[str, object]:
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request", "type": "value_error"}
    field = _field_name(tuple(first.get("loc", ())))
    kind = first.get("type", "")
    if kind == "json_invalid":
        message, field = "request body is not valid JSON", "body"
    elif kind == "missing":
        message = "is required"
    else:
        message = str(first.get("msg", "is invalid")).removeprefix("Value error, ")
    if not field:
        field = "body"
    return {"error": f"{field}: {message}", "message": message, "field": field}


OUTAGES = (("postgres", database.OUTAGE_ERRORS), ("redis", state.OUTAGE_ERRORS), ("nats", bus.OUTAGE_ERRORS))


def outage_of(exc: BaseException) -> str | None:
    """The backing service an exception says is away (each infra module lists its own), or None."""
    service = next((service for service, kinds in OUTAGES if isinstance(exc, kinds)), None)
    if service is None and database.query_timed_out(exc):
        return "postgres"
    return service


def outage_response(exc: BaseException) -> JsonResponse | None:
    service = outage_of(exc)
    if service is None:
        return None
    log.warning("%s unavailable: %s", service, type(exc).__name__)
    down = ServiceDown(f"{service} is unavailable; retry shortly", services=[service])
    return JsonResponse(down.body(), status_code=down.http_status(), headers=down.headers())


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ZapgateError)
    async def _zapgate(_request: Request, exc: ZapgateError) -> JsonResponse:
        return JsonResponse(exc.body(), status_code=exc.http_status(), headers=exc.headers())

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JsonResponse:
        return JsonResponse(validation_body(exc), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JsonResponse:
        if exc.status_code == 404:
            return JsonResponse(NOT_FOUND_BODY, status_code=404)
        if exc.status_code == 405:
            return JsonResponse({"error": "METHOD_NOT_ALLOWED",
                                   "message": "HTTP method not allowed for this resource"}, status_code=405)
        return JsonResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    async def _outage(_request: Request, exc: Exception) -> JsonResponse:
        response = outage_response(exc)
        assert response is not None  # registered for outage classes only
        return response

    # handled like domain errors (not as a 500 that the server logs and re-raises): a clean 503
    for _service, kinds in OUTAGES:
        for kind in kinds:
            app.add_exception_handler(kind, _outage)

    @app.exception_handler(TimeoutError)
    async def _timeout(_request: Request, exc: TimeoutError) -> JsonResponse:
        # asyncpg's statement timeout is a builtin TimeoutError (see ``database.query_timed_out``): answered here,
        # once, rather than by the catch-all below, which Starlette logs and re-raises as a crash of the app
        return outage_response(exc) or _internal(exc)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JsonResponse:
        if (response := outage_response(exc)) is not None:  # raised outside a route (in a middleware)
            return response
        return _internal(exc)


def _internal(exc: Exception) -> JsonResponse:
    log.error("unhandled error: %s", type(exc).__name__, exc_info=exc)
    return JsonResponse({"error": "INTERNAL_ERROR", "message": "internal server error"}, status_code=500)
