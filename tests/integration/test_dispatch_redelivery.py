"""A batch committed to Postgres whose deliveries never reached a lane (its pump stopped between the commit and
the ack: a cancel, a crash, a lease lost) is delivered when JetStream redelivers it. The redelivered events are
stored already, so they bring no new deliveries: the lane looks in Postgres for what they left pending."""

from __future__ import annotations

import pytest

from dispatch.records import Delivery
from gateway.core.config import Settings
from tests.support.polling import eventually
from tests.support.stack import fast, open_stack


async def test_a_batch_committed_but_never_laned_is_delivered_on_its_redelivery(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    async for stack in open_stack(fast(settings, dispatch_ack_wait_s=2.0)):
        inst = await stack.paired()
        lanes = stack.dispatcher.lanes
        real_add = lanes.add
        stopped: list[int] = []

        def add(delivery: Delivery) -> None:
            if not stopped and b'"stranded"' in delivery.payload:
                stopped.append(delivery.id)
                raise RuntimeError("the pump stops after its commit, before the lanes and the ack")
            real_add(delivery)

        monkeypatch.setattr(lanes, "add", add)
        r = await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"), headers=stack.api.client_headers,
                                        json={"from": "5511988887777", "type": "text", "message": "stranded"})
        assert r.status_code == 200, r.text

        async def interrupted() -> bool:
            return bool(stopped)

        await eventually(interrupted)
        state = await stack.dispatcher.store.db.pool.fetchval("SELECT state FROM deliveries WHERE id = $1", stopped[0])
        assert state == "pending"  # committed, in no lane

        def said() -> list[str]:
            return [h.json.get("text", {}).get("message") for h in stack.receiver.hits]

        async def delivered() -> bool:
            return "stranded" in said()

        await eventually(delivered, timeout_s=20)  # after the 2 s ack wait, JetStream hands the batch over again
        assert said().count("stranded") == 1
