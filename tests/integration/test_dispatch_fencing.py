"""Dispatch fences itself: when Redis is away for most of a lease TTL, it stops every partition first."""

from __future__ import annotations

import asyncio
import shutil
import subprocess

import pytest

from dispatch.consumer import Dispatcher
from gateway.core.config import Settings
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.kv.state import connect_redis
from tests.support.processes import free_port


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")
async def test_dispatch_stops_its_partitions_before_the_leases_can_expire(settings: Settings) -> None:
    port = free_port()
    redis_proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",  # noqa: ASYNC220
                                   "--appendonly", "no"], stdout=subprocess.DEVNULL)
    s = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{port}/0", "lease_ttl_s": 1.5})
    db = await Database.connect(s)
    bus = await Bus.connect(s.nats_url)
    redis = connect_redis(s.redis_url)
    dispatcher = Dispatcher(s, "d-fence", db=db, bus=bus, redis=redis)
    try:
        for _ in range(50):
            try:
                await redis.ping()
                break
            except Exception:
                await asyncio.sleep(0.05)
        await dispatcher.start()
        await dispatcher.renew()
        await dispatcher.place()
        assert len(dispatcher.owned) == 16 and len(dispatcher._pumps) == 16

        redis_proc.kill()  # Redis away: leases can no longer be renewed
        redis_proc.wait()
        stopped_at = None
        loop = asyncio.get_running_loop()
        started = loop.time()
        while dispatcher.owned:
            with pytest.raises(Exception):  # noqa: B017 - the renewal itself fails
                await dispatcher.renew()
            if not dispatcher.owned:
                stopped_at = loop.time() - started
            await asyncio.sleep(0.1)
        assert stopped_at is not None and stopped_at < s.lease_ttl_s  # before any peer could take over
        assert dispatcher._pumps == {} and dispatcher.consumers == {}
    finally:
        if redis_proc.poll() is None:
            redis_proc.kill()
        await dispatcher.close()
        await redis.aclose()
        await bus.close()
        await db.close()
