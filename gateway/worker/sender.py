"""The FIFO sender of one leased instance: one message in flight, paced, fenced, never sent twice.

Postgres is the queue: the oldest live row of the instance (``seq`` order) → wait the pacing → check the
lease → claim it (QUEUED → SENDING with our fence; a deleted message stops here) → engine.send → emit
``MessageSent`` → record SENT and the WhatsApp id, reading the next row in the same statement (and, with
no pacing, checking the lease first and claiming that row too: one round trip per message). A row claimed
ahead is given back if the sender stops or the engine disconnects before sending it. NATS only rings a
bell (``zg.bell.<instance>``) after the api commits a row, so an idle sender wakes at once; without the
bell (NATS away, a missed message) the worker's reconcile loop rings it, and the sender looks again on its
own every ``outbox_idle_poll_s``.
Transient failures are retried in place (order kept) with backoff, 5 attempts, then FAILED. A row found
SENDING belongs to a worker that died mid-send: the engine says whether it left; if it cannot tell, the
row is marked FAILED rather than risk a duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any, Protocol

from gateway.core import content as c
from gateway.core import content_commerce as cc
from gateway.core.commands import UNKNOWN, Outgoing
from gateway.core.config import Settings
from gateway.core.content_interactive import REFERS_TO_MESSAGE
from gateway.core.errors import EngineError, NotConnected
from gateway.core.events import EngineEvent, MessageReceived, MessageSent, PresenceState, loads
from gateway.core.names import Names
from gateway.core.phones import address
from gateway.infra.bus import Bus
from gateway.infra.db.originals import Originals
from gateway.infra.db.outbox import OutboxRow, OutboxStore
from gateway.ops.metrics import OUTBOX_FAILED, OUTBOX_SENT, QUEUE_DEPTH, SEND_LATENCY
from gateway.worker.engines.base import Engine
from gateway.worker.sender_refs import resolve_reference

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
UNKNOWN_OUTCOME = "outcome unknown: the worker stopped while sending; not resent to avoid a duplicate"


class SenderHost(Protocol):
    """What a Sender needs from the session that owns the instance (and nothing more)."""

    connected: asyncio.Event  # set while the engine is connected

    @property
    def id(self) -> str: ...

    @property
    def fence(self) -> int: ...  # the fencing token of the lease this host runs under

    @property
    def engine(self) -> Engine | None: ...

    @property
    def phone(self) -> str | None: ...

    async def still_owner(self) -> bool: ...  # the lease is still ours (checked before each send)

    def on_event(self, event: EngineEvent) -> Awaitable[None] | None: ...  # capture an event in order


class Sender:
    """``start()`` runs the loop in a task, ``burst()`` sends what is queued now and returns; ``stop()``."""

    def __init__(self, host: SenderHost, *, store: OutboxStore, bus: Bus, settings: Settings, names: Names) -> None:
        self.host = host
        self.store = store
        self.originals = Originals(store.db)
        self.bus = bus
        self.settings = settings
        self.names = names
        self.rng = random.Random()  # noqa: S311 - pacing jitter
        self.last_sent = 0.0
        self.sent = 0
        self.failed = 0
        self.stopping = False
        self._bell = asyncio.Event()
        self._bell_sub: Any = None
        self._task: asyncio.Task[None] | None = None
        self._critical: asyncio.Task[Any] | None = None
        self._gauged_at = 0.0
        # the row read (and, unpaced, claimed) with the previous message's record: (row or None, claimed)
        self._next: tuple[OutboxRow | None, bool] | None = None

    def __repr__(self) -> str:
        return f"<Sender {self.host.id} sent={self.sent} failed={self.failed}>"

    def ring(self) -> None:
        """Something may be queued: look now (the api's bell, or the worker's reconcile loop)."""
        self._bell.set()

    async def _on_bell(self, _data: bytes) -> None:
        self.ring()

    async def start(self) -> None:
        with contextlib.suppress(Exception):  # NATS away: the reconcile loop and the idle poll still wake us
            self._bell_sub = await self.bus.subscribe(self.names.bell_subject(self.host.id), self._on_bell)
        self._task = asyncio.create_task(self._run(), name=f"sender-{self.host.id}")

    async def _run(self) -> None:
        delay = 0.5
        while not self.stopping:
            if not self.host.connected.is_set():
                await self._unclaim()  # a claimed row never waits out a disconnection as SENDING
                await self.host.connected.wait()
            self._bell.clear()
            try:
                handled = await self._handle_next()
                delay = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Postgres away, or a bug in one message: keep the loop, try again
                log.warning("sending failed (%s); retrying in %.1fs", type(exc).__name__, delay,
                            extra={"instance_id": self.host.id})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            if not handled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._bell.wait(), self.settings.outbox_idle_poll_s)

    async def burst(self) -> int:
        """Burst mode: send what is queued now, one at a time, then return how many were handled."""
        handled = 0
        while not self.stopping and await self._handle_next():
            handled += 1
        await self._unclaim()
        return handled

    async def _handle_next(self) -> bool:
        """Process the oldest live row; False when the queue is empty (or we were fenced out)."""
        prefetched, self._next = self._next, None
        row, claimed = prefetched if prefetched is not None else (await self.store.next_live(self.host.id), False)
        if row is None:
            await self._gauge()
            return False
        await self._process(row, claimed)
        await self._gauge()
        return not self.stopping

    async def _unclaim(self) -> None:
        """Give back a row claimed ahead (SENDING → QUEUED): the sender stops or waits before sending it."""
        prefetched, self._next = self._next, None
        if prefetched is not None and prefetched[0] is not None and prefetched[1]:
            await asyncio.shield(self.store.release(prefetched[0].zaap_id, None, count_attempt=False))

    async def _process(self, row: OutboxRow, claimed: bool = False) -> None:
        outgoing = loads(Outgoing, row.payload)
        if not claimed and row.status == "SENDING" and not await self._recover(row, outgoing):
            return
        while True:
            if not claimed:
                await self._pace(row, outgoing)
                if not await self.host.still_owner():
                    self.stopping = True  # fenced out: the row stays QUEUED for the new owner
                    return
                if not await self.store.claim(row.zaap_id, self.host.fence):
                    return  # deleted while waiting
            claimed = False  # a retry goes through the pacing, the lease check and the claim again
            self._critical = asyncio.ensure_future(self._send(row, outgoing))
            done, retry_in_s = await asyncio.shield(self._critical)
            self._critical = None
            if done:
                return
            await asyncio.sleep(retry_in_s)  # outside the shield: a stop does not wait for a backoff
            await self.host.connected.wait()

    async def _gauge(self) -> None:
        now = time.monotonic()
        if now - self._gauged_at >= 1.0:
            self._gauged_at = now
            with contextlib.suppress(Exception):
                QUEUE_DEPTH.labels(self.host.id).set(await self.store.count(self.host.id))

    async def _recover(self, row: OutboxRow, outgoing: Outgoing) -> bool:
        """A row left SENDING by a worker that died mid-send. True: send it now (it never left)."""
        engine = self.host.engine
        found = await engine.sent_id(row.zaap_id) if engine is not None else UNKNOWN
        if found is UNKNOWN:
            await self._finish_failed(row, UNKNOWN_OUTCOME)
            return False
        if isinstance(found, str):  # it did leave: record it, do not send again
            await self._emit(row, outgoing, found, None)
            await self.store.sent(row.zaap_id, found)
            self.sent += 1
            return False
        await self.store.release(row.zaap_id, None, count_attempt=False)
        return True

    async def _pace(self, row: OutboxRow, outgoing: Outgoing) -> None:
        if row.delay_message is not None:
            wait = row.delay_message  # Z-API: the delay before this message leaves the queue
        else:
            low, high = self.settings.gap_range_s
            wait = self.rng.uniform(low, high) - (time.monotonic() - self.last_sent)  # gap between sends
        if wait > 0:
            await asyncio.sleep(wait)
        if row.delay_typing and self.host.engine is not None:
            state = PresenceState.RECORDING if isinstance(outgoing.content, c.Audio) else PresenceState.COMPOSING
            with contextlib.suppress(EngineError):
                await self.host.engine.send_chat_presence(outgoing.to, state)
            await asyncio.sleep(row.delay_typing)
            with contextlib.suppress(EngineError):
                await self.host.engine.send_chat_presence(outgoing.to, PresenceState.PAUSED)

    async def _resolved(self, out: Outgoing) -> Outgoing:
        """Ids given as zaapIds (the API's messageId) become the WhatsApp ids they were sent as; the messages a
        send refers to (quoted, reacted to, voted on, deleted) get their authors from what dispatch stored."""
        iid = self.host.id
        quoted = await self.store.resolve(iid, out.quoted_id) if out.quoted_id else None
        edit = await self.store.resolve(iid, out.edit_id) if out.edit_id else None
        participant = out.quoted_participant
        if quoted and participant is None and out.quoted_chat is None:
            participant = await self._author_jid(quoted)
        body = out.content
        if isinstance(body, c.Reaction):
            real = await self.store.resolve(iid, body.message_id)
            author = await self.originals.author(iid, real)
            from_me = author.from_me if author is not None else True
            body = c.Reaction(body.emoji, real, from_me=from_me, chat=out.to,
                              participant=None if from_me or author is None else author.sender)
        elif isinstance(body, c.Forward):
            real = await self.store.resolve(iid, body.message_id)
            body = c.Forward(real, body.source_chat, await self.originals.content(iid, real))
        elif isinstance(body, c.Revoke):
            real = await self.store.resolve(iid, body.message_id)
            sender = body.sender
            if not body.from_me and not sender:
                author = await self.originals.author(iid, real)
                sender = (author.sender or "") if author is not None else ""
            body = c.Revoke(real, body.from_me, sender)
        elif isinstance(body, c.PollVote):
            real = await self.store.resolve(iid, body.poll_message_id)
            body = c.PollVote(real, body.options)
            participant = participant or await self._author_jid(real)
        elif isinstance(body, cc.OrderUpdate):  # the order it updates, named by its zaapId or WhatsApp id
            body = replace(body, order_message_id=await self.store.resolve(iid, body.order_message_id))
        elif isinstance(body, REFERS_TO_MESSAGE):  # a pin, an event's edit or answer: its message and author
            body = await resolve_reference(body, store=self.store, originals=self.originals, instance_id=iid,
                                           chat=out.to)
        return replace(out, content=body, quoted_id=quoted, edit_id=edit, quoted_participant=participant)

    async def _author_jid(self, message_id: str) -> str | None:
        """The JID of who wrote a stored message (ours: our phone's), or None when it is not known."""
        author = await self.originals.author(self.host.id, message_id)
        if author is None:
            return None
        if author.from_me:
            return f"{self.host.phone}@s.whatsapp.net" if self.host.phone else None
        return author.sender

    async def _send(self, row: OutboxRow, outgoing: Outgoing) -> tuple[bool, float]:
        """Send and record (runs shielded: shutdown never cuts it in half).

        Returns (finished, seconds to wait before the next attempt); the wait happens outside the shield.
        """
        engine = self.host.engine
        try:
            if engine is None:
                raise NotConnected("engine not running")
            message_id = await engine.send(await self._resolved(outgoing))
        except NotConnected:
            await self.store.release(row.zaap_id, None, count_attempt=False)
            return False, 0.0  # the caller waits for the reconnection outside the shield (stop can cancel it)
        except EngineError as exc:
            attempts = await self.store.release(row.zaap_id, exc.message, count_attempt=True)
            if attempts >= MAX_ATTEMPTS or not exc.transient:
                await self.store.claim(row.zaap_id, self.host.fence)
                await self._finish_failed(row, exc.message)
                return True, 0.0
            return False, min(30.0, self.settings.send_retry_initial_s * 2 ** (attempts - 1))
        self.last_sent = time.monotonic()
        # the event first, durably: a crash before the row says SENT is recovered (the engine knows the
        # message left and the event id de-duplicates); the other order lost the DeliveryCallback
        await self._emit(row, outgoing, message_id, None)
        self._next = await self.store.sent_then_next(row.zaap_id, message_id, self.host.id,
                                                     await self._fence_for_next())
        self.sent += 1
        OUTBOX_SENT.inc()
        SEND_LATENCY.observe(max(0.0, time.time() - row.created_at.timestamp()))
        return True, 0.0

    async def _fence_for_next(self) -> int | None:
        """With no pacing between sends, the lease check of the next send happens now and its claim rides on
        this record; with pacing (or Redis away) the next row is claimed after its wait, as usual."""
        if self.stopping or self.settings.gap_range_s[1] > 0:
            return None
        try:
            owner = await self.host.still_owner()
        except Exception:  # the message left: its record must not fail on the lease check
            return None
        if not owner:
            self.stopping = True  # fenced out: the next row stays QUEUED for the new owner
            return None
        return self.host.fence

    async def _finish_failed(self, row: OutboxRow, error: str) -> None:
        await self._emit(row, loads(Outgoing, row.payload), "", error)
        await self.store.failed(row.zaap_id, error)
        self.failed += 1
        OUTBOX_FAILED.inc()

    async def _emit(self, row: OutboxRow, out: Outgoing, message_id: str, error: str | None) -> None:
        """Capture ``MessageSent`` and wait (bounded) until it is durable, before the row records the outcome."""
        chat = address(out.to)
        sent_as = None
        if not error:
            me = address(f"{self.host.phone}@s.whatsapp.net") if self.host.phone else chat
            sent_as = MessageReceived(message_id=message_id, chat=chat, sender=me, from_me=True,
                                      is_group=out.to.endswith("@g.us"), timestamp_ms=int(time.time() * 1000),
                                      content=out.content, quoted_id=out.quoted_id)
        durable = self.host.on_event(MessageSent(zaap_id=row.zaap_id, message_id=message_id, chat=chat, error=error,
                                          message=sent_as))
        if durable is not None:
            with contextlib.suppress(TimeoutError):  # NATS away: it stays buffered (the documented window)
                await asyncio.wait_for(asyncio.shield(durable), self.settings.capture_ack_timeout_s)

    async def stop(self) -> None:
        """Finish a send in progress (its record is shielded), stop looking, leave the bell."""
        self.stopping = True
        if self._critical is not None:
            with contextlib.suppress(Exception):
                await self._critical
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self._unclaim()
        if self._bell_sub is not None:
            with contextlib.suppress(Exception):
                await self.bus.unserve(self._bell_sub)
