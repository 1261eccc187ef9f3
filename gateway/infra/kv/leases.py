"""Instance leases in Redis: SET NX PX + fencing counter, renew at ttl/3, compare-and-delete release.

RENEW_BATCH: a holder renews all its leases (and its heartbeat) in one round trip per tick: one Lua call per
``RENEW_CHUNK`` leases, pipelined, each checking every key's value (compare-and-PEXPIRE, exactly as a single
renewal would) and answering only the positions it did not renew. The keys of one call span many instances,
so this needs a single Redis node (what ``connect_redis`` gives), not Redis Cluster.

The lease value is ``<worker_id>:<fence>``. Every acquisition INCRs the instance's fence counter, so
work done under an old acquisition can be refused by comparing fences (``holds``).

FENCE_FLOOR: the counter is first raised to the current time in milliseconds. Redis keeps nothing on disk
here, so after a Redis restart the counters are gone; without the floor the next owner would get fence 1,
older than the fences already stored in Postgres and JetStream, and its events would look stale. With it,
fences keep growing across restarts (as long as clocks do not go back by more than the time between them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import orjson
import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline
from redis.exceptions import NoScriptError

from gateway.core.names import Names

_ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if tonumber(redis.call('GET', KEYS[2]) or '0') < tonumber(ARGV[3]) then
    redis.call('SET', KEYS[2], ARGV[3])
  end
  local fence = redis.call('INCR', KEYS[2])
  redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence, 'PX', ARGV[2])
  return fence
end
return 0
"""
_RENEW_MANY = """
local lost = {}
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[i + 1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
  else
    lost[#lost + 1] = i
  end
end
return lost
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
AUDIT_MAX = 20_000
RENEW_CHUNK = 1000  # leases per Lua call: bounds how long one call holds Redis (see RENEW_BATCH)
# A lease Redis confirmed (acquired or renewed) at local time t cannot expire before t + ttl: the key's PEXPIRE
# ran after t. ``holds_recently`` trusts it, without a round trip, until t + ttl * TRUSTED_FRACTION. Renewals run
# every ttl/3, so while they succeed the answer never needs Redis; a lease lost to expiry is seen in time, and
# one taken away otherwise (deleted by hand, a Redis fail-over that lost the key) within that fraction of the TTL.
TRUSTED_FRACTION = 0.5


@dataclass(frozen=True, slots=True)
class Lease:
    instance_id: str
    worker_id: str
    fence: int

    @property
    def value(self) -> str:
        return f"{self.worker_id}:{self.fence}"


class LeaseReader:
    """Who holds an instance's lease, for a process that holds none (the api)."""

    def __init__(self, client: aioredis.Redis, names: Names) -> None:
        self.redis = client
        self.names = names

    async def owner(self, instance_id: str) -> tuple[str, int] | None:
        """(worker id, fence) of the instance's lease now, or None."""
        value = await self.redis.get(self.names.lease_key(instance_id))
        if not value:
            return None
        worker, _, fence = str(value).rpartition(":")
        return worker, int(fence) if fence.isascii() and fence.isdigit() else 0


class LeaseManager(LeaseReader):
    """Leases, fencing and worker heartbeats for one worker."""

    def __init__(self, client: aioredis.Redis, names: Names, worker_id: str, ttl_s: float,
                 group: str = "workers") -> None:
        super().__init__(client, names)
        self.group = group
        self.worker_id = worker_id
        self.ttl_ms = int(ttl_s * 1000)
        self._acquire = client.register_script(_ACQUIRE)
        self._renew_sha = client.register_script(_RENEW_MANY).sha  # sent as raw EVALSHA, see renew_many
        self._release = client.register_script(_RELEASE)
        self._confirmed: dict[str, tuple[str, float]] = {}  # instance -> (lease value, monotonic time asked)

    async def acquire(self, instance_id: str) -> Lease | None:
        keys = [self.names.lease_key(instance_id), self.names.fence_key(instance_id)]
        floor = int(time.time() * 1000)  # see FENCE_FLOOR
        asked = time.monotonic()
        fence = int(await self._acquire(keys=keys, args=[self.worker_id, self.ttl_ms, floor]))
        if not fence:
            return None
        lease = Lease(instance_id, self.worker_id, fence)
        self._confirmed[instance_id] = (lease.value, asked)
        return lease

    async def renew_many(self, leases: list[Lease], *, heartbeat_ttl_s: float | None = None) -> dict[str, bool]:
        """Renew leases in one round trip (see RENEW_BATCH); False for each lease that is no longer ours.

        With ``heartbeat_ttl_s`` the worker heartbeat (owning ``len(leases)``) rides in the same round trip.
        """
        asked = time.monotonic()
        chunks = [leases[i:i + RENEW_CHUNK] for i in range(0, len(leases), RENEW_CHUNK)]
        if not chunks and heartbeat_ttl_s is None:
            return {}
        for attempt in range(2):
            async with self.redis.pipeline(transaction=False) as pipe:
                if heartbeat_ttl_s is not None:
                    self._queue_heartbeat(pipe, heartbeat_ttl_s, len(leases))
                for chunk in chunks:
                    keys = [self.names.lease_key(lease.instance_id) for lease in chunk]
                    pipe.evalsha(self._renew_sha, len(chunk), *keys, self.ttl_ms, *(lease.value for lease in chunk))
                # raw EVALSHA: a registered script would cost a SCRIPT EXISTS round trip on every execute
                results = await pipe.execute(raise_on_error=False)
            replies = results[len(results) - len(chunks):]
            if attempt == 0 and any(isinstance(r, NoScriptError) for r in replies):
                await self.redis.script_load(_RENEW_MANY)  # Redis restarted (it forgets scripts): load, once more
                continue
            break
        if failed := next((r for r in results if isinstance(r, Exception)), None):
            raise failed
        renewed = {lease.instance_id: True for lease in leases}
        for chunk, lost in zip(chunks, replies, strict=True):
            for position in lost:
                renewed[chunk[int(position) - 1].instance_id] = False
        for lease in leases:
            if renewed[lease.instance_id]:
                self._confirmed[lease.instance_id] = (lease.value, asked)
            else:
                self._confirmed.pop(lease.instance_id, None)
        return renewed

    async def release(self, lease: Lease) -> bool:
        self._confirmed.pop(lease.instance_id, None)
        return bool(await self._release(keys=[self.names.lease_key(lease.instance_id)], args=[lease.value]))

    async def holds(self, lease: Lease) -> bool:
        """True while this exact acquisition (worker + fence) still owns the instance (asks Redis)."""
        return bool(await self.redis.get(self.names.lease_key(lease.instance_id)) == lease.value)

    async def holds_recently(self, lease: Lease) -> bool:
        """``holds`` without a round trip while Redis confirmed this lease recently (see TRUSTED_FRACTION):
        for the check on every control request and before every send. A renewal that finds the lease gone ends
        the trust at once, and dispatch fences what a stale owner captured."""
        confirmed = self._confirmed.get(lease.instance_id)
        if (confirmed is not None and confirmed[0] == lease.value
                and time.monotonic() - confirmed[1] < self.ttl_ms / 1000 * TRUSTED_FRACTION):
            return True
        return await self.holds(lease)

    # heartbeats ---------------------------------------------------------------------------------
    async def heartbeat(self, ttl_s: float, owned: int) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            self._queue_heartbeat(pipe, ttl_s, owned)
            await pipe.execute()

    def _queue_heartbeat(self, pipe: Pipeline, ttl_s: float, owned: int) -> None:
        now_ms = int(time.time() * 1000)
        pipe.zadd(self.names.members_key(self.group), {self.worker_id: now_ms + int(ttl_s * 1000)})
        pipe.zremrangebyscore(self.names.members_key(self.group), 0, now_ms)
        pipe.set(self.names.worker_key(self.worker_id), str(owned), px=int(ttl_s * 1000))

    async def live_workers(self) -> list[str]:
        now_ms = int(time.time() * 1000)
        members = await self.redis.zrangebyscore(self.names.members_key(self.group), now_ms, "+inf")
        return sorted(str(m) for m in members)

    async def leave(self) -> None:
        await self.redis.zrem(self.names.members_key(self.group), self.worker_id)
        await self.redis.delete(self.names.worker_key(self.worker_id))

    # audit ----------------------------------------------------------------------------------------
    async def audit(self, lease: Lease, what: str) -> None:
        """Append engine start/stop to a capped ownership log (used to prove single ownership)."""
        entry = orjson.dumps({"i": lease.instance_id, "w": lease.worker_id, "f": lease.fence, "e": what,
                              "t": time.time()})
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.rpush(self.names.audit_key, entry)
            pipe.ltrim(self.names.audit_key, -AUDIT_MAX, -1)
            await pipe.execute()
