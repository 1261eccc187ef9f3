"""One leased instance inside a worker: its engine, its live state and its control requests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson

from gateway.core.commands import Action, Outgoing, decode_request, error_reply, ok_reply
from gateway.core.config import Settings
from gateway.core.errors import EngineError, InstanceUnavailable, InvalidInput, NotConnected, ZapgateError
from gateway.core.events import (
    Connected,
    Disconnected,
    EngineEvent,
    LoggedOut,
    MessageReceived,
    PairSucceeded,
    QrCodeChanged,
    StreamReplaced,
    TemporaryBan,
)
from gateway.core.models import EngineKind, Instance
from gateway.core.names import Names
from gateway.core.proxy import ProxyConfig
from gateway.core.sealing import Sealer
from gateway.core.status import InstanceStatus
from gateway.infra.bus import Bus
from gateway.infra.db.instances import InstanceStore
from gateway.infra.db.outbox import OutboxStore
from gateway.infra.kv.leases import Lease, LeaseManager
from gateway.infra.kv.state import StateStore
from gateway.media.service import MediaService
from gateway.ops.metrics import CONTROL_REQUESTS, ENGINE_EVENTS
from gateway.worker.account import run_account_op
from gateway.worker.behaviours import Behaviours
from gateway.worker.business import run_business_op
from gateway.worker.capture import Capture
from gateway.worker.catalogs import run_catalog_op
from gateway.worker.engines.base import AccountStateStore, Engine, EngineContext, GroupStateStore
from gateway.worker.engines.business import BusinessStateStore
from gateway.worker.engines.catalogs import CatalogStateStore
from gateway.worker.engines.factory import build_engine
from gateway.worker.engines.newsletters import NewsletterStateStore
from gateway.worker.groups import run_group_op
from gateway.worker.inbound_media import InboundMedia, needs_download
from gateway.worker.newsletters import run_newsletter_op
from gateway.worker.sender import Sender

log = logging.getLogger(__name__)


@dataclass(slots=True)
class SessionDeps:
    settings: Settings
    names: Names
    state: StateStore
    store: InstanceStore
    leases: LeaseManager
    bus: Bus
    capture: Capture | None = None
    outbox: OutboxStore | None = None
    media: MediaService | None = None
    held_events: Callable[[str], Awaitable[list[bytes]]] | None = None  # messages dispatch holds for their media
    record_send: Callable[[str, str, Outgoing], Awaitable[None]] | None = None
    lookup_send: Callable[[str, str], Awaitable[str | None]] | None = None
    group_store: GroupStateStore | None = None  # sandbox: the simulated group world, in Postgres
    account_store: AccountStateStore | None = None  # sandbox: the simulated account world, in Postgres
    newsletter_store: NewsletterStateStore | None = None  # sandbox: the simulated channel world, in Postgres
    catalog_store: CatalogStateStore | None = None  # sandbox: the simulated business catalog, in Postgres
    business_store: BusinessStateStore | None = None  # sandbox: the simulated labels, notes, profile, in Postgres


class Session:
    """Owns one engine. ``start()``/``stop()``; events are applied to live state in order."""

    def __init__(self, lease: Lease, instance: Instance, deps: SessionDeps) -> None:
        self.lease = lease
        self.instance = instance
        self.deps = deps
        self.status = InstanceStatus.STARTING
        self.phone: str | None = instance.phone
        self.device_jid = instance.device_jid
        self.engine: Engine | None = None
        self.stopping = False
        self._updates: asyncio.Queue[EngineEvent | None] = asyncio.Queue()
        self._applier: asyncio.Task[None] | None = None
        self._control_sub: Any = None
        self.events_seen = 0
        self.connected = asyncio.Event()
        self.sender: Sender | None = None
        held = deps.held_events
        self.inbound_media = (InboundMedia(instance.id, deps.media, deps.settings, self.on_event, self._download,
                                           held=(lambda: held(instance.id)) if held is not None else None)
                              if deps.media is not None else None)
        self.behaviours = Behaviours(self, deps.outbox, deps.settings)

    def __repr__(self) -> str:
        return f"<Session {self.instance.id} fence={self.lease.fence} status={self.status} events={self.events_seen}>"

    @property
    def id(self) -> str:
        return self.instance.id

    @property
    def fence(self) -> int:
        return self.lease.fence

    async def still_owner(self) -> bool:
        """The sender's check before a claim: as Redis confirmed within half the TTL (the batched renewals
        confirm every TTL/3), so a send costs no Redis round trip while they succeed. A lease lost to expiry
        cannot have a new owner before the trust ends: the new owner waits out the whole TTL."""
        return await self.deps.leases.holds_recently(self.lease)

    async def _owner_now(self) -> bool:
        """Whether the lease is still ours (as Redis confirmed it recently); Redis away means we cannot tell:
        the caller retries."""
        try:
            return await self.deps.leases.holds_recently(self.lease)
        except Exception as exc:
            raise InstanceUnavailable(f"ownership cannot be checked now ({type(exc).__name__}); retry") from exc

    # lifecycle ----------------------------------------------------------------------------------
    async def start(self) -> None:
        await self._put_state(InstanceStatus.STARTING, error="")
        self._applier = asyncio.create_task(self._apply_loop(), name=f"state-{self.id}")
        self.engine = self._build_engine()
        self._control_sub = await self.deps.bus.serve(self.deps.names.control_subject(self.id), self.handle_control)
        await self.deps.leases.audit(self.lease, "start")
        if self.deps.capture is not None:
            await self.deps.capture.replay_spilled(self.id)  # a previous owner's events come first
        await self.engine.connect()
        if self.deps.outbox is not None:
            self.sender = Sender(self, store=self.deps.outbox, bus=self.deps.bus, settings=self.deps.settings,
                                 names=self.deps.names)
            await self.sender.start()

    def ring(self) -> None:
        """Something was queued for this instance by the worker itself (a call-reject message)."""
        if self.sender is not None:
            self.sender.ring()

    async def reload_settings(self) -> None:
        """Read the instance's settings again (auto-read, call reject...): the api changed them."""
        fresh = await self.deps.store.get(self.id)
        if fresh is not None:
            self.instance = fresh

    def opened_proxy(self) -> ProxyConfig | None:
        """The instance's proxy with its password opened. One that does not open (the secret key changed) fails
        the start: the engine never connects around the proxy it was given."""
        return Sealer.of(self.deps.settings).opened(self.id, self.instance.proxy)

    def _build_engine(self) -> Engine:
        record = lookup = None
        if self.deps.record_send is not None and self.deps.lookup_send is not None:
            recorder, finder, iid = self.deps.record_send, self.deps.lookup_send, self.id

            async def record(message_id: str, out: Outgoing) -> None:
                await recorder(iid, message_id, out)

            async def lookup(zaap_id: str) -> str | None:
                return await finder(iid, zaap_id)

        capture = self.deps.capture
        instance_id = self.id
        ctx = EngineContext(instance_id=self.id, settings=self.deps.settings, emit=self.on_event,
                            device_jid=self.device_jid, record_send=record, lookup_send=lookup,
                            read_media=self.deps.media.store.get if self.deps.media is not None else None,
                            backlog=(lambda: capture.depth(instance_id)) if capture is not None else None,
                            group_store=self.deps.group_store, account_store=self.deps.account_store,
                            newsletter_store=self.deps.newsletter_store, proxy=self.opened_proxy(),
                            catalog_store=self.deps.catalog_store, business_store=self.deps.business_store)
        return build_engine(self.instance.engine, ctx)

    async def stop(self, *, logout: bool = False, still_owner: bool = True) -> None:
        """Stop the engine (logging out first when asked), then flush state updates in order."""
        self.stopping = True
        if self.inbound_media is not None:
            await self.inbound_media.stop()  # downloads in flight finish briefly: their follow-ups reach capture below
        await self.behaviours.stop()
        if self.sender is not None:
            await self.sender.stop()  # finish or hand back the message in flight before the engine goes
        if self._control_sub is not None:
            await self.deps.bus.unserve(self._control_sub)
            self._control_sub = None
        if self.engine is not None:
            try:
                await (self.engine.logout() if logout else self.engine.disconnect())
            except Exception:
                log.exception("engine stop failed", extra={"instance_id": self.id})
        # every accepted event reaches JetStream first, or Postgres when JetStream is away
        capture = self.deps.capture
        if capture is not None and not await capture.drain(self.id, self.deps.settings.capture_drain_s):
            with contextlib.suppress(Exception):
                await capture.spill(self.id)
        await self._updates.put(None)
        if self._applier is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._applier
        if still_owner:
            with contextlib.suppress(Exception):  # Redis or Postgres away: the engine is stopped all the same
                await self._put_state(InstanceStatus.STOPPED)
        with contextlib.suppress(Exception):
            await self.deps.leases.audit(self.lease, "stop")

    # events ---------------------------------------------------------------------------------------
    def on_event(self, event: EngineEvent) -> asyncio.Future[None] | None:
        """The engine callback: synchronous, keeps engine order. Returns the capture's "durable" future."""
        durable = None
        if self.deps.capture is not None:
            if self.inbound_media is not None and needs_download(event):
                assert isinstance(event, MessageReceived)
                event = self.inbound_media.pending(event)  # captured now; the media follows (``inbound_media.py``)
            durable = self.deps.capture.offer(self.id, self.lease.fence, event)  # CaptureFull when full
        self.behaviours.observe(event, durable)
        if isinstance(event, Connected):
            self.connected.set()
        elif isinstance(event, Disconnected | LoggedOut | StreamReplaced):
            self.connected.clear()
        self.events_seen += 1
        ENGINE_EVENTS.labels(type(event).__name__).inc()
        if not isinstance(event, MessageReceived):
            self._updates.put_nowait(event)
        return durable

    async def _download(self, event: MessageReceived) -> bytes:
        engine = self.engine
        if engine is None:
            raise EngineError("the engine is not running")
        return await engine.download(event)

    async def _apply_loop(self) -> None:
        while (event := await self._updates.get()) is not None:
            try:
                await self._apply(event)
            except Exception:
                log.exception("applying %s failed", type(event).__name__, extra={"instance_id": self.id})

    async def _apply(self, event: EngineEvent) -> None:
        log.info("engine event %s", type(event).__name__, extra={"instance_id": self.id})
        if isinstance(event, QrCodeChanged):
            await self._put_state(InstanceStatus.QR_PENDING, qr=event.code, qr_expires_ms=event.expires_at_ms)
        elif isinstance(event, PairSucceeded):
            self.phone, self.device_jid = event.phone, event.device_jid
            await self.deps.store.update_fields(self.id, device_jid=event.device_jid, phone=event.phone)
            await self._put_state(InstanceStatus.CONNECTING, qr="", phone=event.phone)
        elif isinstance(event, Connected):
            self.phone = event.phone
            with contextlib.suppress(Exception):  # Postgres away: keep the settings we have
                await self.reload_settings()
            await self._put_state(InstanceStatus.CONNECTED, qr="", phone=event.phone, error="",
                                  is_business=int(event.is_business))
            if self.inbound_media is not None:
                self.inbound_media.resume()
        elif isinstance(event, Disconnected):
            status = InstanceStatus.DISCONNECTED if event.will_reconnect else InstanceStatus.ERROR
            await self._put_state(status, error=event.reason)
        elif isinstance(event, LoggedOut):
            self.device_jid = None
            await self.deps.store.update_fields(self.id, device_jid=None)
            await self._put_state(InstanceStatus.LOGGED_OUT, error=event.reason, qr="")
            if not self.stopping:
                await self._restart_engine(fresh=True)
        elif isinstance(event, TemporaryBan):
            await self._put_state(InstanceStatus.BANNED, error=f"temporary ban {event.code} for {event.expires_s}s")
        elif isinstance(event, StreamReplaced):
            await self._put_state(InstanceStatus.ERROR, error="stream replaced: the device connected elsewhere")
            if self.engine is not None:
                await self.engine.disconnect()

    async def _put_state(self, status: InstanceStatus, **fields: Any) -> None:
        if not await self.deps.leases.holds(self.lease):
            return  # a newer owner writes the state now
        changed = status != self.status or ("error" in fields and fields["error"])
        self.status = status
        await self.deps.state.put(self.id, status=status.value, owner=self.lease.worker_id,
                                  fence=self.lease.fence, **fields)
        if changed or status == InstanceStatus.STARTING:
            await self.deps.store.record_status(self.id, status.value, phone=self.phone,
                                                error=fields.get("error") or None,
                                                worker_id=self.lease.worker_id, fence=self.lease.fence)

    async def _restart_engine(self, *, fresh: bool) -> None:
        self.connected.clear()  # the sender waits for the new connection, not a hot loop on the old flag
        if self.engine is not None:
            await self.engine.disconnect()
        if fresh:
            self.device_jid = None
        self.engine = self._build_engine()
        await self.engine.connect()

    # control ----------------------------------------------------------------------------------------
    async def handle_control(self, data: bytes) -> bytes:
        try:
            action, args = decode_request(data)
        except (ValueError, KeyError, orjson.JSONDecodeError):
            return error_reply(InvalidInput("malformed control request", field="action"))
        try:
            if not await self._owner_now():
                raise InstanceUnavailable("this worker no longer owns the instance; retry in a moment")
            result = await self._act(action, args)
        except ZapgateError as exc:
            CONTROL_REQUESTS.labels(action.value, "false").inc()
            return error_reply(exc)
        CONTROL_REQUESTS.labels(action.value, "true").inc()
        return ok_reply(result)

    async def _act(self, action: Action, args: dict[str, Any]) -> dict[str, Any]:
        engine = self.engine
        assert engine is not None
        if action is Action.PAIR_CODE:
            return {"code": await engine.pair_phone(str(args.get("phone", "")))}
        if action is Action.RESTART:
            if args.get("restore"):  # restore-session: reconnect from the saved session, if there is one
                if self.device_jid is None:
                    raise EngineError("there is no saved session to restore: the instance is not paired (read "
                                      "the qr-code, or ask a phone-code)", transient=False)
                if self.connected.is_set():
                    return {"restored": False}  # connected: nothing to restore
            await self._restart_engine(fresh=False)
            return {"restored": True}
        if action is Action.LOGOUT:
            await engine.logout()
            return {}
        if action is Action.SETTINGS:
            await self.reload_settings()
            return {}
        if action in (Action.READ, Action.GROUP, Action.ACCOUNT, Action.NEWSLETTER, Action.CATALOG, Action.BUSINESS) \
                and not self.connected.is_set():
            raise NotConnected("the instance is not connected")
        if action is Action.READ:
            await engine.mark_read(str(args["chat"]), str(args["messageId"]), args.get("sender") or None)
            return {}
        if action is Action.GROUP:
            return await run_group_op(engine, args)
        if action is Action.ACCOUNT:
            return await run_account_op(engine, args)
        if action is Action.NEWSLETTER:
            return await run_newsletter_op(engine, args)
        if action is Action.CATALOG:
            return await run_catalog_op(engine, args)
        if action is Action.BUSINESS:
            return await run_business_op(engine, args)
        if self.instance.engine is not EngineKind.SANDBOX:
            raise InvalidInput("sandbox routes only work for sandbox instances", field="engine")
        from gateway.worker.engines.sandbox.engine import SandboxEngine

        assert isinstance(engine, SandboxEngine)
        if action is Action.SANDBOX_SCAN:
            return {"deviceJid": await engine.scan(str(args.get("phone", "")))}
        if action is Action.SANDBOX_INBOUND:
            return {"messageId": await engine.inject_message(args)}
        if action is Action.SANDBOX_PRESENCE:
            await engine.inject_presence(args)
            return {}
        if action is Action.SANDBOX_GROUP_EVENT:
            return await engine.inject_group_event(args)
        if action is Action.SANDBOX_NEWSLETTER_EVENT:
            return await engine.inject_newsletter_event(args)
        if action is Action.SANDBOX_CALL:
            return await engine.inject_call(args)
        if action is Action.SANDBOX_CONTACT_EVENT:
            return await engine.inject_contact_event(args)
        if action is Action.SANDBOX_PHONE:
            return engine.phone_records()
        await engine.drop()
        return {}
