"""The sandbox engine's group world in Postgres: one JSON state per (instance, group), so a new worker
taking the instance over finds the groups the simulated phone was in."""

from __future__ import annotations

from typing import Any

import orjson

from gateway.infra.db.database import Database


class SandboxGroupStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def load_groups(self, instance_id: str) -> list[dict[str, Any]]:
        """Every group state the instance's simulated phone knows (in no particular order)."""
        rows = await self.db.pool.fetch(
            "SELECT state::text AS state FROM sandbox_groups WHERE instance_id = $1 ORDER BY jid", instance_id)
        out: list[dict[str, Any]] = []
        for row in rows:
            state = orjson.loads(row["state"])
            if isinstance(state, dict):
                out.append(state)
        return out

    async def save_group(self, instance_id: str, jid: str, state: dict[str, Any]) -> None:
        """Store a group's whole state (insert or replace)."""
        await self.db.pool.execute(
            "INSERT INTO sandbox_groups (instance_id, jid, state) VALUES ($1, $2, $3::jsonb) "
            "ON CONFLICT (instance_id, jid) DO UPDATE SET state = EXCLUDED.state, updated_at = now()",
            instance_id, jid, orjson.dumps(state).decode())
