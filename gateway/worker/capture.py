"""Capture: engine events → a bounded per-instance buffer → JetStream ``ZG_EVENTS``, in order.

The sequence number is stamped synchronously in the engine callback; one publisher per instance
publishes its buffer front to back, one message in flight, retrying until JetStream accepts it (never
dropping). ``Nats-Msg-Id`` is the stable event id, so a republish after a crash is de-duplicated.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from gateway.core.config import Settings
from gateway.core.errors import CaptureFull
from gateway.core.events import EngineEvent, Envelope, encode, event_id_for
from gateway.core.names import Names
from gateway.infra.bus import Bus, publish_once
from gateway.infra.db.spill import SpillStore
from gateway.infra.streams import ensure_events
from gateway.ops.metrics import CAPTURE_BUFFERED, EVENTS_CAPTURED, EVENTS_PUBLISHED

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Lane:
    buffer: deque[tuple[Envelope, asyncio.Future[None]]] = field(default_factory=deque)
    seq: int = 0
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[Any] | None = None
    closed: bool = False


class Capture:
    def __init__(self, bus: Bus, settings: Settings, spill: SpillStore | None = None) -> None:
        self.bus = bus
        self.spill_store = spill
        self.names = Names.from_settings(settings)
        self.settings = settings
        self.limit = settings.capture_buffer
        self.lanes: dict[str, _Lane] = {}
        self.published = 0

    def __repr__(self) -> str:
        return f"<Capture lanes={len(self.lanes)} buffered={sum(len(x.buffer) for x in self.lanes.values())}>"

    async def start(self) -> None:
        await ensure_events(self.bus, self.names, self.settings)

    def depth(self, instance_id: str) -> int:
        lane = self.lanes.get(instance_id)
        return len(lane.buffer) if lane else 0

    def offer(self, instance_id: str, fence: int, event: EngineEvent) -> asyncio.Future[None]:
        """Stamp and buffer an event (synchronous: called from the engine callback).

        Returns a future resolved once JetStream acknowledged the event: the engine callback waits for it
        (``capture_ack_timeout_s``), so what WhatsApp handed over is acknowledged only once it is durable.
        Nothing slow runs in the lane: media is downloaded beside it (``inbound_media.py``).
        """
        lane = self.lanes.get(instance_id)
        if lane is None:
            lane = self.lanes[instance_id] = _Lane()
        if len(lane.buffer) >= self.limit:
            raise CaptureFull(f"capture buffer full ({self.limit}) for {instance_id}", instance_id=instance_id,
                              limit=self.limit)
        lane.seq += 1
        envelope = Envelope(instance_id=instance_id, seq=lane.seq,
                            event_id=event_id_for(instance_id, event, lane.seq, str(fence)),
                            at_ms=int(time.time() * 1000), event=event, fence=fence)
        durable: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        lane.buffer.append((envelope, durable))
        lane.idle.clear()
        lane.wake.set()
        EVENTS_CAPTURED.labels(type(event).__name__).inc()
        CAPTURE_BUFFERED.inc()
        if lane.task is None or lane.task.done():
            lane.task = asyncio.create_task(self._publish_loop(instance_id, lane), name=f"capture-{instance_id}")
        return durable

    async def _publish_loop(self, instance_id: str, lane: _Lane) -> None:
        subject = self.names.event_subject(self.names.partition_of(instance_id), instance_id)
        delay = 0.05
        while not lane.closed:  # a flag as well as cancel: see Dispatcher._pump_forever
            if not lane.buffer:
                lane.idle.set()
                lane.wake.clear()
                await lane.wake.wait()
                continue
            envelope, durable = lane.buffer[0]
            try:
                await publish_once(self.bus, subject, encode(envelope), envelope.event_id,
                                   {"Zg-Fence": str(envelope.fence), "Zg-Seq": str(envelope.seq)})
            except Exception as exc:
                log.warning("publish failed (%s); retrying in %.2fs", type(exc).__name__, delay,
                            extra={"instance_id": instance_id})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            delay = 0.05
            lane.buffer.popleft()
            _resolve(durable)
            self.published += 1
            EVENTS_PUBLISHED.inc()
            CAPTURE_BUFFERED.dec()

    async def drain(self, instance_id: str, timeout_s: float = 30.0) -> bool:
        """Wait until every accepted event of the instance is in JetStream."""
        lane = self.lanes.get(instance_id)
        if lane is None or not lane.buffer:
            return True
        try:
            await asyncio.wait_for(lane.idle.wait(), timeout_s)
        except TimeoutError:
            log.error("capture drain timed out with %d events buffered", len(lane.buffer),
                      extra={"instance_id": instance_id})
            return False
        return True

    async def spill(self, instance_id: str) -> int:
        """Keep what the lane still holds in Postgres (JetStream is away at stop): the next owner publishes it.

        Returns how many events were kept. Media not yet downloaded is published as captured.
        """
        lane = self.lanes.get(instance_id)
        if lane is None or not lane.buffer or self.spill_store is None:
            return 0
        lane.closed = True  # stop publishing: from now on the rows are the truth
        lane.wake.set()
        if lane.task is not None:
            lane.task.cancel()
            await asyncio.gather(lane.task, return_exceptions=True)
        kept = [(env.event_id, instance_id, env.seq, encode(env)) for env, _durable in lane.buffer]
        await self.spill_store.put(kept)
        for _env, durable in lane.buffer:
            _resolve(durable)  # durable in Postgres
        lane.buffer.clear()
        log.warning("kept %d unpublished events in Postgres for the next owner", len(kept),
                    extra={"instance_id": instance_id})
        return len(kept)

    async def replay_spilled(self, instance_id: str) -> int:
        """Publish what a previous owner spilled, oldest first, before this owner captures anything."""
        if self.spill_store is None:
            return 0
        spilled = await self.spill_store.of(instance_id)
        subject = self.names.event_subject(self.names.partition_of(instance_id), instance_id)
        for event_id, body in spilled:
            await publish_once(self.bus, subject, body, event_id, {})
        if spilled:
            await self.spill_store.remove([event_id for event_id, _ in spilled])
            log.info("published %d events spilled by the previous owner", len(spilled),
                     extra={"instance_id": instance_id})
        return len(spilled)

    async def forget(self, instance_id: str) -> None:
        """Drop the instance's lane (its lease is gone): waiting callbacks are told the events were not kept."""
        lane = self.lanes.pop(instance_id, None)
        if lane is None:
            return
        lane.closed = True
        lane.wake.set()
        if lane.task is not None:
            lane.task.cancel()
        for _envelope, durable in lane.buffer:
            if not durable.done():
                durable.set_exception(CaptureFull("the instance moved to another worker before this event was "
                                                  "stored", instance_id=instance_id, limit=self.limit))
                durable.exception()  # retrieved here: nobody may be waiting any more

    async def close(self) -> None:
        for instance_id in list(self.lanes):
            await self.drain(instance_id)
            await self.forget(instance_id)


def _resolve(durable: asyncio.Future[None]) -> None:
    if not durable.done():
        durable.set_result(None)
