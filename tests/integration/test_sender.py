"""The Sender alone: built from a small host and its collaborators, driven in burst mode (no sleeps)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.config import Settings
from gateway.core.events import EngineEvent, MessageSent, dumps
from gateway.core.names import Names
from gateway.infra.bus import Bus, publish_once
from gateway.infra.db.database import Database
from gateway.infra.db.outbox import OutboxStore
from gateway.worker.engines.base import EngineContext
from gateway.worker.engines.sandbox.engine import SandboxEngine
from gateway.worker.sender import Sender
from tests.support.api import Api
from tests.support.polling import eventually

TO = "5511988887777@s.whatsapp.net"


@dataclass
class Host:
    """The smallest SenderHost: one sandbox engine, a fence, the events it would capture."""

    id: str
    engine: SandboxEngine
    fence: int = 1
    phone: str | None = "5511999990000"
    owner: bool = True
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    events: list[EngineEvent] = field(default_factory=list)

    async def still_owner(self) -> bool:
        return self.owner

    def on_event(self, event: EngineEvent) -> None:
        self.events.append(event)


async def _queue(store: OutboxStore, bus: Bus, names: Names, instance_id: str, text: str, zaap_id: str) -> None:
    out = Outgoing(to=TO, content=c.Text(text), zaap_id=zaap_id)

    async def publish() -> None:
        await publish_once(bus, names.outbox_subject(instance_id), zaap_id.encode(), zaap_id, {})

    await store.enqueue(zaap_id=zaap_id, instance_id=instance_id, kind="send-text", phone=TO, payload=dumps(out),
                        media=None, delay_message=None, delay_typing=0, cap=100, publish=publish)


async def test_burst_sends_what_is_queued_in_order_and_returns(api: Api, settings: Settings) -> None:
    inst = await api.create_instance()
    s = settings.model_copy(update={"send_gap_s": "0"})
    names = Names.from_settings(s)
    db = await Database.connect(s)
    bus = await Bus.connect(s.nats_url)
    try:
        engine = SandboxEngine(EngineContext(instance_id=inst["id"], settings=s, emit=lambda _e: None))
        host = Host(id=inst["id"], engine=engine)
        await engine.connect()

        async def showing_qr() -> bool:
            return engine.qr is not None

        await eventually(showing_qr)
        await engine.scan("5511999990000")
        host.connected.set()
        store = OutboxStore(db)
        sender = Sender(host, store=store, bus=bus, settings=s, names=names)
        zaaps = [f"Z{n:04d}" for n in range(5)]
        for n, zaap in enumerate(zaaps):
            await _queue(store, bus, names, inst["id"], f"m{n}", zaap)

        assert await sender.burst() == 5
        assert [o.zaap_id for o in engine.sent] == zaaps
        assert [e.zaap_id for e in host.events if isinstance(e, MessageSent)] == zaaps
        assert [(await store.get(z)).status for z in zaaps] == ["SENT"] * 5  # type: ignore[union-attr]
        assert await sender.burst() == 0  # nothing left: returns at once

        host.owner = False  # fenced out: the message stays queued for the new owner
        await _queue(store, bus, names, inst["id"], "late", "Z0099")
        await sender.burst()
        assert len(engine.sent) == 5 and (await store.get("Z0099")).status == "QUEUED"  # type: ignore[union-attr]
        await sender.stop()
        await engine.disconnect()
    finally:
        await bus.close()
        await db.close()
