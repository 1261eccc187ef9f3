"""Stopping a control server answers what it already received (real NATS): nats-py cancels a subscription's
handler task on ``unsubscribe``, which dropped the request being handled and those queued behind it; each
caller then waited for its whole timeout (a 10 s hang seen by ``make chaos`` when an instance moved between
workers after a Redis outage)."""

from __future__ import annotations

import asyncio

from gateway.core.config import Settings
from gateway.infra.bus import Bus


async def test_requests_received_before_unserve_are_answered(settings: Settings) -> None:
    bus = await Bus.connect(settings.nats_url)
    try:
        started = asyncio.Event()

        async def slow(data: bytes) -> bytes:
            started.set()
            await asyncio.sleep(0.3)
            return b"done " + data

        subject = f"{settings.nats_prefix}.test.unserve"
        sub = await bus.serve(subject, slow)
        first = asyncio.create_task(bus.request(subject, b"1", timeout_s=5))
        second = asyncio.create_task(bus.request(subject, b"2", timeout_s=5))  # queued behind the first
        await started.wait()
        await asyncio.sleep(0.05)  # both delivered: the second waits in the subscription's queue
        await bus.unserve(sub)
        assert await asyncio.wait_for(asyncio.gather(first, second), 2) == [b"done 1", b"done 2"]
    finally:
        await bus.close()
