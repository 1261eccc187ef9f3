"""A lane told to resume (Postgres holds pending deliveries of its instance: a redelivered batch, a replay) goes
back to Postgres before it delivers anything it already queued: an older pending delivery goes first, and is
not skipped. Dispatch's pump adds a batch's new deliveries before it resumes the instances the batch redelivered,
so a batch holding both (an event committed by a pump that stopped before its lanes, and a newer one) would
otherwise deliver the newer one first and then page in only what came after it."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from dispatch.records import NewDelivery, PersistItem
from gateway.core import content as c
from gateway.core.config import Settings
from gateway.core.events import Address, Envelope, MessageReceived, encode, event_id_for
from tests.support.polling import eventually
from tests.support.stack import fast, open_stack

BOB = Address("5511988887777@s.whatsapp.net", "5511988887777")


def _item(instance_id: str, partition: int, seq: int, text: str) -> PersistItem:
    event = MessageReceived(message_id=f"LANE{seq:06d}", chat=BOB, sender=BOB, from_me=False, is_group=False,
                            timestamp_ms=1000 + seq, content=c.Text(text), push_name="Bob")
    env = Envelope(instance_id=instance_id, seq=seq, event_id=event_id_for(instance_id, event, seq, "lane"),
                   at_ms=5000 + seq, event=event)
    payload = orjson.dumps({"type": "ReceivedCallback", "instanceId": instance_id, "text": {"message": text}})
    return PersistItem(envelope=env, body=encode(env), partition=partition,
                       deliveries=[NewDelivery("received", f"wh-lane-{instance_id}-{seq}", payload)])


async def test_a_resumed_lane_delivers_the_older_pending_delivery_first(settings: Settings) -> None:
    async for stack in open_stack(fast(settings)):
        inst = await stack.paired()
        dispatcher = stack.dispatcher
        partition = dispatcher.names.partition_of(inst["id"])
        await stack.pairing_delivered()
        # committed by a pump that stopped before its lanes: pending in Postgres, in no lane
        stranded = await dispatcher.store.persist([_item(inst["id"], partition, 1, "stranded")])
        # the batch that redelivers it also brings a newer event: its delivery is added, then the instance resumed
        [newer] = await dispatcher.store.persist([_item(inst["id"], partition, 2, "newer")])
        assert stranded[0].id < newer.id
        dispatcher.lanes.add(newer)
        dispatcher.lanes.resume(inst["id"], partition)

        def said() -> list[str]:
            return [m for h in stack.receiver.hits if (m := h.json.get("text", {}).get("message"))]

        async def both() -> bool:
            return {"stranded", "newer"} <= set(said())

        await eventually(both, timeout_s=10)
        assert said() == ["stranded", "newer"]


async def test_a_lane_resumed_while_it_posts_still_delivers_the_older_pending_delivery(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The resume comes while the lane is POSTing a delivery newer than the pending one: when that POST ends, the
    lane must still go back to the oldest pending delivery, not page in from the one it just finished."""
    async for stack in open_stack(fast(settings)):
        inst = await stack.paired()
        dispatcher = stack.dispatcher
        partition = dispatcher.names.partition_of(inst["id"])
        await stack.pairing_delivered()
        [stranded] = await dispatcher.store.persist([_item(inst["id"], partition, 1, "stranded")])
        [busy] = await dispatcher.store.persist([_item(inst["id"], partition, 2, "busy")])
        [newer] = await dispatcher.store.persist([_item(inst["id"], partition, 3, "newer")])
        posting, release = asyncio.Event(), asyncio.Event()
        real_post = dispatcher.deliverer.post

        async def post(url: str, body: bytes, headers: dict[str, Any]) -> Any:
            if b'"busy"' in body:
                posting.set()
                await release.wait()
            return await real_post(url, body, headers)

        monkeypatch.setattr(dispatcher.deliverer, "post", post)
        dispatcher.lanes.add(busy)  # its pump laned it; the stranded one, older, never reached a lane
        await posting.wait()
        dispatcher.lanes.add(newer)
        dispatcher.lanes.resume(inst["id"], partition)
        release.set()

        def said() -> list[str]:
            return [m for h in stack.receiver.hits if (m := h.json.get("text", {}).get("message"))]

        async def all_three() -> bool:
            return {"stranded", "busy", "newer"} <= set(said())

        await eventually(all_three, timeout_s=10)
        assert said() == ["busy", "stranded", "newer"]
        assert stranded.id < busy.id < newer.id
