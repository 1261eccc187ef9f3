"""One JSON state per (instance, jid) in a table of the sandbox's worlds (groups, channels): a new worker taking
the instance over finds what the simulated phone knew."""

from __future__ import annotations

from typing import Any

import orjson

from gateway.infra.db.database import Database


class JidStates:
    """``table`` has the columns ``instance_id``, ``jid``, ``state`` (jsonb) and ``updated_at``."""

    def __init__(self, db: Database, table: str) -> None:
        self.db = db
        self._load = f"SELECT state::text AS state FROM {table} WHERE instance_id = $1 ORDER BY jid"
        self._save = (f"INSERT INTO {table} (instance_id, jid, state) VALUES ($1, $2, $3::jsonb) "
                      "ON CONFLICT (instance_id, jid) DO UPDATE SET state = EXCLUDED.state, updated_at = now()")

    async def load(self, instance_id: str) -> list[dict[str, Any]]:
        """Every state the instance's simulated phone knows (in no particular order)."""
        rows = await self.db.pool.fetch(self._load, instance_id)
        states = (orjson.loads(row["state"]) for row in rows)
        return [state for state in states if isinstance(state, dict)]

    async def save(self, instance_id: str, jid: str, state: dict[str, Any]) -> None:
        """Store one whole state (insert or replace)."""
        await self.db.pool.execute(self._save, instance_id, jid, orjson.dumps(state).decode())
