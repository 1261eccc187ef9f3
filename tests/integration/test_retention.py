"""Retention deletes what is old and done, in batches, and never what is still in flight."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.core.config import Settings
from gateway.core.retention import parse_overrides
from tests.support.polling import eventually
from tests.support.stack import Stack

FRESH = "SELECT count(*) FROM events WHERE position('fresh-one'::bytea in body) > 0"


async def test_old_done_rows_go_pending_and_recent_ones_stay(stack: Stack) -> None:
    inst = await stack.paired()
    h = stack.api.client_headers
    for n in range(3):
        await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"), headers=h,
                                    json={"from": "5511988887777", "type": "text", "message": f"m{n}"})
    await stack.api.client.post(stack.api.path(inst, "send-text"), headers=h,
                                json={"phone": "5511988887777", "message": "out"})
    db = stack.dispatcher.store.db

    async def settled() -> bool:
        return not await db.pool.fetchval("SELECT count(*) FROM deliveries WHERE state = 'pending'") and \
            await db.pool.fetchval("SELECT count(*) FROM outbox WHERE status = 'SENT'") == 1

    await eventually(settled, timeout_s=20)
    # age everything by 40 days, then make one delivery pending again (still in flight: it must stay)
    for table, column in (("events", "created_at"), ("deliveries", "created_at"), ("messages", "updated_at"),
                          ("message_status_history", "at"), ("instance_status_history", "at"),
                          ("outbox", "created_at"), ("delivery_attempts", "at")):
        await db.pool.execute(f"UPDATE {table} SET {column} = {column} - interval '40 days'")  # noqa: S608
    pending_id = await db.pool.fetchval("SELECT min(id) FROM deliveries")
    await db.pool.execute("UPDATE deliveries SET state = 'pending' WHERE id = $1", pending_id)
    # (late receipts may still add recent events: those are not old, and are not counted here)
    old_done = await db.pool.fetchval(
        "SELECT count(*) FROM events e WHERE created_at < now() - interval '30 days' AND NOT EXISTS "
        "(SELECT 1 FROM deliveries d WHERE d.event_row = e.id AND d.state = 'pending')")
    assert old_done >= 4

    small_batches = stack.settings.model_copy(update={"retention_batch": 100, "retention_days": 30})
    stack.dispatcher.settings = small_batches
    deleted = await stack.dispatcher.retention_once()
    assert deleted is not None and deleted["events"] == old_done  # all but the pending delivery's event
    assert deleted["outbox"] == 1 and deleted["messages"] >= 3 and deleted["delivery_attempts"] >= 1
    assert await db.pool.fetchval("SELECT state FROM deliveries WHERE id = $1", pending_id) == "pending"
    assert await db.pool.fetchval("SELECT count(*) FROM events WHERE id = (SELECT event_row FROM deliveries "
                                  "WHERE id = $1)", pending_id) == 1
    assert await db.pool.fetchval("SELECT count(*) FROM deliveries WHERE state <> 'pending' "
                                  "AND created_at < now() - interval '30 days'") == 0

    # recent rows stay
    await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"), headers=h,
                                json={"from": "5511988887777", "type": "text", "message": "fresh-one"})

    async def stored() -> bool:
        return bool(await db.pool.fetchval(FRESH))

    await eventually(stored)
    again = await stack.dispatcher.retention_once()
    assert again is not None and again["events"] == 0
    assert await db.pool.fetchval(FRESH) == 1


def test_overrides_are_validated() -> None:
    assert parse_overrides("events=7, messages=90") == {"events": 7, "messages": 90}
    for bad in ("nope=3", "events=0", "events=x", "events"):
        with pytest.raises(ValueError, match="table"):
            parse_overrides(bad)
    with pytest.raises(ValidationError, match="retention_overrides"):
        Settings(retention_overrides="nope=3")
