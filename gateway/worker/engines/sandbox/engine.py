"""The sandbox engine: a deterministic simulated phone that behaves like WhatsApp seen through the API.

- Unpaired: shows a QR code that rotates every ``sandbox_qr_rotate_s``; ``scan(phone)`` pairs it.
- Paired (``device_jid`` given): connects without a QR, like a restored neonize session.
- ``send`` returns a WhatsApp-like id and emits receipts SENT → RECEIVED → READ, each after
  ``sandbox_receipt_delay_s`` (0 = at once, in order).
- ``drop()`` closes the connection as WhatsApp would; it reconnects after ``sandbox_reconnect_delay_s``.
- With ``sandbox_seed`` set, ids and QR codes are reproducible.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
import time
from typing import Any

from gateway.core.commands import Outgoing
from gateway.core.errors import AlreadyPaired, CaptureFull, EngineError, InvalidInput, NotConnected
from gateway.core.events import (
    Address,
    ChatPresenceChanged,
    Connected,
    Disconnected,
    EngineEvent,
    LoggedOut,
    MessageReceived,
    PairSucceeded,
    PresenceState,
    QrCodeChanged,
    ReceiptReceived,
    ReceiptStatus,
)
from gateway.core.phones import validate_phone
from gateway.core.sandbox_spec import build_inbound, new_message_id, parse_presence
from gateway.ops.runtime import TaskGroupOwner
from gateway.worker.engines.base import Engine, EngineContext
from gateway.worker.engines.sandbox.files import sandbox_file

MAX_DOWNLOAD_LENGTH = 128 * 1024 * 1024  # the simulated phone's largest file (``downloadLength``)


def _now_ms() -> int:
    return int(time.time() * 1000)


class SandboxEngine(Engine):
    def __init__(self, ctx: EngineContext) -> None:
        super().__init__(ctx)
        s = ctx.settings
        seed = s.sandbox_seed
        self.rng = random.Random(f"{seed}:{ctx.instance_id}") if seed is not None else random.Random(  # noqa: S311
            secrets.randbits(64))
        self.qr_rotate_s = s.sandbox_qr_rotate_s
        self.receipt_delay_s = s.sandbox_receipt_delay_s
        self.reconnect_delay_s = s.sandbox_reconnect_delay_s
        self.phone: str | None = ctx.device_jid.split(":")[0].split("@")[0] if ctx.device_jid else None
        self.connected = False
        self.running = False
        self.qr: str | None = None
        self.pair_code: tuple[str, str] | None = None
        self.sent: list[Outgoing] = []
        self.presences: list[tuple[str, str]] = []
        self.download_failures: dict[str, int] = {}
        self.download_lengths: dict[str, int] = {}
        self.downloads: list[str] = []  # message ids, once per download attempt
        self.reads: list[tuple[str, str]] = []
        self.send_delay_s = s.sandbox_send_delay_s
        self.in_send = 0
        self.max_in_send = 0
        self._tasks = TaskGroupOwner(f"sandbox:{ctx.instance_id}")
        self._qr_task: asyncio.Task[Any] | None = None

    def __repr__(self) -> str:
        return (f"<SandboxEngine {self.ctx.instance_id} phone={self.phone} connected={self.connected} "
                f"sent={len(self.sent)}>")

    # lifecycle ------------------------------------------------------------------------------------
    async def connect(self) -> None:
        self.running = True
        if self.phone:
            self._connected()
        else:
            self._qr_task = self._tasks.spawn(self._rotate_qr(), name="qr")

    def _connected(self) -> None:
        self.connected = True
        assert self.phone is not None
        self.ctx.emit(Connected(phone=self.phone, is_business=False))

    def _new_qr(self) -> None:
        ref = "".join(self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                      for _ in range(40))
        self.qr = f"2@{ref},sandbox,{self.ctx.instance_id}"
        self.ctx.emit(QrCodeChanged(code=self.qr, expires_at_ms=_now_ms() + int(self.qr_rotate_s * 1000)))

    async def _rotate_qr(self) -> None:
        while self.running and not self.phone:
            self._new_qr()
            await asyncio.sleep(self.qr_rotate_s)

    async def disconnect(self) -> None:
        self.running = False
        self.connected = False
        self.qr = None
        await self._tasks.cancel_all()

    async def logout(self) -> None:
        await self.disconnect()
        self.phone = None
        self.ctx.emit(LoggedOut(reason="logged out"))

    # pairing ----------------------------------------------------------------------------------------
    async def pair_phone(self, phone: str) -> str:
        validate_phone(phone, "phone")
        if self.phone:
            raise AlreadyPaired("the instance is already paired")
        code = "".join(self.rng.choice("ABCDEFGHJKLMNPQRSTVWXYZ23456789") for _ in range(8))
        self.pair_code = (phone, code)
        return code

    async def scan(self, phone: str) -> str:
        """The simulated phone scans the current QR (or confirms the pairing code) and links."""
        validate_phone(phone, "phone")
        if self.phone:
            raise AlreadyPaired("the instance is already paired")
        if not self.running or self.qr is None:
            raise NotConnected("no QR code is being shown")
        self.phone = phone
        self.qr = None
        if self._qr_task is not None:
            self._qr_task.cancel()
        device_jid = f"{phone}:1@s.whatsapp.net"
        self.ctx.emit(PairSucceeded(phone=phone, device_jid=device_jid))
        self._connected()
        return device_jid

    # traffic ----------------------------------------------------------------------------------------
    async def send(self, outgoing: Outgoing) -> str:
        if not self.connected:
            raise NotConnected("the instance is not connected")
        self.in_send += 1
        self.max_in_send = max(self.max_in_send, self.in_send)
        try:
            if self.send_delay_s:
                await asyncio.sleep(self.send_delay_s)
        finally:
            self.in_send -= 1
        message_id = new_message_id(self.rng)
        if self.ctx.record_send is not None:
            await self.ctx.record_send(message_id, outgoing)  # the phone got it: one step with the send
        self.sent.append(outgoing)
        chat = Address(jid=outgoing.to, phone=outgoing.to.split("@")[0] if "@s.whatsapp.net" in outgoing.to
                       else None)
        self._tasks.spawn(self._receipts(chat, message_id, outgoing.to.endswith("@g.us")), name="receipts")
        return message_id

    async def sent_id(self, zaap_id: str) -> str | None:
        if self.ctx.lookup_send is not None:
            return await self.ctx.lookup_send(zaap_id)
        return next((o.zaap_id for o in self.sent if o.zaap_id == zaap_id), None)

    async def send_chat_presence(self, to: str, state: PresenceState) -> None:
        self.presences.append((to, state.value))

    async def mark_read(self, chat: str, message_id: str) -> None:
        if not self.connected:
            raise NotConnected("the instance is not connected")
        self.reads.append((chat, message_id))

    async def _receipts(self, chat: Address, message_id: str, is_group: bool) -> None:
        for status in (ReceiptStatus.SENT, ReceiptStatus.RECEIVED, ReceiptStatus.READ):
            if self.receipt_delay_s:
                await asyncio.sleep(self.receipt_delay_s)
            if not self.connected:
                return
            self.ctx.emit(ReceiptReceived(chat=chat, message_ids=(message_id,), status=status,
                                          timestamp_ms=_now_ms(), is_group=is_group))

    async def download(self, message: MessageReceived) -> bytes:
        """The simulated phone's file for that message (``failDownload: n`` fails the first n tries;
        ``downloadLength: n`` pads it to n bytes, whatever ``fileLength`` declared, like a lying sender)."""
        self.downloads.append(message.message_id)
        left = self.download_failures.get(message.message_id, 0)
        if left:
            self.download_failures[message.message_id] = left - 1
            raise EngineError("sandbox: download failed on purpose")
        data, _mime = sandbox_file(message.content, message.message_id)
        length = self.download_lengths.get(message.message_id, 0)
        return data + b"\0" * (length - len(data)) if length > len(data) else data

    async def inject_message(self, spec: dict[str, Any]) -> str:
        """A message arrives; answered (like WhatsApp's delivery ack) only once it is durable."""
        if not self.connected:
            raise NotConnected("the instance is not connected")
        message = build_inbound(spec, self.rng, _now_ms())
        fail = spec.get("failDownload")
        if isinstance(fail, int) and not isinstance(fail, bool) and fail > 0:
            self.download_failures[message.message_id] = fail
        length = spec.get("downloadLength")
        if length is not None:
            if isinstance(length, bool) or not isinstance(length, int) or not 0 < length <= MAX_DOWNLOAD_LENGTH:
                raise InvalidInput(f"must be 1 to {MAX_DOWNLOAD_LENGTH} bytes", field="downloadLength")
            self.download_lengths[message.message_id] = length
        await self._durably(message)
        return message.message_id

    async def inject_presence(self, spec: dict[str, Any]) -> None:
        if not self.connected:
            raise NotConnected("the instance is not connected")
        chat, state = parse_presence(spec)
        await self._durably(ChatPresenceChanged(chat=chat, state=state))

    async def _durably(self, event: EngineEvent) -> None:
        durable = self.ctx.emit(event)
        if durable is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(durable), self.ctx.settings.capture_ack_timeout_s)
        except TimeoutError as exc:
            raise CaptureFull("the event is buffered but JetStream has not stored it yet; it will be "
                              "delivered when it does", instance_id=self.ctx.instance_id) from exc

    async def drop(self) -> None:
        """WhatsApp closes the connection; the engine reconnects by itself like the real one."""
        if not self.connected:
            raise NotConnected("the instance is not connected")
        self.connected = False
        self.ctx.emit(Disconnected(reason="connection closed", will_reconnect=True))
        self._tasks.spawn(self._reconnect(), name="reconnect")

    async def _reconnect(self) -> None:
        await asyncio.sleep(self.reconnect_delay_s)
        if self.running and self.phone:
            self._connected()

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.disconnect()
