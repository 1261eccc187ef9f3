"""A delivery whose success cannot be recorded (Postgres refusing the write) is not POSTed again."""

from __future__ import annotations

import asyncio

from dispatch.lanes import RECORD_WINDOW
from tests.support.polling import eventually
from tests.support.stack import Stack


async def test_no_repeat_post_while_the_outcome_cannot_be_written(stack: Stack) -> None:
    inst = await stack.paired()
    db = stack.dispatcher.store.db
    await stack.pairing_delivered()
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


async def test_the_lane_posts_on_while_outcomes_are_written_up_to_its_window(stack: Stack) -> None:
    """Delivered outcomes are written behind the lane, at most ``RECORD_WINDOW`` of them unwritten: while Postgres
    refuses the writes, the lane POSTs that many and waits; once it takes them, the rest follow, in order, once each."""
    inst = await stack.paired()
    db = stack.dispatcher.store.db
    await stack.pairing_delivered()
    texts = [f"w{n}" for n in range(RECORD_WINDOW + 5)]

    def arrived() -> list[str]:
        said = [h.json.get("text", {}).get("message") for h in stack.receiver.hits]
        return [text for text in said if text in texts]

    await db.pool.execute("ALTER TABLE delivery_attempts RENAME TO delivery_attempts_away")
    try:
        for text in texts:
            r = await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"),
                                            headers=stack.api.client_headers,
                                            json={"from": "5511988887777", "type": "text", "message": text})
            assert r.status_code == 200, r.text

        async def window_full() -> bool:
            return len(arrived()) >= RECORD_WINDOW

        await eventually(window_full)
        await asyncio.sleep(1.5)  # the lane waits at its window instead of POSTing on
        assert arrived() == texts[:RECORD_WINDOW]
    finally:
        await db.pool.execute("ALTER TABLE delivery_attempts_away RENAME TO delivery_attempts")

    async def all_arrived() -> bool:
        return len(arrived()) == len(texts)

    await eventually(all_arrived, timeout_s=15)
    assert arrived() == texts
    assert await stack.dispatcher.lanes.drain(15)  # a lane ends once its outcomes are written
    states = await db.pool.fetch("SELECT state, count(*) AS n FROM deliveries WHERE instance_id = $1 GROUP BY state",
                                 inst["id"])
    assert {r["state"] for r in states} == {"delivered"}
    assert all(stack.receiver.seen[h.headers["webhook-id"]] == 1 for h in stack.receiver.hits)
