"""Redis access for live instance state, worker heartbeats and probes (redis-py lives here and in leases)."""

from __future__ import annotations

import asyncio
import time
from enum import StrEnum
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from gateway.core.names import Names


class InstanceStatus(StrEnum):
    STARTING = "STARTING"
    QR_PENDING = "QR_PENDING"
    CONNECTING = "CONNECTING"
    CONNECTED = "CONNECTED"
    DISCONNECTED = "DISCONNECTED"
    LOGGED_OUT = "LOGGED_OUT"
    BANNED = "BANNED"
    ERROR = "ERROR"
    STOPPED = "STOPPED"


def connect_redis(url: str) -> aioredis.Redis:
    client: aioredis.Redis = aioredis.from_url(
        url, decode_responses=True, socket_timeout=5, socket_connect_timeout=3, health_check_interval=30
    )
    return client


async def probe(url: str) -> bool:
    client = connect_redis(url)
    try:
        async with asyncio.timeout(3):
            return bool(await client.ping())
    except (TimeoutError, RedisError, OSError):
        return False
    finally:
        await client.aclose()


class StateStore:
    """Live instance state in a Redis hash per instance: status, qr, phone, error, owner, updated."""

    def __init__(self, client: aioredis.Redis, names: Names) -> None:
        self.redis = client
        self.names = names

    async def ping(self) -> None:
        async with asyncio.timeout(2):
            await self.redis.ping()

    async def put(self, instance: str, **fields: Any) -> None:
        data: dict[bytes | bytearray | memoryview[int] | str | int | float,
                   bytes | bytearray | memoryview[int] | str | int | float] = {
            k: ("" if v is None else str(v)) for k, v in fields.items()}
        data["updated_ms"] = str(int(time.time() * 1000))
        await self.redis.hset(self.names.state_key(instance), mapping=data)

    async def get(self, instance: str) -> dict[str, str]:
        raw = await self.redis.hgetall(self.names.state_key(instance))
        return {str(k): str(v) for k, v in raw.items()}

    async def forget(self, instance: str) -> None:
        await self.redis.delete(self.names.state_key(instance))

    async def close(self) -> None:
        await self.redis.aclose()


_BUCKET = """
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]) or burst, tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(wait)}
"""


class RateLimiter:
    """Token bucket per key in Redis (atomic in one Lua script)."""

    def __init__(self, client: aioredis.Redis, names: Names, rate_per_s: float, burst: int) -> None:
        self.rate = rate_per_s
        self.burst = burst
        self.names = names
        self._script = client.register_script(_BUCKET)

    async def take(self, key: str) -> float:
        """0 when allowed, else the seconds to wait before retrying."""
        allowed, wait = await self._script(keys=[self.names.rate_key(key)],
                                           args=[self.rate, self.burst, time.time()])
        return 0.0 if int(allowed) else float(wait)
