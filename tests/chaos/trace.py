"""Where a lost message stopped, read before the stack is torn down: its event in Postgres (stored or not, under
which fence), its row in ``messages``, its deliveries (state, attempts, last error, hold), and what JetStream's
consumer for its partition still holds. An accepted message that never arrived is either not in Postgres (lost
between capture and the persist) or stored with a delivery that never went out (lost in dispatch's lanes)."""

from __future__ import annotations

from typing import Any

from gateway.core.config import Settings
from gateway.core.names import Names
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database


async def trace_lost(settings: Settings, lost: list[str]) -> list[dict[str, Any]]:
    """One entry per ``instance/messageId`` in ``lost``, in plain JSON values."""
    if not lost:
        return []
    names = Names.from_settings(settings)
    db = await Database.connect(settings)
    bus = await Bus.connect(settings.nats_url)
    traces = []
    try:
        for key in lost:
            instance, _, message_id = key.partition("/")
            events = await db.pool.fetch(
                "SELECT id, event_id, seq, fence, created_at FROM events WHERE instance_id = $1 "
                "AND event_id LIKE $2 ORDER BY id", instance, f"{instance}:msg:{message_id}:%")
            deliveries = await db.pool.fetch(
                "SELECT id, hook, state, attempts, last_status, last_error, held_until, created_at FROM deliveries "
                "WHERE event_row = ANY($1::bigint[]) ORDER BY id", [e["id"] for e in events])
            message = await db.pool.fetchrow(
                "SELECT status, kind, at, updated_at FROM messages WHERE instance_id = $1 AND message_id = $2",
                instance, message_id)
            partition = names.partition_of(instance)
            info = await bus.js.consumer_info(names.events_stream, names.dispatch_durable(partition))
            traces.append({
                "message": key, "partition": partition,
                "events": [_plain(e) for e in events], "message_row": _plain(message) if message else None,
                "deliveries": [_plain(d) for d in deliveries],
                "consumer": {"pending": info.num_pending, "ack_pending": info.num_ack_pending,
                             "redelivered": info.num_redelivered,
                             "delivered_stream_seq": info.delivered.stream_seq if info.delivered else None,
                             "ack_floor_stream_seq": info.ack_floor.stream_seq if info.ack_floor else None},
            })
    finally:
        await bus.close()
        await db.close()
    return traces


def _plain(row: Any) -> dict[str, Any]:
    return {k: v if v is None or isinstance(v, (int, float, bool, str)) else str(v) for k, v in dict(row).items()}
