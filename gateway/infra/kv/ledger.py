"""The sandbox phone's record of what it received: a list in order plus a zaapId index, in Redis."""

from __future__ import annotations

import time

import orjson
import redis.asyncio as aioredis

from gateway.core.commands import Outgoing
from gateway.core.events import dumps
from gateway.core.names import Names


class SandboxLedger:
    """What each simulated phone got; one atomic step per send, so a sandbox send is never in doubt."""

    def __init__(self, client: aioredis.Redis, names: Names, worker_id: str) -> None:
        self.redis = client
        self.names = names
        self.worker_id = worker_id

    async def record(self, instance_id: str, message_id: str, out: Outgoing) -> None:
        entry = orjson.dumps({"id": message_id, "type": type(out.content).__name__, "t": time.time(),
                              "worker": self.worker_id, "outgoing": orjson.loads(dumps(out))})
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(self.names.sandbox_sent_key(instance_id), entry)
            if out.zaap_id:
                pipe.hset(self.names.sandbox_sent_index(instance_id), out.zaap_id, message_id)
            await pipe.execute()

    async def lookup(self, instance_id: str, zaap_id: str) -> str | None:
        found = await self.redis.hget(self.names.sandbox_sent_index(instance_id), zaap_id)
        return str(found) if found else None
