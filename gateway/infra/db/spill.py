"""Events a worker could not get into JetStream before it stopped, kept in Postgres for the next owner."""

from __future__ import annotations

from gateway.infra.db.database import Database


class SpillStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def put(self, rows: list[tuple[str, str, int, bytes]]) -> None:
        """(event_id, instance_id, seq, encoded envelope), idempotent on the event id."""
        if rows:
            await self.db.pool.executemany(
                "INSERT INTO capture_spill (event_id, instance_id, seq, body) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (event_id) DO NOTHING", rows)

    async def of(self, instance_id: str) -> list[tuple[str, bytes]]:
        """The instance's spilled events, oldest first: (event_id, encoded envelope)."""
        rows = await self.db.pool.fetch(
            "SELECT event_id, body FROM capture_spill WHERE instance_id = $1 ORDER BY id", instance_id)
        return [(str(r["event_id"]), bytes(r["body"])) for r in rows]

    async def remove(self, event_ids: list[str]) -> None:
        await self.db.pool.execute("DELETE FROM capture_spill WHERE event_id = ANY($1::text[])", event_ids)
