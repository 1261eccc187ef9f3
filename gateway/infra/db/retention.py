"""Retention: delete what is older than the configured age, in batches, never anything still in flight.

Pending deliveries (and their events) are never deleted, nor queued or sending messages, nor spilled
capture events. Batches keep each statement short; one dispatcher at a time runs a round (advisory lock).
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.core.config import Settings
from gateway.core.retention import TABLES, parse_overrides
from gateway.infra.db.database import Database, keeps_session_state

_LOCK = 7_401_337  # pg_try_advisory_lock key: one retention round at a time across dispatchers

# table -> (statement deleting at most $2 rows older than $1 days), in an order that respects foreign keys
_STEPS: tuple[tuple[str, str], ...] = (
    ("delivery_attempts",
     "DELETE FROM delivery_attempts WHERE id IN (SELECT a.id FROM delivery_attempts a JOIN deliveries d "
     "ON d.id = a.delivery_id WHERE d.state <> 'pending' AND d.created_at < now() - make_interval(days => $1) "
     "LIMIT $2)"),
    ("dead_letters",
     "DELETE FROM dead_letters WHERE id IN (SELECT l.id FROM dead_letters l JOIN deliveries d "
     "ON d.id = l.delivery_id WHERE d.state <> 'pending' AND d.created_at < now() - make_interval(days => $1) "
     "LIMIT $2)"),
    ("deliveries",
     "DELETE FROM deliveries WHERE id IN (SELECT d.id FROM deliveries d WHERE d.state <> 'pending' "
     "AND d.created_at < now() - make_interval(days => $1) "
     "AND NOT EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.id) "
     "AND NOT EXISTS (SELECT 1 FROM dead_letters l WHERE l.delivery_id = d.id) LIMIT $2)"),
    ("events",
     "DELETE FROM events WHERE id IN (SELECT e.id FROM events e WHERE e.created_at < now() - "
     "make_interval(days => $1) AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_row = e.id) LIMIT $2)"),
    ("messages",
     "DELETE FROM messages WHERE (instance_id, message_id) IN (SELECT instance_id, message_id FROM messages "
     "WHERE updated_at < now() - make_interval(days => $1) LIMIT $2)"),
    ("message_status_history",
     "DELETE FROM message_status_history WHERE id IN (SELECT id FROM message_status_history "
     "WHERE at < now() - make_interval(days => $1) LIMIT $2)"),
    ("instance_status_history",
     "DELETE FROM instance_status_history WHERE ctid IN (SELECT ctid FROM instance_status_history "
     "WHERE at < now() - make_interval(days => $1) LIMIT $2)"),
    ("outbox",
     "DELETE FROM outbox WHERE zaap_id IN (SELECT zaap_id FROM outbox WHERE status IN ('SENT', 'FAILED', "
     "'DELETED') AND created_at < now() - make_interval(days => $1) LIMIT $2)"),
    ("poison_events",
     "DELETE FROM poison_events WHERE id IN (SELECT id FROM poison_events "
     "WHERE created_at < now() - make_interval(days => $1) LIMIT $2)"),
    ("polls",
     "DELETE FROM polls WHERE (instance_id, message_id) IN (SELECT instance_id, message_id FROM polls "
     "WHERE created_at < now() - make_interval(days => $1) LIMIT $2)"),
)
assert tuple(name for name, _ in _STEPS) == TABLES  # the settings validate overrides against TABLES


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    default_days: int
    per_table: dict[str, int]
    batch: int
    idempotency_key_ttl_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        return cls(settings.retention_days, parse_overrides(settings.retention_overrides), settings.retention_batch,
                   settings.idempotency_key_ttl_s)

    def days(self, table: str) -> int:
        return self.per_table.get(table, self.default_days)


async def run_once(db: Database, policy: RetentionPolicy) -> dict[str, int] | None:
    """One round over every table; the rows deleted per table, or None when another dispatcher is running one."""
    async with db.pool.acquire() as conn:
        keeps_session_state(conn)  # a session lock: released by the pool's reset even if this is cancelled
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", _LOCK):
            return None
        try:
            deleted: dict[str, int] = {}
            for table, statement in _STEPS:
                total = 0
                while True:
                    status = await conn.execute(statement, policy.days(table), policy.batch)
                    count = int(status.split()[-1])
                    total += count
                    if count < policy.batch:
                        break
                deleted[table] = total
            status = await conn.execute("DELETE FROM outbox_keys WHERE created_at < now() - make_interval(secs => $1)",
                                        policy.idempotency_key_ttl_s)
            deleted["outbox_keys"] = int(status.split()[-1])
            return deleted
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK)
