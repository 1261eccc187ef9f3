"""Named JSON states per instance, in one of the sandbox's world tables (account, business, catalog): a new worker
taking the instance over finds what the simulated phone stored."""

from __future__ import annotations

from typing import Any

import orjson

from gateway.infra.db.database import Database


class NamedStates:
    """``table`` has the columns ``instance_id``, ``<name_column>``, ``state`` (jsonb) and ``updated_at``, keyed by
    the first two."""

    def __init__(self, db: Database, table: str, name_column: str) -> None:
        self.db = db
        self._load = f"SELECT {name_column} AS name, state::text AS state FROM {table} WHERE instance_id = $1"
        self._save = (f"INSERT INTO {table} (instance_id, {name_column}, state) VALUES ($1, $2, $3::jsonb) "
                      f"ON CONFLICT (instance_id, {name_column}) DO UPDATE SET state = EXCLUDED.state, "
                      "updated_at = now()")
        self._delete = f"DELETE FROM {table} WHERE instance_id = $1 AND {name_column} = $2"

    async def load(self, instance_id: str) -> dict[str, dict[str, Any]]:
        """Every state the instance's simulated phone stored, by name."""
        rows = await self.db.pool.fetch(self._load, instance_id)
        states = {row["name"]: orjson.loads(row["state"]) for row in rows}
        return {name: state for name, state in states.items() if isinstance(state, dict)}

    async def save(self, instance_id: str, states: dict[str, dict[str, Any] | None]) -> None:
        """Store (or, for ``None``, delete) these states, all or none (one alone: one statement, no BEGIN/COMMIT)."""
        if len(states) == 1:
            [(name, state)] = states.items()
            await self._save_one(self.db.pool, instance_id, name, state)
            return
        async with self.db.pool.acquire() as conn, conn.transaction():
            for name, state in states.items():
                await self._save_one(conn, instance_id, name, state)

    async def _save_one(self, conn: Any, instance_id: str, name: str, state: dict[str, Any] | None) -> None:
        if state is None:
            await conn.execute(self._delete, instance_id, name)
        else:
            await conn.execute(self._save, instance_id, name, orjson.dumps(state).decode())
