"""The send routes (``POST .../send-text`` and the other ``send-*`` of ``sendspec.PARSERS``) served without FastAPI's
request machinery, for the requests that need none of it.

A send is the api's hottest request, and FastAPI's dependency solving and parameter validation cost more than the
send itself. This middleware runs the very same steps as the route — ``auth.authenticate`` (the send routes'
cached authentication), ``send.accept`` (parsing, media, ``enqueue``) and the error tree's bodies — for a request
whose path, headers and body need no other check: ids and tokens of at most 64 characters, a JSON content type,
a body that is a JSON object and no ``Idempotency-Key``. Anything else goes on to the route, which answers it as
before (its validation errors included). It sits inside ``InputGuard`` and ``BodyLimit``, so the body is bounded
and already checked, and the access log and metrics see it under the route's template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import FastAPI
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.api.account import PREFIX
from gateway.api.auth import authenticate
from gateway.api.errors import outage_response
from gateway.api.guard import buffer_body, is_json
from gateway.api.responses import JsonResponse
from gateway.api.send import accept
from gateway.api.sendspec import PARSERS
from gateway.api.state import AppState
from gateway.core.errors import ZapgateError
from gateway.ops.metrics import FAST_SENDS

_SEND = re.compile(r"/instances/([^/]{1,64})/token/([^/]{1,64})/(send-[a-z-]+)")


@dataclass(frozen=True, slots=True)
class RouteTemplate:
    """What the access log, metrics and Sentry read of ``scope["route"]``: the template the request matched."""

    path: str


class SendFastPath:
    def __init__(self, app: ASGIApp, fastapi: FastAPI) -> None:
        self.app = app
        self.fastapi = fastapi
        self.routes = {action: RouteTemplate(f"{PREFIX}/{action}") for action in PARSERS}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = _SEND.fullmatch(scope["path"]) if scope["type"] == "http" and scope["method"] == "POST" else None
        if match is None or match[3] not in PARSERS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if b"idempotency-key" in headers or not is_json(headers.get(b"content-type")):
            await self.app(scope, receive, send)
            return
        body, receive = await buffer_body(receive)
        try:
            raw = orjson.loads(body)
        except orjson.JSONDecodeError:
            raw = None
        if not isinstance(raw, dict):
            await self.app(scope, receive, send)
            return
        scope["route"] = self.routes[match[3]]
        FAST_SENDS.inc()
        response = await self._serve(Request(scope, receive), match[1], match[2], match[3], raw)
        await response(scope, receive, send)

    async def _serve(self, request: Request, instance_id: str, token: str, action: str,
                     raw: dict[str, Any]) -> JsonResponse:
        zg: AppState = self.fastapi.state.zg
        try:
            instance = await authenticate(request, zg, instance_id, token, remember=zg.auth_cache.enabled)
            return JsonResponse(await accept(zg, instance, action, raw))
        except ZapgateError as exc:
            return JsonResponse(exc.body(), status_code=exc.http_status(), headers=exc.headers())
        except Exception as exc:  # a backing service away answers 503, as the route's handlers do
            if (response := outage_response(exc)) is None:
                raise
            return response
