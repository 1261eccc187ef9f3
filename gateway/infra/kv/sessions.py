"""Dashboard sign-ins in Redis: one hash per session, keyed by the hash of the cookie's id, expiring by TTL.

A session holds the partner it signed in as (by the hash of the partner token used, so a rotated token ends
it), its CSRF secret and a one-shot notice for the next page. Signing out deletes it at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import redis.asyncio as aioredis

from gateway.core.names import Names


@dataclass(frozen=True, slots=True)
class DashboardSession:
    sid: str  # the random id the cookie carries (never stored)
    partner_token_hash: str
    csrf: str
    notice: str = ""
    notice_kind: str = ""


def _key_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


_LOAD = """
local v = redis.call('HMGET', KEYS[1], 'partner', 'csrf', 'notice', 'notice_kind')
if v[1] and ARGV[1] == '1' then redis.call('HDEL', KEYS[1], 'notice', 'notice_kind') end
return v
"""

_NOTIFY = """
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'notice', ARGV[1], 'notice_kind', ARGV[2]) end
return 0
"""


class DashboardSessions:
    def __init__(self, client: aioredis.Redis, names: Names, ttl_s: int) -> None:
        self.client = client
        self.names = names
        self.ttl_s = ttl_s
        self._load = client.register_script(_LOAD)
        self._notify = client.register_script(_NOTIFY)

    def _key(self, sid: str) -> str:
        return self.names.dashboard_session_key(_key_hash(sid))

    async def open(self, partner_token_hash: str) -> DashboardSession:
        session = DashboardSession(secrets.token_urlsafe(32), partner_token_hash, secrets.token_urlsafe(32))
        key = self._key(session.sid)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"partner": partner_token_hash, "csrf": session.csrf})
            pipe.expire(key, self.ttl_s)
            await pipe.execute()
        return session

    async def load(self, sid: str, *, take_notice: bool = False) -> DashboardSession | None:
        """The live session with this id; ``take_notice``: with its pending notice, which is then gone
        (a page shows it once; the panels a page polls leave it alone)."""
        partner, csrf, notice, kind = await self._load(keys=[self._key(sid)], args=["1" if take_notice else "0"])
        if not partner or not csrf:
            return None
        if not take_notice:
            return DashboardSession(sid, str(partner), str(csrf))
        return DashboardSession(sid, str(partner), str(csrf), str(notice or ""), str(kind or ""))

    async def notify(self, sid: str, notice: str, kind: str = "ok") -> None:
        """Leave a notice for the next page this session shows (after a redirect)."""
        await self._notify(keys=[self._key(sid)], args=[notice[:500], kind])

    async def close(self, sid: str) -> None:
        await self.client.delete(self._key(sid))
