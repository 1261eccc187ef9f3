"""Read side of the dashboard: per-instance health, status history, recent traffic and minute series.

Every query is scoped to one partner (through ``instances.partner_id``) or to one instance the caller
already checked it owns. They read the tables the pipeline writes; nothing here changes anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.infra.db.database import Database

SERIES_MINUTES = 60


@dataclass(frozen=True, slots=True)
class InstanceHealth:
    queued: int
    last_event_at: datetime | None
    dead_letters: int
    failing_hook: str | None  # the oldest pending delivery that has failed at least once
    failing_status: int | None
    failing_error: str | None


@dataclass(frozen=True, slots=True)
class StatusChange:
    at: datetime
    status: str
    phone: str | None
    error: str | None
    worker: str | None


class DashboardReads:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def health(self, instances: list[tuple[str, int]]) -> dict[str, InstanceHealth]:
        """Queue depth, last event, dead letters and the failing webhook of each (instance id, partition)."""
        if not instances:
            return {}
        rows = await self.db.pool.fetch(
            "SELECT i.id, "
            "(SELECT count(*) FROM outbox o WHERE o.instance_id = i.id AND o.status = 'QUEUED') AS queued, "
            "(SELECT e.at FROM events e WHERE e.instance_id = i.id ORDER BY e.id DESC LIMIT 1) AS last_event, "
            "(SELECT count(*) FROM dead_letters l WHERE l.instance_id = i.id AND l.replayed_at IS NULL) AS dead, "
            "f.hook, f.last_status, f.last_error "
            "FROM unnest($1::text[], $2::int[]) AS i(id, part) "
            "LEFT JOIN LATERAL (SELECT d.hook, d.last_status, d.last_error FROM deliveries d "
            "  WHERE d.partition = i.part AND d.instance_id = i.id AND d.state = 'pending' AND d.attempts > 0 "
            "  ORDER BY d.id LIMIT 1) f ON true",
            [i for i, _ in instances], [p for _, p in instances])
        return {r["id"]: InstanceHealth(int(r["queued"]), r["last_event"], int(r["dead"]), r["hook"],
                                        r["last_status"], r["last_error"]) for r in rows}

    async def instance_ids(self, partner_id: int, limit: int) -> list[str]:
        rows = await self.db.pool.fetch("SELECT id FROM instances WHERE partner_id = $1 AND deleted_at IS NULL "
                                        "ORDER BY created_at, id LIMIT $2", partner_id, limit)
        return [r["id"] for r in rows]

    async def status_history(self, instance_id: str, limit: int = 20) -> list[StatusChange]:
        """The newest status changes first."""
        rows = await self.db.pool.fetch(
            "SELECT at, status, phone, error, worker_id FROM instance_status_history WHERE instance_id = $1 "
            "ORDER BY at DESC, id DESC LIMIT $2", instance_id, limit)
        return [StatusChange(r["at"], r["status"], r["phone"], r["error"], r["worker_id"]) for r in rows]

    async def recent_events(self, instance_id: str, kinds: tuple[str, ...], limit: int = 20) -> list[bytes]:
        """The newest stored events of these kinds (encoded envelopes), newest first."""
        rows = await self.db.pool.fetch(
            "SELECT body FROM events WHERE instance_id = $1 AND kind = ANY($2::text[]) ORDER BY id DESC LIMIT $3",
            instance_id, list(kinds), limit)
        return [bytes(r["body"]) for r in rows]

    async def message_statuses(self, instance_id: str, message_ids: list[str]) -> dict[str, str]:
        rows = await self.db.pool.fetch(
            "SELECT message_id, status FROM messages WHERE instance_id = $1 AND message_id = ANY($2::text[])",
            instance_id, message_ids)
        return {r["message_id"]: r["status"] for r in rows}

    async def minute_series(self, partner_id: int) -> dict[str, list[int]]:
        """Deliveries made and delivery attempts failed per minute over the last hour, oldest minute first,
        across the partner's instances (a delivery created over two hours ago is not counted)."""
        rows = await self.db.pool.fetch(
            "WITH mine AS (SELECT id FROM instances WHERE partner_id = $1 AND deleted_at IS NULL), "
            "minutes AS (SELECT generate_series(date_trunc('minute', now()) - make_interval(mins => $2 - 1), "
            "  date_trunc('minute', now()), interval '1 minute') AS m), "
            "ok AS (SELECT date_trunc('minute', d.delivered_at) AS m, count(*) AS n FROM deliveries d "
            "  WHERE d.created_at > now() - interval '2 hours' AND d.delivered_at > now() - make_interval(mins => $2) "
            "  AND d.instance_id IN (SELECT id FROM mine) GROUP BY 1), "
            "bad AS (SELECT date_trunc('minute', a.at) AS m, count(*) AS n FROM delivery_attempts a "
            "  JOIN deliveries d ON d.id = a.delivery_id WHERE a.at > now() - make_interval(mins => $2) "
            "  AND (a.status IS NULL OR a.status NOT BETWEEN 200 AND 299) "
            "  AND d.instance_id IN (SELECT id FROM mine) GROUP BY 1) "
            "SELECT coalesce(ok.n, 0) AS delivered, coalesce(bad.n, 0) AS failed FROM minutes "
            "LEFT JOIN ok ON ok.m = minutes.m LEFT JOIN bad ON bad.m = minutes.m ORDER BY minutes.m",
            partner_id, SERIES_MINUTES)
        return {"delivered": [int(r["delivered"]) for r in rows], "failed": [int(r["failed"]) for r in rows]}

    async def totals(self, partner_id: int) -> dict[str, Any]:
        """Queued sends and unreplayed dead letters across the partner's instances."""
        row = await self.db.pool.fetchrow(
            "WITH mine AS (SELECT id FROM instances WHERE partner_id = $1 AND deleted_at IS NULL) SELECT "
            "(SELECT count(*) FROM outbox WHERE status = 'QUEUED' AND instance_id IN (SELECT id FROM mine)) AS q, "
            "(SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL AND instance_id IN (SELECT id FROM mine))"
            " AS dead", partner_id)
        return {"queued": int(row["q"]), "deadLetters": int(row["dead"])}
