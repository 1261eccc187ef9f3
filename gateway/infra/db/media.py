"""Media objects' metadata (for retention)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.infra.db.database import Database


class MediaIndex:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, key: str, *, instance_id: str, content_type: str, size: int, sha256: str,
                     retention_s: float) -> None:
        await self.db.pool.execute(
            "INSERT INTO media_objects (key, instance_id, content_type, size, sha256, expires_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at",
            key, instance_id, content_type, size, sha256, datetime.now(UTC) + timedelta(seconds=retention_s))

    async def expired(self, limit: int = 500) -> list[str]:
        rows = await self.db.pool.fetch(
            "SELECT key FROM media_objects WHERE expires_at < now() ORDER BY expires_at LIMIT $1", limit)
        return [r["key"] for r in rows]

    async def forget(self, keys: list[str]) -> None:
        await self.db.pool.execute("DELETE FROM media_objects WHERE key = ANY($1::text[])", keys)
