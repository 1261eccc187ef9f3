"""Leases: exclusive, fenced, renewable only by the holder, released by compare-and-delete."""

from __future__ import annotations

import asyncio

from gateway.core.config import Settings
from gateway.core.names import Names
from gateway.infra.kv.leases import LeaseManager
from gateway.infra.kv.state import connect_redis


async def test_lease_lifecycle(settings: Settings) -> None:
    redis = connect_redis(settings.redis_url)
    names = Names.from_settings(settings)
    a = LeaseManager(redis, names, "wa", ttl_s=1.0)
    b = LeaseManager(redis, names, "wb", ttl_s=1.0)
    try:
        la = await a.acquire("I1")
        assert la is not None and la.fence > 1_600_000_000_000  # raised to the clock (ms), see FENCE_FLOOR
        assert await b.acquire("I1") is None
        assert await a.owner("I1") == ("wa", la.fence)
        assert (await a.renew_many([la]))["I1"] is True
        await asyncio.sleep(1.2)  # expired: b takes it with a higher fence
        lb = await b.acquire("I1")
        assert lb is not None and lb.fence > la.fence
        assert await a.holds(la) is False and await b.holds(lb) is True
        assert (await a.renew_many([la]))["I1"] is False
        assert await a.release(la) is False  # compare-and-delete refuses a stale holder
        assert await b.release(lb) is True
        assert await a.owner("I1") is None
    finally:
        await redis.aclose()


async def test_fences_keep_growing_after_redis_forgets_them(settings: Settings) -> None:
    """Redis keeps nothing on disk: after a restart the counter is gone, the next fence is still newer."""
    redis = connect_redis(settings.redis_url)
    names = Names.from_settings(settings)
    a = LeaseManager(redis, names, "wa", ttl_s=5.0)
    try:
        before = await a.acquire("I2")
        assert before is not None
        for _ in range(3):  # several acquisitions in the same millisecond stay ordered
            assert await a.release(before)
            again = await a.acquire("I2")
            assert again is not None and again.fence > before.fence
            before = again
        await redis.delete(names.lease_key("I2"), names.fence_key("I2"))  # what a Redis restart leaves
        await asyncio.sleep(0.002)
        after = await a.acquire("I2")
        assert after is not None and after.fence > before.fence
    finally:
        await redis.aclose()


async def test_heartbeats(settings: Settings) -> None:
    redis = connect_redis(settings.redis_url)
    names = Names.from_settings(settings)
    a = LeaseManager(redis, names, "wa", ttl_s=1.0)
    b = LeaseManager(redis, names, "wb", ttl_s=1.0)
    try:
        await a.heartbeat(5, 0)
        await b.heartbeat(0.3, 0)
        assert await a.live_workers() == ["wa", "wb"]
        await asyncio.sleep(0.4)
        assert await a.live_workers() == ["wa"]
        await a.leave()
        assert await a.live_workers() == []
    finally:
        await redis.aclose()
