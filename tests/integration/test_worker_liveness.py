"""A worker keeps working through Redis outages and engine failures, and recovers by itself."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import pytest

from gateway.core.config import Settings
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.kv.state import connect_redis
from gateway.worker.engines.sandbox.engine import SandboxEngine
from gateway.worker.worker import Worker
from tests.support.api import open_api
from tests.support.polling import eventually
from tests.support.processes import free_port

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")


@contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@asynccontextmanager
async def worker_on(s: Settings) -> AsyncIterator[Worker]:
    db = await Database.connect(s)
    bus = await Bus.connect(s.nats_url)
    redis = connect_redis(s.redis_url)
    worker = Worker(s, "w-live", db=db, bus=bus, redis=redis)
    try:
        await worker.start()
        yield worker
    finally:
        await worker.close()
        await redis.aclose()
        await bus.close()
        await db.close()


async def _placed(worker: Worker) -> None:
    async def round_() -> bool:
        try:
            await worker.renew_once()
            await worker.place()
        except Exception:
            return False
        return bool(worker.sessions)

    await eventually(round_, timeout_s=10)


async def test_redis_away_stops_engines_without_killing_renewal_then_all_comes_back(settings: Settings) -> None:
    port = free_port()
    s = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{port}/0", "lease_ttl_s": 1.5})
    with redis_server(port) as first:
        async for api in open_api(s):
            inst = await api.create_instance()
        async with worker_on(s) as worker:
            await _placed(worker)
            assert inst["id"] in worker.sessions
            first.kill()
            first.wait()
            loop = asyncio.get_running_loop()
            start = loop.time()
            while worker.sessions:
                await worker.renew_once()  # never raises: the renew loop must survive this
                await asyncio.sleep(0.1)
            assert loop.time() - start < s.lease_ttl_s  # stopped before a peer could take over
            with redis_server(port):  # Redis is back, empty (it keeps nothing on disk)
                await _placed(worker)
                assert inst["id"] in worker.sessions


async def test_an_engine_that_fails_to_start_gives_its_instance_back(settings: Settings) -> None:
    s = settings.model_copy(update={"neonize_database_url": "postgresql://nobody:x@127.0.0.1:1/none"})
    async for api in open_api(s):
        inst = await api.create_instance(engine="neonize")
    async with worker_on(s) as worker:
        await worker.leases.heartbeat(s.heartbeat_ttl_s, 0)
        await worker.place()
        assert inst["id"] not in worker.sessions
        assert await worker.leases.owner(inst["id"]) is None  # not held (and renewed) forever


async def test_a_restart_clears_connected_until_the_engine_connects_again(settings: Settings) -> None:
    async for api in open_api(settings):
        inst = await api.create_instance()
        async with worker_on(settings) as worker:
            await worker.leases.heartbeat(settings.heartbeat_ttl_s, 0)
            await worker.place()
            session = worker.sessions[inst["id"]]
            engine = session.engine
            assert isinstance(engine, SandboxEngine)

            async def qr() -> bool:
                return engine.qr is not None

            await eventually(qr)
            await engine.scan("5511999990000")
            assert session.connected.is_set()
            await session._restart_engine(fresh=True)  # a fresh device: it shows a QR, it is not connected
            assert not session.connected.is_set()
