"""Operations routes: liveness, readiness (Postgres, Redis, NATS) and Prometheus metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.api.auth import State
from gateway.api.responses import JsonResponse

router = APIRouter()


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


async def _check(probe: Callable[[], Awaitable[None]]) -> bool:
    try:
        async with asyncio.timeout(2.5):
            await probe()
    except Exception:
        return False
    return True


@router.get("/ready")
async def ready(zg: State) -> JsonResponse:
    names = ("postgres", "redis", "nats")
    results = await asyncio.gather(_check(zg.db.ping), _check(zg.state.ping),
                                   _check(lambda: zg.need_bus().ping()))
    checks = {n: ("ok" if ok else "down") for n, ok in zip(names, results, strict=True)}
    down = [n for n, ok in zip(names, results, strict=True) if not ok]
    if down:
        return JsonResponse({"error": "SERVICE_UNAVAILABLE", "message": f"down: {', '.join(down)}",
                               "down": down, "checks": checks}, status_code=503)
    return JsonResponse({"status": "ready", "checks": checks})


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
