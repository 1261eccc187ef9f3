"""The sandbox engine's channel world in Postgres: one JSON state per (instance, channel), so a new worker
taking the instance over finds the channels the simulated phone knew."""

from __future__ import annotations

from typing import Any

import orjson

from gateway.infra.db.database import Database


class SandboxNewsletterStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def load_newsletters(self, instance_id: str) -> list[dict[str, Any]]:
        """Every channel state the instance's simulated phone knows (in no particular order)."""
        rows = await self.db.pool.fetch(
            "SELECT state::text AS state FROM sandbox_newsletters WHERE instance_id = $1 ORDER BY jid", instance_id)
        out: list[dict[str, Any]] = []
        for row in rows:
            state = orjson.loads(row["state"])
            if isinstance(state, dict):
                out.append(state)
        return out

    async def save_newsletter(self, instance_id: str, jid: str, state: dict[str, Any]) -> None:
        """Store a channel's whole state (insert or replace)."""
        await self.db.pool.execute(
            "INSERT INTO sandbox_newsletters (instance_id, jid, state) VALUES ($1, $2, $3::jsonb) "
            "ON CONFLICT (instance_id, jid) DO UPDATE SET state = EXCLUDED.state, updated_at = now()",
            instance_id, jid, orjson.dumps(state).decode())
