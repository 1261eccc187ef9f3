"""Leases: exclusive, fenced, renewable only by the holder, released by compare-and-delete."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.asyncio.connection import AbstractConnection

from gateway.core.config import Settings
from gateway.core.names import Names
from gateway.infra.kv import leases
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


async def test_renewal_is_one_round_trip_and_reports_only_the_leases_no_longer_ours(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every lease of a holder (over several Lua calls) and its heartbeat in one round trip; fencing kept per lease."""
    monkeypatch.setattr(leases, "RENEW_CHUNK", 4)  # 10 leases: three Lua calls, still one round trip
    redis = connect_redis(settings.redis_url)
    names = Names.from_settings(settings)
    a = LeaseManager(redis, names, "wa", ttl_s=5.0)
    b = LeaseManager(redis, names, "wb", ttl_s=0.5)
    try:
        held = [lease for i in range(10) if (lease := await a.acquire(f"R{i}")) is not None]
        assert len(held) == 10
        await redis.delete(names.lease_key("R2"))  # expired, then taken by another worker (new fence)
        taken = await b.acquire("R2")
        assert taken is not None
        await redis.delete(names.lease_key("R5"))  # expired, nobody took it yet
        assert await a.release(held[7])  # the same worker acquired it again: the old acquisition is stale
        again = await a.acquire("R7")
        assert again is not None and again.fence > held[7].fence
        await redis.pexpire(names.lease_key("R0"), 100)
        writes = _count_writes(monkeypatch)
        renewed = await a.renew_many(held, heartbeat_ttl_s=5.0)
        assert writes == [1]
        assert renewed == {f"R{i}": i not in (2, 5, 7) for i in range(10)}
        assert await redis.pttl(names.lease_key("R0")) > 4000  # renewed to the full TTL
        assert await redis.get(names.lease_key("R2")) == taken.value  # the new owner's lease is left alone
        assert await redis.pttl(names.lease_key("R2")) <= 500
        assert await redis.exists(names.lease_key("R5")) == 0  # not brought back
        assert await redis.get(names.lease_key("R7")) == again.value
        assert "wa" in await a.live_workers()
        assert await redis.get(names.worker_key("wa")) == "10"  # the heartbeat rode along
        assert await a.renew_many([]) == {}
    finally:
        await redis.aclose()


async def test_renewal_survives_redis_forgetting_its_scripts(settings: Settings,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """After a Redis restart the script cache is empty: the renewal loads it and tries once more."""
    redis = connect_redis(settings.redis_url)
    names = Names.from_settings(settings)
    a = LeaseManager(redis, names, "wa", ttl_s=5.0)
    try:
        lease = await a.acquire("S1")
        assert lease is not None
        await redis.script_flush()  # what a restart leaves (every client reloads its scripts)
        writes = _count_writes(monkeypatch)
        assert await a.renew_many([lease]) == {"S1": True}
        assert writes == [3]  # the refused EVALSHA, SCRIPT LOAD, the renewal again
        writes.clear()
        writes.append(0)
        assert await a.renew_many([lease]) == {"S1": True}
        assert writes == [1]
    finally:
        await redis.aclose()


def _count_writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the requests written to Redis from now on (one per round trip): ``[n]``."""
    count = [0]
    send = AbstractConnection.send_packed_command

    async def counting(self: AbstractConnection, *args: Any, **kwargs: Any) -> None:
        count[0] += 1
        await send(self, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)
    return count


async def test_holds_recently_trusts_a_confirmed_lease_only_for_part_of_its_ttl(settings: Settings) -> None:
    """The per-request ownership check answers from the last confirmation for ttl * TRUSTED_FRACTION, then
    asks Redis again; a renewal that finds the lease gone ends the trust at once."""
    redis = connect_redis(settings.redis_url)
    names = Names.from_settings(settings)
    a = LeaseManager(redis, names, "wa", ttl_s=0.6)
    b = LeaseManager(redis, names, "wb", ttl_s=0.6)
    calls = {"get": 0}
    real_get = redis.get

    async def counting_get(*args: Any, **kwargs: Any) -> Any:
        calls["get"] += 1
        return await real_get(*args, **kwargs)

    try:
        la = await a.acquire("T1")
        assert la is not None
        redis.get = counting_get  # type: ignore[method-assign]
        assert await a.holds_recently(la) is True and calls["get"] == 0  # just confirmed: no round trip
        await redis.delete(names.lease_key("T1"))  # taken away behind the holder's back
        await asyncio.sleep(0.6 * leases.TRUSTED_FRACTION + 0.05)
        assert await a.holds_recently(la) is False and calls["get"] == 1  # trust ran out: Redis says no
        lb = await b.acquire("T1")
        assert lb is not None
        assert (await a.renew_many([la]))["T1"] is False
        assert await a.holds_recently(la) is False  # a failed renewal drops the trust without waiting
        assert await b.holds_recently(lb) is True
        assert await a.holds_recently(lb) is True  # another manager's lease: not trusted, so asked (and true)
        assert calls["get"] >= 3
    finally:
        await redis.aclose()
