"""A whole stack in this event loop: api (ASGI) + worker + dispatcher, with a real local webhook receiver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from dispatch.consumer import Dispatcher
from gateway.core.config import Settings
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.kv.state import connect_redis
from gateway.worker.engines.sandbox.engine import SandboxEngine
from gateway.worker.worker import Worker
from tests.support.api import Api, open_api
from tests.support.polling import eventually
from tests.support.receiver import Receiver

KINDS = ("received", "delivery", "messageStatus", "connected", "disconnected", "presenceChat")


@dataclass
class Stack:
    api: Api
    worker: Worker
    dispatcher: Dispatcher
    receiver: Receiver
    settings: Settings

    async def instance(self, **extra: Any) -> dict[str, Any]:
        hooks = {f"{k}CallbackUrl": f"{self.receiver.url}/{k}" for k in KINDS}
        inst = await self.api.create_instance(**hooks, **extra)
        await eventually(lambda: _running(self.worker, inst["id"]))
        return inst

    async def paired(self, phone: str = "5511999990000") -> dict[str, Any]:
        inst = await self.instance()
        await eventually(lambda: _has_qr(self.worker, inst["id"]))
        r = await self.api.client.post(self.api.path(inst, "sandbox/scan"), json={"phone": phone},
                                       headers=self.api.client_headers)
        assert r.status_code == 200, r.text
        return inst

    async def pairing_delivered(self) -> None:
        """The pairing's own webhooks (ConnectedCallback is the last) delivered and recorded, and every lane idle.
        A test that stores deliveries itself waits for this first: a late pairing webhook would take a delivery id
        above the test's, and its lane would then skip the test's deliveries as already done."""
        async def done() -> bool:
            pending = await self.dispatcher.store.db.pool.fetchval(
                "SELECT count(*) FROM deliveries WHERE state = 'pending'")
            return pending == 0 and any(h.json.get("type") == "ConnectedCallback" for h in self.receiver.hits)

        await eventually(done)
        await self.dispatcher.lanes.drain()

    def engine(self, inst: dict[str, Any]) -> SandboxEngine:
        engine = self.worker.sessions[inst["id"]].engine
        assert isinstance(engine, SandboxEngine)
        return engine


async def _running(worker: Worker, instance_id: str) -> bool:
    return instance_id in worker.sessions


async def _has_qr(worker: Worker, instance_id: str) -> bool:
    engine = worker.sessions[instance_id].engine
    return isinstance(engine, SandboxEngine) and engine.qr is not None


def fast(settings: Settings, **extra: Any) -> Settings:
    return settings.model_copy(update={"placement_interval_s": 0.2, "sandbox_receipt_delay_s": 0.0,
                                       "sandbox_reconnect_delay_s": 0.05, "webhook_retry_initial_s": 0.05,
                                       "webhook_retry_max_s": 0.2, "webhook_breaker_failures": 1000, **extra})


async def open_stack(s: Settings) -> AsyncIterator[Stack]:
    """api + worker + dispatcher in this event loop, with a real local webhook receiver."""
    receiver = Receiver()
    await receiver.start()
    db = await Database.connect(s)
    redis = connect_redis(s.redis_url)
    bus = await Bus.connect(s.nats_url)
    worker = Worker(s, "w-pipe", db=db, bus=bus, redis=redis)
    dispatcher = Dispatcher(s, "d-pipe", db=db, bus=bus, redis=redis)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(worker.run(stop)), asyncio.create_task(dispatcher.run(stop))]
    try:
        async for api in open_api(s):
            yield Stack(api, worker, dispatcher, receiver, s)
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 30)
        await receiver.stop()
        await bus.close()
        await redis.aclose()
        await db.close()
