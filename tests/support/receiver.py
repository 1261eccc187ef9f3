"""A real local webhook receiver (aiohttp server) that records, verifies and can fail on purpose."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from dispatch.deliver import verify


async def serve(method: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                ) -> tuple[web.AppRunner, int]:
    """An aiohttp server on a free loopback port answering every path with ``handler``."""
    app = web.Application()
    app.router.add_route(method, "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Receiver:
    port: int = 0
    hits: list[Hit] = field(default_factory=list)
    # decide(path, payload, nth hit of this webhook-id) -> HTTP status
    decide: Callable[[str, Any, int], int] = lambda _p, _j, _n: 200
    seen: dict[str, int] = field(default_factory=dict)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        wid = request.headers.get("webhook-id", "")
        self.seen[wid] = self.seen.get(wid, 0) + 1
        status = self.decide(request.path, orjson.loads(body), self.seen[wid])
        if 200 <= status < 300:
            self.hits.append(Hit(request.path, dict(request.headers), body))
        return web.Response(status=status, text="ok")

    async def start(self) -> None:
        self._runner, self.port = await serve("POST", self._handle)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def unique(self) -> list[Hit]:
        """First delivery of each webhook-id, in arrival order (receivers de-duplicate by webhook-id)."""
        out, ids = [], set()
        for hit in self.hits:
            wid = hit.headers.get("Webhook-Id", hit.headers.get("webhook-id", ""))
            if wid not in ids:
                ids.add(wid)
                out.append(hit)
        return out

    def verified(self, hit: Hit, secret: str) -> bool:
        h = {k.lower(): v for k, v in hit.headers.items()}
        return verify(secret, h["webhook-id"], int(h["webhook-timestamp"]), hit.body, h["webhook-signature"])

    async def wait_for(self, predicate: Callable[[], bool], timeout_s: float = 30.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"receiver: condition not met in {timeout_s}s ({len(self.hits)} hits)")
            await asyncio.sleep(0.05)
