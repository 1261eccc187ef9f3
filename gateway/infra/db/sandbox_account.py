"""The sandbox engine's account world in Postgres: named JSON parts per instance (``profile``, ``book``,
``chat:<jid>``, ``records:<kind>``), so a new worker taking the instance over finds the same phone."""

from __future__ import annotations

from typing import Any

import orjson

from gateway.infra.db.database import Database


class SandboxAccountStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def load_account(self, instance_id: str) -> dict[str, dict[str, Any]]:
        """Every part the instance's simulated phone stored, by name."""
        rows = await self.db.pool.fetch(
            "SELECT part, state::text AS state FROM sandbox_account WHERE instance_id = $1", instance_id)
        out: dict[str, dict[str, Any]] = {}
        for row in rows:
            state = orjson.loads(row["state"])
            if isinstance(state, dict):
                out[row["part"]] = state
        return out

    async def save_account(self, instance_id: str, parts: dict[str, dict[str, Any] | None]) -> None:
        """Store (or, for ``None``, delete) these parts in one transaction (one statement: no BEGIN/COMMIT)."""
        if len(parts) == 1:
            [(part, state)] = parts.items()
            await self._save(self.db.pool, instance_id, part, state)
            return
        async with self.db.pool.acquire() as conn, conn.transaction():
            for part, state in parts.items():
                await self._save(conn, instance_id, part, state)

    @staticmethod
    async def _save(conn: Any, instance_id: str, part: str, state: dict[str, Any] | None) -> None:
        if state is None:
            await conn.execute("DELETE FROM sandbox_account WHERE instance_id = $1 AND part = $2", instance_id, part)
        else:
            await conn.execute(
                "INSERT INTO sandbox_account (instance_id, part, state) VALUES ($1, $2, $3::jsonb) "
                "ON CONFLICT (instance_id, part) DO UPDATE SET state = EXCLUDED.state, updated_at = now()",
                instance_id, part, orjson.dumps(state).decode())
