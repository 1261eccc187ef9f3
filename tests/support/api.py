"""The api under test in this event loop (httpx over ASGI), per-test settings and their clean-up."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from gateway.api.app import create_app
from gateway.core.config import Settings
from gateway.infra.db.database import drop_schema

PARTNER_TOKEN = "P" + "A1" * 16
CLIENT_TOKEN = "F" + "b2" * 16 + "S"


def make_settings(**overrides: Any) -> Settings:
    tag = secrets.token_hex(4)
    base: dict[str, Any] = {
        "env": "test",
        "secret_key": "test-secret-key-" + "x" * 32,
        "db_schema": f"t_{tag}",
        "redis_prefix": f"t{tag}",
        "nats_prefix": f"t{tag}",
        "partner_token": PARTNER_TOKEN,
        "client_token": CLIENT_TOKEN,
        "allow_insecure_webhooks": True,
        "send_gap_s": "0",
        "data_dir": f"/tmp/zapgate-test-{tag}",
    }
    base.update(overrides)
    return Settings(**base)


async def cleanup(settings: Settings) -> None:
    from gateway.core.names import Names
    from gateway.infra.bus import Bus, delete_stream
    from gateway.infra.kv.state import connect_redis

    await drop_schema(settings)
    redis = connect_redis(settings.redis_url)
    try:
        keys = [k async for k in redis.scan_iter(match=f"{settings.redis_prefix}:*", count=1000)]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()
    try:
        bus = await Bus.connect(settings.nats_url)
    except Exception:
        return
    try:
        with contextlib.suppress(Exception):  # clean-up is best effort, as before
            await delete_stream(bus, Names.from_settings(settings).events_stream)  # the only stream, its consumers
    finally:
        await bus.close()


@dataclass
class Api:
    client: httpx.AsyncClient
    settings: Settings
    app: Any = None  # the ASGI app (for a second client, e.g. over https)

    async def create_instance(self, **body: Any) -> dict[str, Any]:
        body.setdefault("name", "test")
        body.setdefault("engine", "sandbox")
        r = await self.client.post("/instances/integrator/on-demand", json=body, headers=self.partner)
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()
        return data

    @property
    def partner(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {PARTNER_TOKEN}"}

    @property
    def client_headers(self) -> dict[str, str]:
        return {"Client-Token": CLIENT_TOKEN}

    def path(self, inst: dict[str, Any], action: str) -> str:
        return f"/instances/{inst['id']}/token/{inst['token']}/{action}"


async def open_api(settings: Settings) -> AsyncIterator[Api]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://zapgate.test") as client:
            yield Api(client, settings, app)
