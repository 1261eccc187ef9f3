"""Failed authentications counted per client address in Redis; too many in a minute blocks the address.

Checked before any token is looked up, so a blocked guesser costs one Redis call and no Postgres query.
"""

from __future__ import annotations

import logging

import redis.asyncio as aioredis

from gateway.core.names import Names
from gateway.infra.kv.state import OUTAGE_ERRORS

log = logging.getLogger(__name__)

_FAILED = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], 60000) end
if n >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'PX', tonumber(ARGV[2]))
  redis.call('DEL', KEYS[1])
end
return n
"""


class AuthGuard:
    """``limit`` failures within a minute block the address for ``block_s``; then it lapses by itself.

    Redis being away opens the guard (logged): authentication itself still works, unthrottled."""

    def __init__(self, client: aioredis.Redis, names: Names, limit: int, block_s: int) -> None:
        self.client = client
        self.names = names
        self.limit = limit
        self.block_ms = block_s * 1000
        self._failed = client.register_script(_FAILED)

    async def blocked_for(self, address: str) -> float:
        """Seconds left on the address's block; 0 when it may try."""
        try:
            left_ms = await self.client.pttl(self.names.auth_block_key(address))
        except OUTAGE_ERRORS as exc:
            log.warning("auth guard open: Redis unreachable (%s)", type(exc).__name__)
            return 0.0
        return max(0, int(left_ms)) / 1000

    async def failed(self, address: str) -> None:
        try:
            await self._failed(keys=[self.names.auth_failures_key(address), self.names.auth_block_key(address)],
                               args=[self.limit, self.block_ms])
        except OUTAGE_ERRORS as exc:
            log.warning("auth failure not counted: Redis unreachable (%s)", type(exc).__name__)
