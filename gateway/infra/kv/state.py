"""Live instance state in Redis, the client factory and the probe (redis-py lives only in this package)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeout

from gateway.core.names import Names

# Redis unreachable or timing out: the api answers 503
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeout)


# Connections per process. Past that a command waits (up to the socket timeout) for a free one: redis-py's
# default pool raises MaxConnectionsError instead, which at 2,500 instances a worker turned into failed lease
# renewals and state writes under a burst of control requests (tests/bench/scale.py).
MAX_CONNECTIONS = 100


def connect_redis(url: str) -> aioredis.Redis:
    pool = aioredis.BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS, timeout=5, decode_responses=True, socket_timeout=5,
        socket_connect_timeout=3, health_check_interval=30,
    )
    return aioredis.Redis.from_pool(pool)


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

    async def statuses(self, instances: list[str]) -> list[str]:
        """Each instance's live status ("" when it has none), in one round trip."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for instance in instances:
                pipe.hget(self.names.state_key(instance), "status")
            found = await pipe.execute()
        return [str(s or "") for s in found]

    async def forget(self, instance: str) -> None:
        await self.redis.delete(self.names.state_key(instance))

    async def close(self) -> None:
        await self.redis.aclose()
