"""The sandbox answers `sandbox/inbound` only once JetStream holds the event (WhatsApp's ack, strictly)."""

from __future__ import annotations

import asyncio

import pytest

from gateway.core.config import Settings
from gateway.core.names import Names
from gateway.infra.bus import Bus, publish_once, pull_consumer
from gateway.infra.db.database import Database
from gateway.infra.kv.state import connect_redis
from gateway.worker.engines.sandbox.engine import SandboxEngine
from gateway.worker.worker import Worker
from tests.support.api import open_api
from tests.support.polling import eventually


async def _showing_qr(worker: Worker, instance_id: str) -> None:
    async def qr() -> bool:
        session = worker.sessions.get(instance_id)
        return session is not None and isinstance(session.engine, SandboxEngine) and session.engine.qr is not None

    await eventually(qr)


async def test_inbound_is_answered_after_jetstream_holds_it_and_waits_while_it_cannot(settings: Settings) -> None:
    s = settings.model_copy(update={"events_max_bytes": 64 * 1024, "capture_ack_timeout_s": 0.5,
                                    "placement_interval_s": 0.2})
    names = Names.from_settings(s)
    db = await Database.connect(s)
    bus = await Bus.connect(s.nats_url)
    redis = connect_redis(s.redis_url)
    worker = Worker(s, "w-ack", db=db, bus=bus, redis=redis)  # no dispatcher: nothing leaves the stream
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        async for api in open_api(s):
            inst = await api.create_instance()
            iid = inst["id"]

            await _showing_qr(worker, iid)
            h = api.client_headers
            r = await api.client.post(api.path(inst, "sandbox/scan"), json={"phone": "5511999990000"}, headers=h)
            assert r.status_code == 200, r.text
            r = await api.client.post(api.path(inst, "sandbox/inbound"), headers=h,
                                      json={"from": "5511988887777", "type": "text", "message": "stored"})
            assert r.status_code == 200, r.text  # JetStream acknowledged it before this answer

            partition = names.partition_of(iid)
            filler = 0
            with pytest.raises(Exception, match="maximum bytes"):
                for filler in range(1000):
                    await publish_once(bus, names.event_subject(partition, "filler"), b"x" * 1024, f"f{filler}", {})
            r = await api.client.post(api.path(inst, "sandbox/inbound"), headers=h,
                                      json={"from": "5511988887777", "type": "text", "message": "waits"})
            assert r.status_code == 503 and r.json()["error"] == "CAPTURE_BUFFER_FULL", r.text
            assert r.headers["Retry-After"] == "2"

            # dispatch catches up: the buffered event is stored without being injected again
            consumer = await pull_consumer(bus, names.events_stream, names.dispatch_durable(partition),
                                           names.partition_subject(partition), ack_wait_s=30, max_ack_pending=4096)
            texts: list[bytes] = []

            async def drained_and_stored() -> bool:
                for msg in await consumer.fetch(256, 0.5):
                    texts.append(msg.data)
                    await msg.ack()
                return any(b'"waits"' in body for body in texts)

            await eventually(drained_and_stored, timeout_s=20)
            await consumer.close()
            r = await api.client.post(api.path(inst, "sandbox/inbound"), headers=h,
                                      json={"from": "5511988887777", "type": "text", "message": "again"})
            assert r.status_code == 200, r.text
            assert filler > 0
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)
        await redis.aclose()
        await bus.close()
        await db.close()


async def test_a_graceful_stop_with_jetstream_refusing_keeps_the_events_for_the_next_owner(
        settings: Settings) -> None:
    s = settings.model_copy(update={"events_max_bytes": 64 * 1024, "capture_ack_timeout_s": 0.3,
                                    "capture_drain_s": 0.3, "placement_interval_s": 0.2})
    names = Names.from_settings(s)
    db = await Database.connect(s)
    bus = await Bus.connect(s.nats_url)
    redis = connect_redis(s.redis_url)
    try:
        async for api in open_api(s):
            inst = await api.create_instance()
            iid = inst["id"]
            partition = names.partition_of(iid)
            first = Worker(s, "w-first", db=db, bus=bus, redis=redis)
            stop = asyncio.Event()
            running = asyncio.create_task(first.run(stop))

            await _showing_qr(first, iid)
            h = api.client_headers
            await api.client.post(api.path(inst, "sandbox/scan"), json={"phone": "5511999990000"}, headers=h)
            with pytest.raises(Exception, match="maximum bytes"):
                for n in range(1000):
                    await publish_once(bus, names.event_subject(partition, "filler"), b"x" * 1024, f"f{n}", {})
            r = await api.client.post(api.path(inst, "sandbox/inbound"), headers=h,
                                      json={"from": "5511988887777", "type": "text", "message": "kept"})
            assert r.status_code == 503, r.text  # buffered, not yet in JetStream
            stop.set()
            await asyncio.wait_for(running, 30)  # graceful stop: JetStream still refuses
            spilled = await db.pool.fetch("SELECT body FROM capture_spill WHERE instance_id = $1", iid)
            assert any(b'"kept"' in bytes(r["body"]) for r in spilled)

            consumer = await pull_consumer(bus, names.events_stream, names.dispatch_durable(partition),
                                           names.partition_subject(partition), ack_wait_s=30, max_ack_pending=4096)
            while batch := await consumer.fetch(256, 0.5):  # dispatch catches up: room again
                for msg in batch:
                    await msg.ack()
            second = Worker(s, "w-second", db=db, bus=bus, redis=redis)
            stop2 = asyncio.Event()
            running2 = asyncio.create_task(second.run(stop2))
            seen: list[bytes] = []

            async def replayed() -> bool:
                for msg in await consumer.fetch(256, 0.5):
                    seen.append(msg.data)
                    await msg.ack()
                return any(b'"kept"' in body for body in seen)

            await eventually(replayed, timeout_s=20)  # the new owner published it before anything else

            async def spill_emptied() -> bool:  # removed right after the publish
                return not await db.pool.fetchval("SELECT count(*) FROM capture_spill WHERE instance_id = $1", iid)

            await eventually(spill_emptied)
            await consumer.close()
            stop2.set()
            await asyncio.wait_for(running2, 30)
    finally:
        await redis.aclose()
        await bus.close()
        await db.close()
