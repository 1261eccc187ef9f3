"""The Sender alone: built from a small host and its collaborators, driven in burst mode (no sleeps)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.config import Settings
from gateway.core.errors import EngineError
from gateway.core.events import EngineEvent, MessageSent, dumps
from gateway.core.names import Names
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.db.outbox import OutboxRow, OutboxStore
from gateway.worker.engines.base import EngineContext
from gateway.worker.engines.sandbox.engine import SandboxEngine
from gateway.worker.sender import Sender
from tests.support.api import Api
from tests.support.polling import eventually

TO = "5511988887777@s.whatsapp.net"


class FlakyPhone(SandboxEngine):
    """The sandbox phone, whose next ``failures`` sends fail the way WhatsApp fails them transiently."""

    failures = 0

    async def send(self, outgoing: Outgoing) -> str:
        if self.failures:
            self.failures -= 1
            raise EngineError("sandbox: server error on purpose", transient=True)
        return await super().send(outgoing)


@dataclass
class Host:
    """The smallest SenderHost: one sandbox engine, a fence, the events it would capture."""

    id: str
    engine: FlakyPhone
    fence: int = 1
    phone: str | None = "5511999990000"
    owner: bool = True
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    events: list[EngineEvent] = field(default_factory=list)

    async def still_owner(self) -> bool:
        return self.owner

    def on_event(self, event: EngineEvent) -> None:
        self.events.append(event)


@dataclass
class Rig:
    settings: Settings
    names: Names
    bus: Bus
    store: OutboxStore
    instance_id: str

    async def host(self) -> Host:
        engine = FlakyPhone(EngineContext(instance_id=self.instance_id, settings=self.settings, emit=lambda _e: None))
        await engine.connect()

        async def showing_qr() -> bool:
            return engine.qr is not None

        await eventually(showing_qr)
        await engine.scan("5511999990000")
        host = Host(id=self.instance_id, engine=engine)
        host.connected.set()
        return host

    def sender(self, host: Host) -> Sender:
        return Sender(host, store=self.store, bus=self.bus, settings=self.settings, names=self.names)

    async def queue(self, text: str, zaap_id: str) -> None:
        out = Outgoing(to=TO, content=c.Text(text), zaap_id=zaap_id)
        await self.store.enqueue(zaap_id=zaap_id, instance_id=self.instance_id, kind="send-text", phone=TO,
                                 payload=dumps(out), media=None, delay_message=None, delay_typing=0, cap=100)

    async def status(self, zaap_id: str) -> str:
        row = await self.store.get(zaap_id)
        assert row is not None
        return row.status


@pytest.fixture
async def rig(api: Api, settings: Settings) -> AsyncIterator[Rig]:
    inst = await api.create_instance()
    s = settings.model_copy(update={"send_gap_s": "0"})
    db = await Database.connect(s)
    bus = await Bus.connect(s.nats_url)
    try:
        yield Rig(s, Names.from_settings(s), bus, OutboxStore(db), inst["id"])
    finally:
        await bus.close()
        await db.close()


async def test_burst_sends_what_is_queued_in_order_and_returns(rig: Rig) -> None:
    host = await rig.host()
    sender = rig.sender(host)
    zaaps = [f"Z{n:04d}" for n in range(5)]
    for n, zaap in enumerate(zaaps):
        await rig.queue(f"m{n}", zaap)
    assert await sender.burst() == 5
    assert [o.zaap_id for o in host.engine.sent] == zaaps
    assert [e.zaap_id for e in host.events if isinstance(e, MessageSent)] == zaaps
    assert [await rig.status(z) for z in zaaps] == ["SENT"] * 5
    assert await sender.burst() == 0  # nothing left: returns at once
    await sender.stop()


async def test_a_fenced_out_sender_leaves_the_message_to_the_new_owner(rig: Rig) -> None:
    old = await rig.host()
    old.owner = False  # another worker took the lease
    first = rig.sender(old)
    await rig.queue("late", "Z0099")
    assert await first.burst() == 0 and old.engine.sent == [] and await rig.status("Z0099") == "QUEUED"
    await first.stop()
    new = await rig.host()
    second = rig.sender(new)  # the new owner sends it at once
    assert await second.burst() == 1
    assert [o.zaap_id for o in new.engine.sent] == ["Z0099"] and await rig.status("Z0099") == "SENT"
    await second.stop()


async def test_a_transient_failure_backs_off_outside_the_shield_so_stop_is_prompt(rig: Rig) -> None:
    slow_retry = rig.settings.model_copy(update={"send_retry_initial_s": 25.0})
    host = await rig.host()
    host.engine.failures = 1
    sender = Sender(host, store=rig.store, bus=rig.bus, settings=slow_retry, names=rig.names)
    await rig.queue("m", "Z0100")
    await sender.start()

    async def failed_once() -> bool:
        row = await rig.store.get("Z0100")
        return row is not None and row.attempts == 1

    await eventually(failed_once)
    await asyncio.wait_for(sender.stop(), 5)  # the 25 s backoff was inside the shield: stop waited for it
    assert await rig.status("Z0100") == "QUEUED" and host.engine.sent == []


async def test_the_loop_survives_postgres_errors_and_a_rung_bell_wakes_it(rig: Rig) -> None:
    slow_poll = rig.settings.model_copy(update={"outbox_idle_poll_s": 600.0})
    host = await rig.host()
    sender = Sender(host, store=rig.store, bus=rig.bus, settings=slow_poll, names=rig.names)
    db = rig.store.db
    await db.pool.execute("ALTER TABLE outbox RENAME TO outbox_away")  # the queue cannot be read
    try:
        await sender.start()
        await asyncio.sleep(0.3)
        assert sender._task is not None and not sender._task.done(), "the sender loop died"
    finally:
        await db.pool.execute("ALTER TABLE outbox_away RENAME TO outbox")
    await rig.queue("after", "Z0200")
    await rig.bus.publish(rig.names.bell_subject(rig.instance_id), b"")  # what the api does after a commit

    async def sent() -> bool:
        return [o.zaap_id for o in host.engine.sent] == ["Z0200"]

    await eventually(sent)  # woken by the bell, not by the 600 s idle poll
    await sender.stop()


class CountingStore(OutboxStore):
    """The outbox store, counting the sender's separate reads and claims (each one a round trip)."""

    reads = 0
    claims = 0

    async def next_live(self, instance_id: str) -> OutboxRow | None:
        self.reads += 1
        return await super().next_live(instance_id)

    async def claim(self, zaap_id: str, fence: int) -> bool:
        self.claims += 1
        return await super().claim(zaap_id, fence)


async def test_unpaced_each_record_reads_and_claims_the_next_row(rig: Rig) -> None:
    host = await rig.host()
    store = CountingStore(rig.store.db)
    sender = Sender(host, store=store, bus=rig.bus, settings=rig.settings, names=rig.names)
    zaaps = [f"Z{n:04d}" for n in range(300, 305)]
    for n, zaap in enumerate(zaaps):
        await rig.queue(f"m{n}", zaap)
    assert await sender.burst() == 5
    assert [o.zaap_id for o in host.engine.sent] == zaaps and [await rig.status(z) for z in zaaps] == ["SENT"] * 5
    assert (store.reads, store.claims) == (1, 1)  # the first row only: each record brought the next one
    await sender.stop()


async def test_paced_or_delayed_rows_are_claimed_after_their_wait(rig: Rig) -> None:
    host = await rig.host()
    store = CountingStore(rig.store.db)
    paced = rig.settings.model_copy(update={"send_gap_s": "0.01"})
    sender = Sender(host, store=store, bus=rig.bus, settings=paced, names=rig.names)
    for n in range(3):
        await rig.queue(f"p{n}", f"Z04{n:02d}")
    assert await sender.burst() == 3 and (store.reads, store.claims) == (1, 3)
    unpaced = Sender(host, store=store, bus=rig.bus, settings=rig.settings, names=rig.names)
    await rig.queue("now", "Z0410")
    out = Outgoing(to=TO, content=c.Text("later"), zaap_id="Z0411")
    await rig.store.enqueue(zaap_id="Z0411", instance_id=rig.instance_id, kind="send-text", phone=TO,
                            payload=dumps(out), media=None, delay_message=0.05, delay_typing=0, cap=100)
    assert await unpaced.burst() == 2 and (store.reads, store.claims) == (2, 5)  # Z0411 waited, then was claimed
    assert [o.zaap_id for o in host.engine.sent][-2:] == ["Z0410", "Z0411"]
    await sender.stop()
    await unpaced.stop()


class DroppingPhone(FlakyPhone):
    """Sends, and the connection drops right after the send of ``drop_after``."""

    drop_after = ""
    host: Host | None = None

    async def send(self, outgoing: Outgoing) -> str:
        message_id = await super().send(outgoing)
        if outgoing.zaap_id == self.drop_after and self.host is not None:
            self.host.connected.clear()
        return message_id


async def test_a_row_claimed_ahead_is_given_back_while_the_engine_is_away(rig: Rig) -> None:
    engine = DroppingPhone(EngineContext(instance_id=rig.instance_id, settings=rig.settings, emit=lambda _e: None))
    await engine.connect()
    await eventually(lambda: _showing_qr(engine))
    await engine.scan("5511999990000")
    host = Host(id=rig.instance_id, engine=engine)
    engine.host, engine.drop_after = host, "Z0500"
    host.connected.set()
    await rig.queue("first", "Z0500")
    await rig.queue("second", "Z0501")
    sender = rig.sender(host)
    await sender.start()

    async def given_back() -> bool:
        return await rig.status("Z0500") == "SENT" and await rig.status("Z0501") == "QUEUED"

    await eventually(given_back)  # not left SENDING while disconnected (a new owner would fail it as unknown)
    assert [o.zaap_id for o in engine.sent] == ["Z0500"]
    host.connected.set()

    async def both_sent() -> bool:
        return [o.zaap_id for o in engine.sent] == ["Z0500", "Z0501"]

    await eventually(both_sent)
    await sender.stop()


async def _showing_qr(engine: SandboxEngine) -> bool:
    return engine.qr is not None
