"""Read side of the webhook pipeline for the partner API: delivery log, dead letters, replay."""

from __future__ import annotations

from typing import Any

import orjson

from gateway.infra.db.database import Database


class DeliveryLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def deliveries(self, instance_id: str, state: str | None, limit: int) -> list[dict[str, Any]]:
        rows = await self.db.pool.fetch(
            "SELECT d.id, d.hook, d.webhook_id, d.state, d.attempts, d.last_status, d.last_error, d.created_at, "
            "d.delivered_at, (SELECT coalesce(json_agg(json_build_object('at', a.at, 'status', a.status, "
            "'latencyMs', a.latency_ms, 'error', a.error) ORDER BY a.id), '[]') FROM delivery_attempts a "
            "WHERE a.delivery_id = d.id) AS attempts_log FROM deliveries d WHERE d.instance_id = $1 "
            "AND ($2::text IS NULL OR d.state = $2) ORDER BY d.id DESC LIMIT $3", instance_id, state, limit)
        return [{"id": r["id"], "hook": r["hook"], "webhookId": r["webhook_id"], "state": r["state"],
                 "attempts": r["attempts"], "lastStatus": r["last_status"], "lastError": r["last_error"],
                 "createdAt": r["created_at"].isoformat(),
                 "deliveredAt": r["delivered_at"].isoformat() if r["delivered_at"] else None,
                 "attemptsLog": orjson.loads(r["attempts_log"])} for r in rows]

    async def held_events(self, partition: int, instance_id: str) -> list[bytes]:
        """The events (as captured) whose deliveries dispatch still holds for their media: the worker that had to
        download it stopped first. In capture order."""
        rows = await self.db.pool.fetch(
            "SELECT e.body FROM events e WHERE e.id IN (SELECT d.event_row FROM deliveries d WHERE d.partition = $1 "
            "AND d.instance_id = $2 AND d.state = 'pending' AND d.held_until IS NOT NULL) ORDER BY e.id",
            partition, instance_id)
        return [bytes(r["body"]) for r in rows]

    async def dead_letters(self, instance_id: str, limit: int) -> list[dict[str, Any]]:
        rows = await self.db.pool.fetch(
            "SELECT l.id, l.delivery_id, l.hook, l.reason, l.created_at, d.webhook_id, d.attempts, d.payload "
            "FROM dead_letters l JOIN deliveries d ON d.id = l.delivery_id WHERE l.instance_id = $1 "
            "AND l.replayed_at IS NULL ORDER BY l.id LIMIT $2", instance_id, limit)
        return [{"id": r["id"], "deliveryId": r["delivery_id"], "hook": r["hook"], "reason": r["reason"],
                 "webhookId": r["webhook_id"], "attempts": r["attempts"], "createdAt": r["created_at"].isoformat(),
                 "payload": orjson.loads(bytes(r["payload"]))} for r in rows]

    async def replay(self, instance_id: str, ids: list[int] | None) -> tuple[int, set[int]]:
        """Re-open dead deliveries (all, or these dead-letter ids); returns (count, partitions touched)."""
        async with self.db.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "UPDATE dead_letters SET replayed_at = now() WHERE instance_id = $1 AND replayed_at IS NULL "
                "AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[])) RETURNING delivery_id", instance_id, ids)
            drows = await conn.fetch(
                "UPDATE deliveries SET state = 'pending', attempts = 0, first_try_at = NULL WHERE id = ANY($1) "
                "RETURNING partition", [r["delivery_id"] for r in rows])
        return len(drows), {r["partition"] for r in drows}
