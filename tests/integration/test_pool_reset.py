"""Pooled connections are released without a round trip, except those that kept session state: a session
advisory lock taken on a connection marked ``keeps_session_state`` is gone when the pool hands it out again."""

from __future__ import annotations

from gateway.core.config import Settings
from gateway.infra.db.database import Database, keeps_session_state

HELD = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND pid = pg_backend_pid()"


async def test_only_connections_with_session_state_are_reset(settings: Settings) -> None:
    db = await Database.connect(settings, max_size=1)  # one connection: the next acquire gets the same one
    try:
        async with db.pool.acquire() as conn:
            keeps_session_state(conn)
            assert await conn.fetchval("SELECT pg_try_advisory_lock(424201)")
        async with db.pool.acquire() as conn:
            assert await conn.fetchval(HELD, 424201) == 0  # fully reset: the lock went with it
            await conn.execute("SET application_name = 'left-as-is'")
        async with db.pool.acquire() as conn:
            # not marked: released as it was (no RESET ALL round trip)
            assert await conn.fetchval("SHOW application_name") == "left-as-is"
            keeps_session_state(conn)
        async with db.pool.acquire() as conn:
            assert await conn.fetchval("SHOW application_name") == "zapgate"
    finally:
        await db.close()
