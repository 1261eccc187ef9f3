"""The dispatcher: leases event partitions, persists each batch, acks, and feeds the delivery lanes.

Per partition: a durable JetStream pull consumer. A fetched batch is decoded, transformed into its
webhook payloads, persisted in one transaction (idempotent on event id) and only then acked. The
pending deliveries live in Postgres, so a dispatcher that takes a partition over (after a crash or a
hand-over) resumes them in order before consuming new events.

A batch is stored before anything fetched after it: a failed step (Postgres away) is retried in place, never
skipped, since JetStream would hand the skipped events back only after ``ack_wait``, behind newer ones. An
event Postgres refuses for its data is kept as poison, so it cannot hold its partition back.

A dispatcher that dies holding a fetched, unacked batch: JetStream redelivers that batch only after
``ack_wait``, and until then a fetch returns *newer* events (``max_ack_pending`` is one full batch, so a
small batch left room). The successor therefore waits ``ack_wait`` before its first fetch when the consumer
shows unacknowledged messages; after it, JetStream hands the old batch over first, so order is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import orjson

from dispatch.deliver import Deliverer
from dispatch.lanes import Lanes
from dispatch.metrics import CONSUMER_LAG, PARTITIONS, PERSISTED, POISONED
from dispatch.persist_book import PersistBook
from dispatch.polls import name_votes
from dispatch.records import Delivery, NewDelivery, Persisted, PersistItem, Poison
from dispatch.store import DispatchStore
from dispatch.transform import Context, transform
from gateway.core import events as ev
from gateway.core.config import Settings
from gateway.core.events import Connected, Envelope, decode
from gateway.core.models import CallbackKind, Instance
from gateway.core.names import Names
from gateway.core.placement import plan
from gateway.infra.bus import Bus, PullConsumer, Received, pull_consumer
from gateway.infra.db import retention
from gateway.infra.db.database import Database, refused
from gateway.infra.db.instances import InstanceStore
from gateway.infra.db.retention import RetentionPolicy
from gateway.infra.kv.leases import Lease, LeaseManager
from gateway.infra.streams import ensure_events
from gateway.ops.runtime import TaskGroupOwner

log = logging.getLogger(__name__)


# kept under any fence (see _drop_stale)
FACT_EVENTS = (ev.MessageReceived, ev.ReceiptReceived, ev.MessageSent, ev.GroupNotified, ev.ChatNotified,
               ev.ChatChanged)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Stored:
    """A fetched batch once in Postgres: what was stored, as transformed, and with which instances."""

    persisted: Persisted
    items: list[PersistItem]
    poison: list[Poison]
    instances: dict[str, Instance]


async def _ack_all(msgs: list[Received]) -> None:
    for m in msgs:  # one task for the batch's acks (each is a buffered publish)
        await m.ack()


def webhook_id(event_id: str, hook: str) -> str:
    return "wh_" + hashlib.sha256(f"{event_id}/{hook}".encode()).hexdigest()[:32]


class Dispatcher:
    def __init__(self, settings: Settings, dispatcher_id: str, *, db: Database, bus: Bus, redis: Any) -> None:
        self.settings = settings
        self.id = dispatcher_id
        self.names = Names.from_settings(settings)
        self.bus = bus
        self.store = DispatchStore(db)
        self.book = PersistBook(self.store)  # the pumps' batches, committed together when they wait together
        self.instances = InstanceStore(db)
        self.deliverer = Deliverer(settings)
        self.lanes = Lanes(settings, self.store, self.deliverer, self.instances.get_live_many)
        self.leases = LeaseManager(redis, self.names, dispatcher_id, settings.lease_ttl_s, group="dispatchers")
        self.owned: dict[int, Lease] = {}
        self.consumers: dict[int, PullConsumer] = {}
        self._tasks = TaskGroupOwner(f"dispatch:{dispatcher_id}")
        self._pumps: dict[int, asyncio.Task[Any]] = {}
        self._persisting: dict[int, asyncio.Future[Persisted]] = {}  # a pump's persist, shielded
        self.persisted = 0
        self._renewed_at = time.monotonic()
        self.connected_phone: dict[str, str] = {}  # from the stream's own Connected events
        self.fences: dict[str, int] = {}  # the newest lease fence seen per instance

    def __repr__(self) -> str:
        return f"<Dispatcher {self.id} partitions={sorted(self.owned)} persisted={self.persisted} {self.lanes!r}>"

    async def start(self) -> None:
        await ensure_events(self.bus, self.names, self.settings)

    async def run(self, stop: asyncio.Event) -> None:
        await self.start()
        sub = await self.bus.subscribe(self.names.replay_subject, self._on_replay)
        await self.leases.heartbeat(self.settings.heartbeat_ttl_s, 0)
        self._tasks.spawn(self._retention_loop(), name="retention")
        try:
            while not stop.is_set():
                try:
                    await self.renew()
                    await self.place()
                except Exception:
                    log.exception("dispatch placement failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=min(self.settings.lease_ttl_s / 3,
                                                                    self.settings.placement_interval_s))
        finally:
            await self.bus.unserve(sub)
            await self.close()

    # partitions -----------------------------------------------------------------------------------
    async def place(self) -> None:
        wanted = [f"p{n}" for n in range(self.names.partitions)]
        members = await self.leases.live_workers()
        p = plan(wanted, members, self.id, {f"p{n}" for n in self.owned})
        for name in p.release:
            await self._release(int(name[1:]))
        for name in p.try_acquire:
            if len(self.owned) >= p.target:
                break
            lease = await self.leases.acquire(f"dispatch-{name}")
            if lease is not None:
                self._renewed_at = time.monotonic() if not self.owned else self._renewed_at
                await self._take(int(name[1:]), lease)

    async def _take(self, partition: int, lease: Lease) -> None:
        self.owned[partition] = lease
        PARTITIONS.set(len(self.owned))
        self.consumers[partition] = await pull_consumer(
            self.bus, self.names.events_stream, self.names.dispatch_durable(partition),
            self.names.partition_subject(partition), ack_wait_s=self.settings.dispatch_ack_wait_s,
            max_ack_pending=self.settings.dispatch_batch)  # one batch in flight: see the module docstring
        for instance_id in await self.store.pending_instances(partition):
            self.lanes.resume(instance_id, partition)
        held = await self.consumers[partition].ack_pending()
        self._pumps[partition] = self._tasks.spawn(self._pump_forever(partition, held), name=f"pump-{partition}")

    async def _release(self, partition: int, *, owner: bool = True) -> None:
        """Stop pumping and delivering the partition; give the lease back when we still own it."""
        pump = self._pumps.pop(partition, None)
        if pump is not None:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
        consumer = self.consumers.pop(partition, None)
        if consumer is not None:
            await consumer.close()
        await self.lanes.stop_instances({i for i in self.lanes.instances()
                                         if self.names.partition_of(i) == partition})
        # a persist the cancel could not stop (shielded) commits before the lease goes, so the next owner's read
        # of what is pending sees its deliveries (a late one is caught by the redelivery: see ``pump``)
        persisting = self._persisting.pop(partition, None)
        if persisting is not None:
            await asyncio.gather(persisting, return_exceptions=True)
        lease = self.owned.pop(partition, None)
        PARTITIONS.set(len(self.owned))
        if lease is not None and owner:
            with contextlib.suppress(Exception):
                await self.leases.release(lease)

    async def renew(self) -> None:
        """Renew every partition lease; fence ourselves out before they can expire when Redis is away.

        Without a renewal for 80% of the lease TTL, another dispatcher may own our partitions soon: every
        pump and lane stops first (nothing is acknowledged or POSTed under a lease we may have lost).
        """
        try:
            await self.leases.heartbeat(self.settings.heartbeat_ttl_s, len(self.owned))
            kept = await self.leases.renew_many(list(self.owned.values()))
        except Exception as exc:
            silent_s = time.monotonic() - self._renewed_at
            if self.owned and silent_s > self.settings.lease_ttl_s * 0.8:
                log.error("no lease renewal for %.1fs (%s): stopping all %d partitions", silent_s,
                          type(exc).__name__, len(self.owned))
                for partition in list(self.owned):
                    await self._release(partition, owner=False)
            raise
        self._renewed_at = time.monotonic()
        for name, ok in kept.items():
            if not ok:
                log.warning("partition lease lost: %s", name)
                partition = int(name.rsplit("-p", 1)[1])
                self.owned.pop(partition, None)
                await self._release(partition)

    # consuming ------------------------------------------------------------------------------------
    async def _pump_forever(self, partition: int, held: int = 0) -> None:
        if held:
            # a previous owner died holding a fetched, unacknowledged batch: until JetStream redelivers it
            # (after ack_wait), a fetch would return newer events first and reorder the webhooks
            log.warning("partition %d: %d events held by a previous owner; waiting %.0fs for their redelivery",
                        partition, held, self.settings.dispatch_ack_wait_s)
            await asyncio.sleep(self.settings.dispatch_ack_wait_s)
        # Loop while this task still owns the partition: on Python 3.11 a cancellation that coincides with
        # wait_for's timeout inside nats-py's fetch can surface as TimeoutError, so cancel alone is not enough.
        lag_at = 0.0
        me = asyncio.current_task()
        while self._pumps.get(partition) is me:
            try:
                await self.pump(partition, timeout_s=1.0)
                if time.monotonic() - lag_at > 5:
                    lag_at = time.monotonic()
                    CONSUMER_LAG.labels(str(partition)).set(await self.consumers[partition].pending())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("partition %d: batch failed; retrying", partition)
                await asyncio.sleep(1)

    async def pump(self, partition: int, timeout_s: float = 0.2) -> int:
        """Fetch, persist, ack and enqueue one batch (burst mode); returns the number of messages.

        A fetched batch is persisted before anything fetched after it: a failed step (Postgres away) is retried
        in place until it succeeds or the partition is released. Fetching on instead would store the events
        captured after it first, since JetStream hands unacknowledged events back only after ``ack_wait``.
        """
        msgs = await self.consumers[partition].fetch(self.settings.dispatch_batch, timeout_s)
        if not msgs:
            return 0
        poison: list[Poison] = []
        decoded = [self._decode(partition, m, poison) for m in msgs]
        # the fences are read (for instances not seen yet) before anything is changed: a failed read is retried
        envelopes = await self._patiently(partition, "reading fences",
                                          lambda: self._drop_stale(partition, msgs, decoded, poison))
        batch = await self._patiently(partition, f"persisting {len(msgs)} events",
                                      lambda: self._persist(partition, msgs, envelopes, poison))
        if batch.poison:
            POISONED.inc(len(batch.poison))
        for delivery in batch.persisted.created:  # committed: the lanes may POST them before JetStream hears of the ack
            self.lanes.add(replace(delivery, instance=batch.instances.get(delivery.instance_id)))
        for instance_id in batch.persisted.seen_before:
            # a redelivered event: its deliveries were committed by an earlier fetch (perhaps by a previous
            # owner, perhaps after the new owner read what was pending); the lane looks in Postgres for them
            self.lanes.resume(instance_id, partition)
        await asyncio.shield(_ack_all(msgs))
        self.persisted += len(msgs)
        for item in batch.items:
            PERSISTED.labels(type(item.envelope.event).__name__).inc()
        return len(msgs)

    @staticmethod
    async def _patiently(partition: int, what: str, step: Callable[[], Awaitable[T]]) -> T:
        """Run a step of a fetched batch until it succeeds (backing off to 5 s); cancelled with the pump. A step
        whose data Postgres refuses is not retried (the persist itself handles that: ``_persist_alone``)."""
        delay = 0.2
        while True:
            try:
                return await step()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if refused(exc):
                    raise  # not an outage: retrying cannot help (the batch is left for JetStream's redelivery)
                log.warning("partition %d: %s failed (%s); retrying the same batch in %.1fs", partition, what,
                            type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def _persist(self, partition: int, msgs: list[Received], envelopes: list[Envelope | None],
                       poison_so_far: list[Poison]) -> _Stored:
        """Transform the batch with the instances as they are now, and store it (sharing a transaction with
        other partitions' batches: ``PersistBook``). Events Postgres refuses are stored as poison instead."""
        poison = list(poison_so_far)  # this attempt's: a retry transforms the batch again
        envelopes = await name_votes(envelopes, self.store.poll_options)  # reads Postgres: before the transform
        # read now, after these events were captured: whatever the API answered 200 for applies to them
        instances = await self.instances.get_live_many(sorted({e.instance_id for e in envelopes if e is not None}))
        found = [(m, self._item(partition, m, e, instances.get(e.instance_id), poison))
                 for m, e in zip(msgs, envelopes, strict=True) if e is not None]
        items = [(m, item) for m, item in found if item is not None]
        persisting = self._persisting[partition] = self.book.submit([item for _, item in items], poison)
        try:
            persisted = await asyncio.shield(persisting)
        except asyncio.CancelledError:
            raise  # the pump is cancelled: ``_release`` waits for this persist before the lease goes
        except Exception as exc:
            self._persisting.pop(partition, None)
            if not refused(exc):
                raise
            return await self._persist_alone(partition, items, poison, instances, exc)
        self._persisting.pop(partition, None)
        return _Stored(persisted, [item for _, item in items], poison, instances)

    async def _persist_alone(self, partition: int, items: list[tuple[Received, PersistItem]], poison: list[Poison],
                             instances: dict[str, Instance], exc: BaseException) -> _Stored:
        """Postgres refused the batch for its data: each event is stored on its own, and the one it refuses is kept
        as poison (its body, with the reason), so it neither blocks the partition nor comes back forever."""
        log.error("partition %d: Postgres refused a batch of %d events (%s); storing them one by one", partition,
                  len(items), type(exc).__name__)
        created: list[Delivery] = []
        seen_before: set[str] = set()
        stored: list[PersistItem] = []
        for msg, item in items:
            try:
                one = await self.store.persist_batch([item])
            except Exception as refusal:
                if not refused(refusal):
                    raise  # an outage meanwhile: the whole batch is retried (what was stored is recognised)
                log.error("event at stream seq %d refused by Postgres: stored as poison", msg.stream_seq)
                reason = f"refused by Postgres: {type(refusal).__name__}: {refusal}".replace("\x00", "")
                poison.append(Poison(partition, msg.stream_seq, msg.data, reason))
                continue
            created += one.created
            seen_before |= one.seen_before
            stored.append(item)
        try:
            await self.store.persist_batch([], poison)
        except Exception as refusal:
            if not refused(refusal):
                raise
            # a poison record's own text was refused (an id from the event): the body and the reason stay
            poison = [replace(p, instance_id=None, event_id=None, reason=p.reason.replace("\x00", ""))
                      for p in poison]
            await self.store.persist_batch([], poison)
        return _Stored(Persisted(created, seen_before), stored, poison, instances)

    async def _drop_stale(self, partition: int, msgs: list[Received], envelopes: list[Envelope | None],
                          poison: list[Poison]) -> list[Envelope | None]:
        """State events published under an older lease fence than one already seen are dropped (recorded).

        A worker that lost its lease may still publish for a moment; its ``Disconnected`` must not reach
        the partner after the new owner's ``Connected``. Messages, receipts, sends, notifications and chat
        changes are kept whatever their fence: they are facts WhatsApp handed over, and their ids de-duplicate
        them (a chat change applied twice sets the same values).
        """
        unseen = sorted({e.instance_id for e in envelopes if e is not None and e.instance_id not in self.fences})
        if unseen:
            self.fences.update(await self.store.newest_fences(unseen))
        kept: list[Envelope | None] = []
        for msg, env in zip(msgs, envelopes, strict=True):
            newest = self.fences.get(env.instance_id, 0) if env is not None else 0
            if env is not None and env.fence < newest and not isinstance(env.event, FACT_EVENTS):
                log.warning("dropping %s under stale fence %d (newest %d)", type(env.event).__name__,
                            env.fence, newest, extra={"instance_id": env.instance_id})
                poison.append(Poison(partition, msg.stream_seq, msg.data,
                                     f"stale fence {env.fence} < {newest}", env.instance_id, env.event_id))
                kept.append(None)
                continue
            if env is not None:
                self.fences[env.instance_id] = max(newest, env.fence)
            kept.append(env)
        return kept

    def _decode(self, partition: int, msg: Received, poison: list[Poison]) -> Envelope | None:
        try:
            return decode(msg.data)
        except Exception as exc:
            log.error("undecodable event at stream seq %d: stored as poison", msg.stream_seq)
            poison.append(Poison(partition, msg.stream_seq, msg.data, f"undecodable: {type(exc).__name__}: {exc}"))
            return None

    def _item(self, partition: int, msg: Received, envelope: Envelope, instance: Instance | None,
              poison: list[Poison]) -> PersistItem | None:
        """The event with its webhook deliveries; None (and a poison record) when it cannot be transformed."""
        try:
            return self._transformed(partition, msg, envelope, instance)
        except Exception as exc:
            log.error("event %s cannot be transformed: stored as poison", envelope.event_id,
                      extra={"instance_id": envelope.instance_id})
            poison.append(Poison(partition, msg.stream_seq, msg.data, f"transform: {type(exc).__name__}: {exc}",
                                 envelope.instance_id, envelope.event_id))
            return None

    def _transformed(self, partition: int, msg: Received, envelope: Envelope,
                     instance: Instance | None) -> PersistItem:
        if isinstance(envelope.event, Connected):
            self.connected_phone[envelope.instance_id] = envelope.event.phone
        phone = self.connected_phone.get(envelope.instance_id) or (instance.phone if instance else None) or ""
        ctx = Context(instance_id=envelope.instance_id, connected_phone=phone,
                      notify_sent_by_me=instance.notify_sent_by_me if instance else False)
        payloads = transform(envelope, ctx)  # always: a malformed event is caught here, not in the insert
        deliveries = [NewDelivery(hook.value, webhook_id(envelope.event_id, hook.value), orjson.dumps(payload))
                      for hook, payload in payloads
                      if instance is not None and instance.callbacks.get(CallbackKind(hook.value))]
        event = envelope.event
        hold_s = self.settings.media_hold_s if isinstance(event, ev.MessageReceived) and event.media_pending else 0.0
        return PersistItem(envelope=envelope, body=msg.data, partition=partition, deliveries=deliveries, hold_s=hold_s)

    async def _retention_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.retention_interval_s)
            try:
                await self.retention_once()
            except Exception as exc:
                log.warning("retention round failed: %s", type(exc).__name__)

    async def retention_once(self) -> dict[str, int] | None:
        """One retention round (burst mode); None when another dispatcher holds the round."""
        deleted = await retention.run_once(self.store.db, RetentionPolicy.from_settings(self.settings))
        if deleted and any(deleted.values()):
            log.info("retention deleted %s", {t: n for t, n in deleted.items() if n})
        return deleted

    async def _on_replay(self, data: bytes) -> None:
        try:
            partition = int(data)
        except ValueError:
            return
        if partition in self.owned:
            for instance_id in await self.store.pending_instances(partition):
                self.lanes.resume(instance_id, partition)

    async def close(self) -> None:
        for partition in list(self.owned):
            await self._release(partition)
        await self.book.close()
        await self.lanes.close()
        await self._tasks.cancel_all()
        with contextlib.suppress(Exception):
            await self.leases.leave()
        await self.deliverer.close()
