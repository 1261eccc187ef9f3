"""A dispatcher that takes over a partition whose previous owner died holding a batch keeps the order."""

from __future__ import annotations

import asyncio

from dispatch.consumer import Dispatcher
from gateway.core import content as c
from gateway.core.config import Settings
from gateway.core.events import Address, Envelope, MessageReceived, encode
from gateway.core.names import Names
from gateway.infra.bus import Bus, publish_once, pull_consumer
from gateway.infra.db.database import Database
from gateway.infra.kv.state import connect_redis
from gateway.infra.streams import ensure_events
from tests.support.api import open_api
from tests.support.receiver import Receiver


def _message(instance_id: str, n: int) -> bytes:
    alice = Address(jid="5511988887777@s.whatsapp.net", phone="5511988887777")
    ev = MessageReceived(message_id=f"3EB0TAKE{n:04d}", chat=alice, sender=alice, from_me=False, is_group=False,
                         timestamp_ms=n, content=c.Text(f"m{n}"))
    return encode(Envelope(instance_id, n, f"{instance_id}:msg:3EB0TAKE{n:04d}:new", n, ev, 1))


async def test_the_dead_owners_batch_is_delivered_before_newer_events(settings: Settings) -> None:
    s = settings.model_copy(update={"dispatch_ack_wait_s": 2.0, "webhook_retry_initial_s": 0.05})
    names = Names.from_settings(s)
    receiver = Receiver()
    await receiver.start()
    bus = await Bus.connect(s.nats_url)
    db = await Database.connect(s)
    redis = connect_redis(s.redis_url)
    stop = asyncio.Event()
    try:
        async for api in open_api(s):
            inst = await api.create_instance(receivedCallbackUrl=f"{receiver.url}/received")
        iid = inst["id"]
        partition = names.partition_of(iid)
        await ensure_events(bus, names, s)
        for n in range(1, 4):
            await publish_once(bus, names.event_subject(partition, iid), _message(iid, n), f"t{n}", {})
        dead = await pull_consumer(bus, names.events_stream, names.dispatch_durable(partition),
                                   names.partition_subject(partition), ack_wait_s=s.dispatch_ack_wait_s,
                                   max_ack_pending=s.dispatch_batch)
        assert len(await dead.fetch(2, 1.0)) == 2  # the previous owner fetched m1, m2 and died before acking
        await dead.close()
        await publish_once(bus, names.event_subject(partition, iid), _message(iid, 4), "t4", {})

        dispatcher = Dispatcher(s, "d-takeover", db=db, bus=bus, redis=redis)
        running = asyncio.create_task(dispatcher.run(stop))
        await receiver.wait_for(lambda: len([x for x in receiver.unique() if x.path == "/received"]) == 4,
                                timeout_s=20)
        got = [x.json["text"]["message"] for x in receiver.unique() if x.path == "/received"]
        assert got == ["m1", "m2", "m3", "m4"]  # before: m3, m4 first, then m1, m2 after the ack wait
        stop.set()
        await asyncio.wait_for(running, 30)
    finally:
        stop.set()
        await receiver.stop()
        await redis.aclose()
        await db.close()
        await bus.close()
