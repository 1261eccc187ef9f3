"""The sandbox engine: a deterministic simulated phone that behaves like WhatsApp seen through the API.

- Unpaired: shows a QR code that rotates every ``sandbox_qr_rotate_s``; ``scan(phone)`` pairs it.
- Paired (``device_jid`` given): connects without a QR, like a restored neonize session.
- ``send`` returns a WhatsApp-like id and emits receipts SENT → RECEIVED → READ, each after
  ``sandbox_receipt_delay_s`` (0 = at once, in order).
- ``drop()`` closes the connection as WhatsApp would; it reconnects after ``sandbox_reconnect_delay_s``.
- With ``sandbox_seed`` set, ids and QR codes are reproducible.
- Groups: a simulated group world (``groups.py``, kept in ``EngineContext.group_store``) with WhatsApp's rules
  and notifications; ``inject_group_event`` plays what other members do (spec in ``group_events.py``);
  communities on it (``communities.py``).
- Channels: a simulated channel world (``newsletters.py``, kept in ``EngineContext.newsletter_store``);
  ``inject_newsletter_event`` plays what other people do (spec in ``newsletters_events.py``).
- Catalog: a simulated WhatsApp Business catalog (``catalog_world.py``, kept in ``EngineContext.catalog_store``)
  and the catalogs of two simulated shops (``catalog_state.py``).
- Business: the phone is a WhatsApp Business account, with labels, chat notes and a company profile
  (``business.py``, kept in ``EngineContext.business_store``; rules in ``business_state.py``).
- Account: a simulated account world (``account.py``, kept in ``EngineContext.account_store``): which numbers
  exist (``numbers.py``), contacts, blocking, profile and privacy (``contacts.py``), chats (``chats.py``), what
  a send is refused and what it leaves behind (``traffic.py``), calls and contact events (``calls.py``);
  ``phone_records()`` shows it all (``sandbox/phone``).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
import time
from dataclasses import replace
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
from gateway.core.groups import (
    Community,
    CreatedGroup,
    GroupInfo,
    GroupSettings,
    JoinRequest,
    JoinResult,
    LinkResult,
    ParticipantAction,
    ParticipantResult,
    invite_code,
    parse_group_id,
)
from gateway.core.phones import phone_address, validate_phone
from gateway.core.sandbox_spec import build_inbound, new_message_id, parse_presence
from gateway.ops.runtime import TaskGroupOwner
from gateway.worker.engines.base import EngineContext
from gateway.worker.engines.sandbox import chats, communities, traffic
from gateway.worker.engines.sandbox.account import AccountWorld
from gateway.worker.engines.sandbox.business_calls import SandboxBusinessCalls
from gateway.worker.engines.sandbox.calls import caller_of
from gateway.worker.engines.sandbox.catalog_calls import SandboxCatalogCalls
from gateway.worker.engines.sandbox.engine_account import SandboxAccountCalls
from gateway.worker.engines.sandbox.files import sandbox_file
from gateway.worker.engines.sandbox.group_events import description_of, inject, subject_of
from gateway.worker.engines.sandbox.groups import GroupWorld
from gateway.worker.engines.sandbox.newsletters_calls import SandboxNewsletterCalls

MAX_DOWNLOAD_LENGTH = 128 * 1024 * 1024  # the simulated phone's largest file (``downloadLength``)
MAX_DOWNLOAD_DELAY_MS = 600_000  # the slowest simulated download (``downloadDelayMs``)


def _now_ms() -> int:
    return int(time.time() * 1000)


class SandboxEngine(SandboxNewsletterCalls, SandboxCatalogCalls, SandboxBusinessCalls, SandboxAccountCalls):
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
        self.connected_through: str | None = None  # the proxy (masked) the last connect went through
        self.qr: str | None = None
        self.pair_code: tuple[str, str] | None = None
        self.sent: list[Outgoing] = []
        self.presences: list[tuple[str, str]] = []
        self.download_failures: dict[str, int] = {}
        self.download_lengths: dict[str, int] = {}
        self.download_delays: dict[str, float] = {}
        self.downloads: list[str] = []  # message ids, once per download attempt
        self.reads: list[tuple[str, str]] = []
        self.send_delay_s = s.sandbox_send_delay_s
        self.in_send = 0
        self.max_in_send = 0
        self._tasks = TaskGroupOwner(f"sandbox:{ctx.instance_id}")
        self._qr_task: asyncio.Task[Any] | None = None
        self.groups = GroupWorld(ctx.instance_id, ctx.group_store, emit=self._durably, rng=self.rng, clock=_now_ms,
                                 me=lambda: self.phone)
        self.group_invites: list[tuple[str, str, str, str]] = []  # (group, phone, code, caption) sent
        self.account = AccountWorld(ctx.instance_id, ctx.account_store, emit=self._durably, clock=_now_ms,
                                    me=lambda: self.phone)

    def __repr__(self) -> str:
        return (f"<SandboxEngine {self.ctx.instance_id} phone={self.phone} connected={self.connected} "
                f"sent={len(self.sent)}>")

    # lifecycle ------------------------------------------------------------------------------------
    async def connect(self) -> None:
        await self.account.load()  # ``phone_records`` answers from memory
        self.connected_through = self.ctx.proxy.masked() if self.ctx.proxy else None  # simulated: no dial
        self.running = True
        if self.phone:
            self._connected()
        else:
            self._qr_task = self._tasks.spawn(self._rotate_qr(), name="qr")

    def _connected(self) -> None:
        self.connected = True
        assert self.phone is not None
        self.ctx.emit(Connected(phone=self.phone, is_business=True))  # a WhatsApp Business account (business_state)

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
        await self.account.flush()  # the inbound path's chat changes stored "soon" are stored now

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
        admin = await self._deletes_as_admin(outgoing)
        await self.check_newsletter_post(outgoing.to)  # a channel: its owner and admins post
        async with self.account.change():
            plan = traffic.check(self.account, outgoing, group_admin=admin)  # what WhatsApp refuses
            message_id = new_message_id(self.rng)
            traffic.note(self.account, outgoing, message_id)
            await self.account.commit_soon()  # stored behind, coalesced, like an inbound message's chat
        if self.ctx.record_send is not None:
            await self.ctx.record_send(message_id, outgoing)  # the phone got it: one step with the send
        self.sent.append(outgoing)
        chat = chats.chat_address(outgoing.to)
        self._tasks.spawn(self._receipts(chat, message_id, outgoing.to.endswith("@g.us"), plan.receipts),
                          name="receipts")
        return message_id

    async def sent_id(self, zaap_id: str) -> str | None:
        if self.ctx.lookup_send is not None:
            return await self.ctx.lookup_send(zaap_id)
        return next((o.zaap_id for o in self.sent if o.zaap_id == zaap_id), None)

    async def send_chat_presence(self, to: str, state: PresenceState) -> None:
        self.presences.append((to, state.value))
        async with self.account.change():
            self.account.record("presences", to=to, state=state.value)
            await self.account.commit()

    async def mark_read(self, chat: str, message_id: str, sender: str | None = None) -> None:
        if not self.connected:
            raise NotConnected("the instance is not connected")
        self.reads.append((chat, message_id))
        async with self.account.change():
            await chats.note_read(self.account, chat, message_id, sender)

    async def _receipts(self, chat: Address, message_id: str, is_group: bool,
                        statuses: tuple[ReceiptStatus, ...]) -> None:
        for status in statuses:
            if self.receipt_delay_s:
                await asyncio.sleep(self.receipt_delay_s)
            if not self.connected:
                return
            self.ctx.emit(ReceiptReceived(chat=chat, message_ids=(message_id,), status=status,
                                          timestamp_ms=_now_ms(), is_group=is_group))

    async def download(self, message: MessageReceived) -> bytes:
        """The simulated phone's file for that message (``failDownload: n`` fails the first n tries;
        ``downloadLength: n`` pads it to n bytes, whatever ``fileLength`` declared, like a lying sender;
        ``downloadDelayMs: n`` makes each try take that long, like a slow network)."""
        self.downloads.append(message.message_id)
        if delay_s := self.download_delays.get(message.message_id, 0.0):
            await asyncio.sleep(delay_s)
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
        if message.is_group:  # WhatsApp's clients know the subject of a group they are in: chatName
            async with self.groups.change():
                known = self.groups.groups.get(message.chat.jid)
            if known is not None:
                message = replace(message, chat_name=known.subject)
        fail = spec.get("failDownload")
        if isinstance(fail, int) and not isinstance(fail, bool) and fail > 0:
            self.download_failures[message.message_id] = fail
        length = spec.get("downloadLength")
        if length is not None:
            if isinstance(length, bool) or not isinstance(length, int) or not 0 < length <= MAX_DOWNLOAD_LENGTH:
                raise InvalidInput(f"must be 1 to {MAX_DOWNLOAD_LENGTH} bytes", field="downloadLength")
            self.download_lengths[message.message_id] = length
        delay = spec.get("downloadDelayMs")
        if delay is not None:
            if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= MAX_DOWNLOAD_DELAY_MS:
                raise InvalidInput(f"must be 0 to {MAX_DOWNLOAD_DELAY_MS} milliseconds", field="downloadDelayMs")
            self.download_delays[message.message_id] = delay / 1000
        async with self.account.change():  # who may write, push names, unread counts (``chats.py``)
            if not message.from_me:
                caller_of(self.account, spec, refuse_blocked=not message.is_group, may_be_me=True)
            message = await chats.note_inbound(self.account, message, named=spec.get("senderName") is not None)
        await self._durably(message)
        return message.message_id

    async def inject_presence(self, spec: dict[str, Any]) -> None:
        if not self.connected:
            raise NotConnected("the instance is not connected")
        chat, state = parse_presence(spec)
        async with self.account.change():
            caller_of(self.account, spec, may_be_me=True)
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

    # groups -------------------------------------------------------------------------------------------
    def _me(self) -> str:
        if not self.connected or self.phone is None:
            raise NotConnected("the instance is not connected")
        return self.phone

    async def list_groups(self) -> list[GroupInfo]:
        me = self._me()
        async with self.groups.change():
            mine = [g for g in self.groups.groups.values() if not g.deactivated and g.member(me) is not None]
            return [g.info() for g in sorted(mine, key=lambda g: g.created_ms)]

    async def group_info(self, group: str, *, with_invite_link: bool = False) -> GroupInfo:
        me = self._me()
        async with self.groups.change():
            found = self.groups.visible(parse_group_id(group))
            allowed = found.is_admin(me) or found.members_see_link()
            return found.info(link=allowed if with_invite_link else None)

    async def create_group(self, name: str, phones: list[str]) -> CreatedGroup:
        me = self._me()
        subject = subject_of(name, "groupName")
        wanted = [validate_phone(p, f"phones.{i}") for i, p in enumerate(phones)]
        async with self.groups.change():
            group, results = await self.groups.create(me, subject, list(dict.fromkeys(wanted)))
            return CreatedGroup(group=group.info(), results=tuple(results))

    async def set_group_name(self, group: str, name: str) -> None:
        me, subject = self._me(), subject_of(name, "groupName")
        async with self.groups.change():
            await self.groups.set_subject(me, parse_group_id(group), subject)

    async def set_group_description(self, group: str, description: str) -> None:
        me, text = self._me(), description_of(description, "groupDescription")
        async with self.groups.change():
            await self.groups.set_description(me, parse_group_id(group), text)

    async def set_group_photo(self, group: str, jpeg: bytes) -> None:
        me = self._me()
        if not jpeg.startswith(b"\xff\xd8\xff"):
            raise InvalidInput("must be a JPEG image", field="groupPhoto")
        async with self.groups.change():
            await self.groups.set_photo(me, parse_group_id(group), jpeg)

    async def set_group_settings(self, group: str, change: GroupSettings) -> None:
        me = self._me()
        async with self.groups.change():
            await self.groups.set_settings(me, parse_group_id(group), change)

    async def update_participants(self, group: str, phones: list[str], action: ParticipantAction
                                  ) -> list[ParticipantResult]:
        me = self._me()
        wanted = [validate_phone(p, f"phones.{i}") for i, p in enumerate(phones)]
        async with self.groups.change():
            return await self.groups.update(me, parse_group_id(group), wanted, action)

    async def join_requests(self, group: str) -> list[JoinRequest]:
        me = self._me()
        async with self.groups.change():
            found = self.groups.visible(parse_group_id(group))
            self.groups.need_admin(found, me, "see the requests to join")
            return [JoinRequest(phone_address(r.phone), r.at_ms) for r in found.requests]

    async def leave_group(self, group: str) -> None:
        me = self._me()
        async with self.groups.change():
            await self.groups.leave(me, parse_group_id(group))

    async def invite_link(self, group: str, *, reset: bool = False) -> str:
        me = self._me()
        async with self.groups.change():
            return await self.groups.invite_link(me, parse_group_id(group), reset=reset)

    async def invite_info(self, code: str) -> GroupInfo:
        self._me()
        async with self.groups.change():
            return self.groups.by_code(invite_code(code)).info(link=True)

    async def join_with_link(self, code: str) -> JoinResult:
        me = self._me()
        async with self.groups.change():
            return await self.groups.join(me, self.groups.by_code(invite_code(code)))

    async def send_group_invite(self, group: str, result: ParticipantResult, caption: str) -> None:
        """The private invite WhatsApp offers for a refused add, sent to that phone (kept in ``group_invites``)."""
        self._me()
        if not result.invite_code or not result.address.phone:
            raise InvalidInput("a private invite needs a phone and its invite code", field="phones")
        async with self.groups.change():
            found = self.groups.visible(parse_group_id(group))
            self.group_invites.append((found.jid, result.address.phone, result.invite_code, caption))

    # communities --------------------------------------------------------------------------------------
    async def create_community(self, name: str, description: str) -> Community:
        me, subject, text = self._me(), subject_of(name, "name"), description_of(description, "description")
        async with self.groups.change():
            return await communities.create(self.groups, me, subject, text)

    async def list_communities(self) -> list[Community]:
        me = self._me()
        async with self.groups.change():
            return communities.mine(self.groups, me)

    async def community_info(self, community: str) -> Community:
        me = self._me()
        async with self.groups.change():
            return communities.community_of(
                self.groups, communities.visible(self.groups, parse_group_id(community, "communityId"), me))

    async def link_groups(self, community: str, groups: list[str], *, link: bool) -> list[LinkResult]:
        me, jid = self._me(), parse_group_id(community, "communityId")
        wanted = list(dict.fromkeys(parse_group_id(g, f"groupsPhones.{i}") for i, g in enumerate(groups)))
        if not wanted:
            raise InvalidInput("must name at least one group", field="groupsPhones")
        async with self.groups.change():
            if link:
                return await communities.link(self.groups, me, jid, wanted)
            return await communities.unlink(self.groups, me, jid, wanted)

    async def set_community_settings(self, community: str, who_can_add_groups: str) -> None:
        me = self._me()
        async with self.groups.change():
            await communities.set_settings(self.groups, me, parse_group_id(community, "communityId"),
                                           who_can_add_groups)

    async def deactivate_community(self, community: str) -> None:
        me = self._me()
        async with self.groups.change():
            await communities.deactivate(self.groups, me, parse_group_id(community, "communityId"))

    async def inject_group_event(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Someone else changes a group (or adds the phone to one); answered once its notifications are durable."""
        return await inject(self.groups, self._me(), spec)

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
