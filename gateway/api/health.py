"""Operations routes: liveness, readiness (Postgres, Redis, NATS) and Prometheus metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.api.answers import Health, NotReady, Ready
from gateway.api.auth import State
from gateway.api.openapi import doc
from gateway.api.responses import JsonResponse
from gateway.api.state import AppState
from gateway.core.errors import ServiceDown
from gateway.infra.streams import events_usage
from gateway.ops.metrics import EVENTS_STREAM_BYTES, EVENTS_STREAM_FULL

router = APIRouter(tags=["operations"])


@router.get("/health", **doc(ok=Health))
async def health() -> dict[str, str]:
    return {"status": "ok"}


async def _check(probe: Callable[[], Awaitable[None]]) -> bool:
    try:
        async with asyncio.timeout(2.5):
            await probe()
    except Exception:
        return False
    return True


async def _events_stream_has_room(zg: AppState) -> None:
    usage = await events_usage(zg.need_bus(), zg.names)
    if usage is None:
        return
    EVENTS_STREAM_BYTES.set(usage.bytes)
    EVENTS_STREAM_FULL.set(int(usage.full))
    if usage.full:
        raise ServiceDown(f"the events stream holds {usage.bytes} of {usage.max_bytes} bytes undelivered")


@router.get("/ready", **doc(ok=Ready, also={503: NotReady}))
async def ready(zg: State) -> JsonResponse:
    names = ("postgres", "redis", "nats", "events_stream")
    results = list(await asyncio.gather(_check(zg.db.ping), _check(zg.state.ping), _check(lambda: zg.need_bus().ping()),
                                        _check(lambda: _events_stream_has_room(zg))))
    checks = {n: ("ok" if ok else "down") for n, ok in zip(names, results, strict=True)}
    if not results[2]:  # NATS away: the stream's fill is unknown, and NATS is what is down
        checks["events_stream"], results[3] = "unknown", True
    elif not results[3]:
        checks["events_stream"] = "full"
    down = [n for n, ok in zip(names, results, strict=True) if not ok]
    if down:
        return JsonResponse({"error": "SERVICE_UNAVAILABLE", "message": f"down: {', '.join(down)}",
                               "down": down, "checks": checks}, status_code=503)
    return JsonResponse({"status": "ready", "checks": checks})


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
