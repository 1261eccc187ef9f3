"""The worker role: leases instances fairly, runs one engine per leased instance, hands them over."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections import Counter
from typing import Any

from gateway.core.config import Settings
from gateway.core.names import Names
from gateway.core.placement import plan
from gateway.core.status import InstanceStatus
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database, ensure_database
from gateway.infra.db.deliveries import DeliveryLog
from gateway.infra.db.instances import InstanceStore
from gateway.infra.db.media import MediaIndex
from gateway.infra.db.outbox import OutboxStore
from gateway.infra.db.sandbox_account import SandboxAccountStore
from gateway.infra.db.sandbox_business import SandboxBusinessStore
from gateway.infra.db.sandbox_catalogs import SandboxCatalogStore
from gateway.infra.db.sandbox_groups import SandboxGroupStore
from gateway.infra.db.sandbox_newsletters import SandboxNewsletterStore
from gateway.infra.db.spill import SpillStore
from gateway.infra.kv.leases import Lease, LeaseManager
from gateway.infra.kv.ledger import SandboxLedger
from gateway.infra.kv.state import StateStore
from gateway.media.factory import build_store
from gateway.media.service import MediaService
from gateway.ops.backends import open_backends
from gateway.ops.metrics import (
    INSTANCES_BY_STATUS,
    INSTANCES_RUNNING,
    LEASE_ACQUIRED,
    LEASE_LOST,
    LEASE_RENEWALS,
    metrics_server,
)
from gateway.ops.runtime import TaskGroupOwner, stop_event_on_signals
from gateway.worker.capture import Capture
from gateway.worker.engines.neonize.runtime import device_store_database
from gateway.worker.session import Session, SessionDeps

log = logging.getLogger(__name__)
SETTINGS_REFRESH_S = 60.0  # how often a worker reads its instances' settings again (one query for all)
STARTING_AT_ONCE = 16  # engines a placement round starts concurrently (each start is a dozen round trips)


def default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}"


class Worker:
    """``run(stop)`` until stopped, then ``close()``: stop engines, release leases, leave."""

    def __init__(self, settings: Settings, worker_id: str, *, db: Database, bus: Bus, redis: Any) -> None:
        self.settings = settings
        self.worker_id = worker_id
        self.names = Names.from_settings(settings)
        self.store = InstanceStore(db)
        self.state = StateStore(redis, self.names)
        self.leases = LeaseManager(redis, self.names, worker_id, settings.lease_ttl_s)
        self.bus = bus
        self.redis = redis
        self.sessions: dict[str, Session] = {}
        self.capture = Capture(bus, settings, SpillStore(db))
        self.ledger = SandboxLedger(redis, self.names, worker_id)
        self.media = MediaService(settings, build_store(settings), MediaIndex(db))
        self.outbox = OutboxStore(db)
        self.deps = SessionDeps(settings=settings, names=self.names, state=self.state, store=self.store,
                                leases=self.leases, bus=bus, capture=self.capture, outbox=self.outbox,
                                media=self.media, record_send=self.ledger.record, lookup_send=self.ledger.lookup,
                                held_events=self._held_events,
                                group_store=SandboxGroupStore(db), account_store=SandboxAccountStore(db),
                                newsletter_store=SandboxNewsletterStore(db), catalog_store=SandboxCatalogStore(db),
                                business_store=SandboxBusinessStore(db))
        self._deliveries = DeliveryLog(db)
        self._wake = asyncio.Event()
        self._tasks = TaskGroupOwner(f"worker:{worker_id}")
        self._last_renew_ok = time.monotonic()
        self._lock = asyncio.Lock()  # placement and shutdown never interleave
        self.closing = False
        self.acquired = 0
        self.lost = 0

    def __repr__(self) -> str:
        return (f"<Worker {self.worker_id} sessions={len(self.sessions)} acquired={self.acquired} "
                f"lost={self.lost}>")

    # main loop -------------------------------------------------------------------------------------
    async def start(self) -> None:
        """Prepare shared resources (event stream, neonize device-store database)."""
        if not self.settings.neonize_database_url:
            await ensure_database(self.settings.database_url, device_store_database(self.settings))
        await self.capture.start()

    async def run(self, stop: asyncio.Event) -> None:
        await self.start()
        sub = await self.bus.subscribe(self.names.placement_subject, self._on_placement)
        # the api asks here whether we are still up while it waits for a control answer (ControlClient)
        alive = await self.bus.serve(self.names.worker_subject(self.worker_id), _alive)
        await self.leases.heartbeat(self.settings.heartbeat_ttl_s, 0)
        await asyncio.sleep(min(0.5, self.settings.placement_interval_s))  # let peers announce themselves
        self._tasks.spawn(self._renew_loop(), name="renew")
        self._tasks.spawn(self._retention_loop(), name="media-retention")
        self._tasks.spawn(self._reconcile_loop(), name="outbox-reconcile")
        self._tasks.spawn(self._settings_loop(), name="settings-refresh")
        try:
            while not stop.is_set():
                try:
                    await self.place()
                except Exception:
                    log.exception("placement failed")
                self._wake.clear()
                waiters = [asyncio.create_task(stop.wait()), asyncio.create_task(self._wake.wait())]
                await asyncio.wait(waiters, timeout=self.settings.placement_interval_s,
                                   return_when=asyncio.FIRST_COMPLETED)
                for w in waiters:
                    w.cancel()
        finally:
            await self.bus.unserve(sub)
            await self.close()
            await self.bus.unserve(alive)  # last: our control requests were answered before

    async def _held_events(self, instance_id: str) -> list[bytes]:
        return await self._deliveries.held_events(self.names.partition_of(instance_id), instance_id)

    async def _on_placement(self, _data: bytes) -> None:
        self._wake.set()

    async def place(self) -> None:
        """One placement round (also the burst mode for tests)."""
        async with self._lock:
            if self.closing:
                return
            wanted = [str(i) for i in await self.store.live_ids()]
            workers = await self.leases.live_workers()
            p = plan(wanted, workers, self.worker_id, set(self.sessions))
            for instance_id in p.release:
                await self._hand_over(instance_id)
            starting: dict[str, asyncio.Task[None]] = {}  # leased, engine starting (STARTING_AT_ONCE at most)
            started: list[asyncio.Task[None]] = []
            try:
                for instance_id in p.try_acquire:
                    if len(starting) >= STARTING_AT_ONCE:
                        await asyncio.wait(starting.values(), return_when=asyncio.FIRST_COMPLETED)
                    started += [starting.pop(i) for i in [i for i, t in starting.items() if t.done()]]
                    held = len(self.sessions) + sum(i not in self.sessions for i in starting)
                    if held >= p.target or self.closing:
                        break
                    lease = await self.leases.acquire(instance_id)
                    if lease is not None:
                        starting[instance_id] = asyncio.create_task(self._start(lease), name=f"start-{instance_id}")
            finally:
                results = await asyncio.gather(*started, *starting.values(), return_exceptions=True)
            if failed := next((r for r in results if isinstance(r, BaseException)), None):
                raise failed

    async def _start(self, lease: Lease) -> None:
        found = await self.store.get_any(lease.instance_id)
        if found is None or found[1] or found[0].desired_state != "running":
            await self.leases.release(lease)
            return
        self.acquired += 1
        LEASE_ACQUIRED.inc()
        session = Session(lease, found[0], self.deps)
        self.sessions[lease.instance_id] = session
        INSTANCES_RUNNING.set(len(self.sessions))
        try:
            await session.start()
        except Exception:
            log.exception("engine start failed: releasing the instance", extra={"instance_id": lease.instance_id})
            self.sessions.pop(lease.instance_id, None)
            INSTANCES_RUNNING.set(len(self.sessions))
            with contextlib.suppress(Exception):
                await session.stop()
            with contextlib.suppress(Exception):
                await self.state.put(lease.instance_id, status="ERROR", error="engine failed to start")
            with contextlib.suppress(Exception):
                await self.leases.release(lease)  # placement (here or on a peer) tries again

    async def _hand_over(self, instance_id: str) -> None:
        """Stop a session we should not run (deleted → logout first) and release its lease."""
        session = self.sessions.pop(instance_id)
        INSTANCES_RUNNING.set(len(self.sessions))
        found = await self.store.get_any(instance_id)
        deleted = found is None or found[1]
        await session.stop(logout=deleted)
        await self.leases.release(session.lease)
        await self.capture.forget(instance_id)
        if deleted:
            await self.state.forget(instance_id)
        await self.bus.publish(self.names.placement_subject, instance_id.encode())

    # leases ------------------------------------------------------------------------------------------
    async def _renew_loop(self) -> None:
        """Renew forever: nothing a round raises may end the loop (peers would take our instances)."""
        interval = self.settings.lease_ttl_s / 3
        while True:
            await asyncio.sleep(interval)
            try:
                await self.renew_once()
            except Exception:
                log.exception("lease renewal round failed; next round in %.1fs", interval)

    async def _reconcile_loop(self) -> None:
        """Ring the senders of instances with queued sends: a bell the api rang may have been missed."""
        while True:
            await asyncio.sleep(self.settings.outbox_reconcile_s)
            try:
                await self.reconcile_once()
            except Exception as exc:
                log.warning("outbox reconcile failed: %s", type(exc).__name__)

    async def _settings_loop(self) -> None:
        """Read every running instance's settings again each ``SETTINGS_REFRESH_S``, in one query: a missed
        ``Action.SETTINGS`` (NATS away when the api changed them) is caught up within that time."""
        while True:
            await asyncio.sleep(SETTINGS_REFRESH_S)
            try:
                await self.refresh_settings_once()
            except Exception as exc:
                log.warning("settings refresh failed: %s", type(exc).__name__)

    async def refresh_settings_once(self) -> int:
        """One refresh round; returns how many sessions got their instance's settings again."""
        fresh = await self.store.get_live_many(list(self.sessions)) if self.sessions else {}
        refreshed = 0
        for instance_id, instance in fresh.items():
            if (session := self.sessions.get(instance_id)) is not None:
                session.instance = instance
                refreshed += 1
        return refreshed

    async def reconcile_once(self) -> int:
        """One reconcile round (also the burst mode for tests); returns how many senders were rung."""
        sessions = dict(self.sessions)
        rung = 0
        for instance_id in await self.outbox.with_work(list(sessions)) if sessions else []:
            sender = sessions[instance_id].sender
            if sender is not None:
                sender.ring()
                rung += 1
        return rung

    async def _retention_loop(self) -> None:
        while True:
            try:
                removed = await self.media.expire_once()
                if removed:
                    log.info("media retention removed %d objects", removed)
            except Exception:
                log.exception("media retention failed")
            await asyncio.sleep(600)

    async def renew_once(self) -> None:
        try:
            results = await self.leases.renew_many([s.lease for s in self.sessions.values()],
                                                   heartbeat_ttl_s=self.settings.heartbeat_ttl_s)
        except Exception as exc:
            log.warning("lease renewal failed: %s", type(exc).__name__)
            if time.monotonic() - self._last_renew_ok > self.settings.lease_ttl_s * 0.8:
                log.error("leases presumed lost (no renewal for %.1fs): stopping every engine",
                          time.monotonic() - self._last_renew_ok)
                for instance_id in list(self.sessions):
                    await self._lost(instance_id)
            return
        self._last_renew_ok = time.monotonic()
        LEASE_RENEWALS.inc(len(results))
        counted = Counter(s.status for s in self.sessions.values())
        for status in InstanceStatus:
            INSTANCES_BY_STATUS.labels(status.value).set(counted.get(status, 0))
        for instance_id, kept in results.items():
            if not kept:
                await self._lost(instance_id)

    async def _lost(self, instance_id: str) -> None:
        session = self.sessions.pop(instance_id, None)
        if session is None:
            return
        self.lost += 1
        LEASE_LOST.inc()
        INSTANCES_RUNNING.set(len(self.sessions))
        log.warning("lease lost: stopping engine", extra={"instance_id": instance_id})
        await session.stop(still_owner=False)
        await self.capture.forget(instance_id)

    # shutdown ---------------------------------------------------------------------------------------------
    async def close(self) -> None:
        """Stop engines, release leases so peers take over at once, leave the worker set."""
        async with self._lock:
            self.closing = True
            sessions = list(self.sessions.values())
            self.sessions.clear()
            await asyncio.gather(*(s.stop() for s in sessions), return_exceptions=True)
            for s in sessions:
                with contextlib.suppress(Exception):
                    await self.leases.release(s.lease)
            INSTANCES_RUNNING.set(0)
            with contextlib.suppress(Exception):
                await self.leases.leave()
            if sessions:
                with contextlib.suppress(Exception):
                    await self.bus.publish(self.names.placement_subject, b"released")
                    await self.bus.nc.flush(timeout=2)
            await self._tasks.cancel_all()
            await self.media.close()


async def _alive(_data: bytes) -> bytes:
    return b"{}"


async def run_worker(settings: Settings, worker_id: str | None) -> None:
    """The worker role's lifecycle: build in dependency order, run until SIGTERM, tear down in reverse."""
    wid = worker_id or default_worker_id()
    async with contextlib.AsyncExitStack() as stack:
        stop = stop_event_on_signals()
        stack.enter_context(metrics_server(settings.worker_metrics_port, settings.http_host))
        b = await open_backends(stack, settings, f"zapgate-worker-{wid}")
        worker = Worker(settings, wid, db=b.db, bus=b.bus, redis=b.redis)
        log.info("worker %s started", wid, extra={"worker_id": wid})
        await worker.run(stop)  # closes the worker (engines, leases) before the stack unwinds
    log.info("worker %s stopped", wid, extra={"worker_id": wid})
