"""What an instance's settings promise, applied to its engine's events, whatever the engine.

- ``autoReadMessage``: an incoming message (not ours, not a notification) is marked read once it is durable;
  in a group the receipt names the message's author.
- ``autoReadStatus``: a status (story) a contact posts is marked seen the same way (with ``autoReadMessage``
  on, as Z-API requires).
- ``callRejectAuto``: an incoming call is rejected; ``callRejectMessage`` (when set) is then queued to the
  caller like any send (FIFO, recorded, its DeliveryCallback), once per call even if the offer is seen twice.

Each action runs in its own task after the event is durable: a slow WhatsApp answer never holds capture.
Failures are logged, never raised: the event itself was captured either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Coroutine
from typing import Any, Protocol

from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.config import Settings
from gateway.core.errors import ZapgateError
from gateway.core.events import ChatNotified, EngineEvent, MessageReceived, dumps
from gateway.core.ids import new_zaap_id
from gateway.core.models import Instance
from gateway.core.phones import STATUS_BROADCAST
from gateway.infra.db.outbox import OutboxStore
from gateway.ops.runtime import TaskGroupOwner
from gateway.worker.engines.base import Engine

log = logging.getLogger(__name__)
INCOMING_CALLS = ("CALL_VOICE", "CALL_VIDEO")


class BehaviourHost(Protocol):
    instance: Instance  # the settings as last read from Postgres

    @property
    def id(self) -> str: ...

    @property
    def engine(self) -> Engine | None: ...

    def ring(self) -> None: ...  # wake the sender: something was queued


class Behaviours:
    def __init__(self, host: BehaviourHost, outbox: OutboxStore | None, settings: Settings) -> None:
        self.host = host
        self.outbox = outbox
        self.settings = settings
        self.tasks = TaskGroupOwner(f"behaviours:{host.id}")
        self.marked_read = 0
        self.rejected = 0

    def observe(self, event: EngineEvent, durable: Awaitable[None] | None) -> None:
        """Called for every engine event, in order, as it is offered to capture."""
        settings = self.host.instance
        if isinstance(event, MessageReceived) and self._wants_read(event, settings):
            self.tasks.spawn(self._after(durable, "auto-read", self._mark_read(event)), name="auto-read")
        elif (isinstance(event, ChatNotified) and event.kind in INCOMING_CALLS and not event.from_me
              and settings.call_reject_auto and event.call_id and event.sender is not None):
            self.tasks.spawn(self._after(durable, "call reject", self._reject(event)), name="call-reject")

    @staticmethod
    def _wants_read(event: MessageReceived, settings: Instance) -> bool:
        if (event.from_me or event.media_attempt or event.media_ready or event.is_edit
                or not settings.auto_read_message):
            return False
        if isinstance(event.content, c.Unsupported) and event.content.kind == "revoke":
            return False
        if event.chat.jid == STATUS_BROADCAST:
            return settings.auto_read_status
        return True

    async def _after(self, durable: Awaitable[None] | None, label: str, action: Coroutine[Any, Any, None]) -> None:
        try:
            if durable is not None:
                await asyncio.wait_for(asyncio.shield(durable), self.settings.capture_ack_timeout_s)
            await action
        except (ZapgateError, TimeoutError) as exc:
            log.warning("%s not applied: %s", label, exc, extra={"instance_id": self.host.id})
        finally:
            action.close()  # a no-op once awaited; otherwise no "never awaited" warning

    async def _mark_read(self, event: MessageReceived) -> None:
        engine = self.host.engine
        if engine is None:
            return
        sender = event.sender.jid if (event.is_group or event.chat.jid == STATUS_BROADCAST) else None
        await engine.mark_read(event.chat.jid, event.message_id, sender)
        self.marked_read += 1

    async def _reject(self, event: ChatNotified) -> None:
        engine, caller = self.host.engine, event.sender
        if engine is None or caller is None or not event.call_id:
            return
        await engine.reject_call(caller.jid, event.call_id)
        self.rejected += 1
        message = (self.host.instance.call_reject_message or "").strip()
        if not message or self.outbox is None or not caller.phone:
            return
        zaap_id = new_zaap_id()
        outgoing = Outgoing(to=f"{caller.phone}@s.whatsapp.net", content=c.Text(message), zaap_id=zaap_id)
        _, queued = await self.outbox.enqueue(
            zaap_id=zaap_id, instance_id=self.host.id, kind="call-reject-message", phone=caller.phone,
            payload=dumps(outgoing), media=None, delay_message=None, delay_typing=0.0, cap=self.settings.queue_cap,
            idempotency_key=f"call-reject:{event.call_id}", key_ttl_s=self.settings.idempotency_key_ttl_s)
        if queued:
            self.host.ring()

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self.tasks.cancel_all()
