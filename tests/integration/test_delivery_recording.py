"""A delivery whose success cannot be recorded (Postgres refusing the write) is not POSTed again."""

from __future__ import annotations

import asyncio

from tests.support.polling import eventually
from tests.support.stack import Stack


async def test_no_repeat_post_while_the_outcome_cannot_be_written(stack: Stack) -> None:
    inst = await stack.paired()
    db = stack.dispatcher.store.db
    await eventually(lambda: _idle(stack))
    await db.pool.execute("ALTER TABLE delivery_attempts RENAME TO delivery_attempts_away")  # writes now fail
    try:
        r = await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"), headers=stack.api.client_headers,
                                        json={"from": "5511988887777", "type": "text", "message": "once"})
        assert r.status_code == 200, r.text

        async def posted() -> bool:
            return any(h.json.get("text", {}).get("message") == "once" for h in stack.receiver.hits)

        await eventually(posted)
        wid = next(h.headers["webhook-id"] for h in stack.receiver.hits
                   if h.json.get("text", {}).get("message") == "once")
        await asyncio.sleep(2.5)  # the old lane re-POSTed every second while the write failed
        assert stack.receiver.seen[wid] == 1
    finally:
        await db.pool.execute("ALTER TABLE delivery_attempts_away RENAME TO delivery_attempts")

    async def recorded() -> bool:
        return await db.pool.fetchval("SELECT state FROM deliveries WHERE webhook_id = $1", wid) == "delivered"

    await eventually(recorded, timeout_s=15)
    assert stack.receiver.seen[wid] == 1


async def _idle(stack: Stack) -> bool:
    """The pairing's webhooks are all delivered and recorded."""
    pending = await stack.dispatcher.store.db.pool.fetchval("SELECT count(*) FROM deliveries WHERE state = 'pending'")
    return any(h.json.get("type") == "ConnectedCallback" for h in stack.receiver.hits) and pending == 0
