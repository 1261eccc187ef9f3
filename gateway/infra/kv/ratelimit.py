"""Token-bucket rate limits in Redis (atomic in one Lua script)."""

from __future__ import annotations

import time

import redis.asyncio as aioredis

from gateway.core.names import Names

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
