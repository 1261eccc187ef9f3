"""The neonize engine: one whatsmeow session through neonize's sync client, with the guard rails.

- Every FFI call goes through ``NeonizeRuntime`` (shared lock, dedicated pool); connect start-up
  windows and ``stop()`` hold the lock exclusively (a concurrent Go map write aborts the process).
- Handlers run on the Go callback thread, in order; they translate at once and hand our events to
  the event loop with ``call_soon_threadsafe`` (order kept). Every handler catches and logs.
- The first connect is retried with exponential backoff (neonize never retries it); after
  ``neonize_connect_retries`` failures the engine reports ``Disconnected(will_reconnect=False)``.
- Unpaired sessions get a fresh QR connection after ``neonize_qr_timeout_s`` (QR expiry is
  invisible to Python); each QR code carries its own ~20 s expiry.
- The device store lives in Postgres; a paired session restarts from its device JID, without a QR.
- Group and community methods delegate to ``GroupCalls`` (group_calls.py); group events become one
  ``GroupNotified`` per change (groups.py), each handed over like any other event.
- Channel (newsletter) methods come from ``NeonizeNewsletterCalls`` (newsletter_calls.py).
- Product catalog methods (``NeonizeCatalogCalls``, catalog_calls.py) are 501s: neonize 0.5.2 has none.
- Business labels, chat notes and company profile (``NeonizeBusinessCalls``, business_calls.py) are 501s too.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import functools
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from gateway.core import content as c
from gateway.core.account import ChatAction, ContactInfo, NewContact, PhoneCheck, PrivacyName, PrivacySettings
from gateway.core.commands import Outgoing
from gateway.core.errors import AlreadyPaired, EngineError, NotConnected
from gateway.core.events import (
    ChatChanged,
    Connected,
    Disconnected,
    EngineEvent,
    MessageReceived,
    PresenceState,
    QrCodeChanged,
    StreamReplaced,
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
)
from gateway.worker.engines.base import Engine, EngineContext
from gateway.worker.engines.neonize import groups, translate
from gateway.worker.engines.neonize.account_calls import AccountCalls
from gateway.worker.engines.neonize.business_calls import NeonizeBusinessCalls
from gateway.worker.engines.neonize.catalog_calls import NeonizeCatalogCalls
from gateway.worker.engines.neonize.group_calls import GroupCalls
from gateway.worker.engines.neonize.newsletter_calls import NeonizeNewsletterCalls
from gateway.worker.engines.neonize.notices import Notices, chat_setting
from gateway.worker.engines.neonize.pictures import Pictures
from gateway.worker.engines.neonize.runtime import NeonizeRuntime, device_store_dsn
from gateway.worker.engines.neonize.sending import Sends

log = logging.getLogger(__name__)

QR_CODE_TTL_S = 20
CONNECT_WINDOW_S = 60.0  # the exclusive lock is released at the first sign of life, or after this


class NeonizeEngine(NeonizeNewsletterCalls, NeonizeCatalogCalls, NeonizeBusinessCalls, Engine):
    def __init__(self, ctx: EngineContext) -> None:
        super().__init__(ctx)
        from neonize.client import NewClient

        self.settings = ctx.settings
        self.runtime = NeonizeRuntime.get(ctx.settings)
        self.dsn = device_store_dsn(ctx.settings)
        self.loop = asyncio.get_running_loop()
        jid = translate.device_jid_proto(ctx.device_jid) if ctx.device_jid else None
        self.client = NewClient(self.dsn, jid=jid, uuid=ctx.instance_id)
        self.phone: str | None = jid.User if jid is not None else None
        self.paired = jid is not None
        self.connected = False
        self.running = False
        self.attempts = 0
        self.last_error: str | None = None
        self._alive: asyncio.Event | None = None
        self._session: asyncio.Future[Any] | None = None
        self._runner: asyncio.Task[None] | None = None
        self._qr_deadline: float | None = None
        self._handlers: list[Callable[..., None]] = []  # strong refs: neonize keeps weak ones for methods
        # a group call answers before the api's control call gives up on it
        self.group_calls = GroupCalls(self.client, self.runtime, connected=lambda: self.connected, me=self._me,
                                 timeout_s=max(1.0, self.settings.control_timeout_s - 1.0))
        self._register()

    def __repr__(self) -> str:
        return (f"<NeonizeEngine {self.ctx.instance_id} connected={self.connected} attempts={self.attempts} "
                f"error={self.last_error!r}>")

    # events (Go callback thread) ------------------------------------------------------------------
    def _hand_over(self, event: EngineEvent | None) -> None:
        """On whatsmeow's handler thread: return only once the event is durable (or the wait times out).

        whatsmeow acknowledges a message to WhatsApp after its handler returns, so holding the thread until
        JetStream stored the event keeps "received" from meaning "in a Python buffer". While NATS is away
        this back-pressures whatsmeow; after ``capture_ack_timeout_s`` the handler returns with the event
        still buffered (the remaining window, see docs/reliability.md).
        """
        backlog, limit = self.ctx.backlog, self.settings.capture_buffer
        while backlog is not None and backlog() >= limit - 100 and self.running:
            time.sleep(0.01)  # on the Go thread: back-pressure whatsmeow instead of overflowing capture
        alive = self._alive
        if alive is not None:
            self.loop.call_soon_threadsafe(alive.set)
        if event is None:
            return
        try:
            done = asyncio.run_coroutine_threadsafe(self._deliver(event), self.loop)
            done.result(timeout=self.settings.capture_ack_timeout_s)
        except concurrent.futures.TimeoutError:
            log.warning("%s not stored within %.1fs: acknowledged with it still buffered", type(event).__name__,
                        self.settings.capture_ack_timeout_s, extra={"instance_id": self.ctx.instance_id})
        except Exception as exc:  # the loop is closing, or capture refused it (lease lost): nothing to wait for
            log.warning("%s not captured: %s", type(event).__name__, type(exc).__name__,
                        extra={"instance_id": self.ctx.instance_id})

    async def _deliver(self, event: EngineEvent) -> None:
        if isinstance(event, Connected):
            self.connected, self.paired = True, True
            self._qr_deadline = None
            self.sends.on_connected()  # presence subscriptions start again; announce ourselves available
        elif isinstance(event, Disconnected):
            self.connected = False
        durable = self.ctx.emit(event)
        if durable is not None:
            await durable

    def _register(self) -> None:
        from neonize import events as ev

        def handler(translator: Callable[[Any], EngineEvent | Sequence[EngineEvent] | None]
                    ) -> Callable[[Any, Any], None]:
            def on_event(_client: Any, proto: Any) -> None:
                try:
                    out = translator(proto)
                    if not isinstance(out, Sequence):
                        self._hand_over(out)
                        return
                    for event in out or (None,):  # one by one, each durable before the next
                        self._hand_over(event)
                except Exception:
                    log.exception("neonize event translation failed", extra={"instance_id": self.ctx.instance_id})

            self._handlers.append(on_event)
            return on_event

        def on_qr(_client: Any, data: bytes) -> None:
            try:
                code = data.decode() if isinstance(data, bytes) else str(data)
                if self._qr_deadline is None:
                    self._qr_deadline = time.monotonic() + self.settings.neonize_qr_timeout_s
                self._hand_over(QrCodeChanged(code=code, expires_at_ms=int((time.time() + QR_CODE_TTL_S) * 1000)))
            except Exception:
                log.exception("QR handler failed", extra={"instance_id": self.ctx.instance_id})

        self._handlers.append(on_qr)
        self.client.qr(on_qr)
        self.client.event(ev.MessageEv)(handler(self._on_message))
        self.client.event(ev.ReceiptEv)(handler(translate.receipt))
        self.client.event(ev.ChatPresenceEv)(handler(translate.chat_presence))
        self.client.event(ev.PresenceEv)(handler(translate.presence))
        self.client.event(ev.PairStatusEv)(handler(self._on_pair))
        self.client.event(ev.ConnectedEv)(handler(self._on_connected))
        self.client.event(ev.DisconnectedEv)(handler(translate.disconnected))
        self.client.event(ev.LoggedOutEv)(handler(translate.logged_out))
        self.client.event(ev.StreamReplacedEv)(handler(lambda _p: StreamReplaced()))
        self.client.event(ev.TemporaryBanEv)(handler(translate.temporary_ban))
        self.client.event(ev.JoinedGroupEv)(handler(self.group_calls.on_joined))
        self.client.event(ev.GroupInfoEv)(handler(self.group_calls.on_changed))
        # calls, undecryptable messages, pictures (groups': group_calls; users': a notice), in notices.py
        self.client.event(ev.PictureEv)(handler(self.notices.on_picture))
        self.client.event(ev.UndecryptableMessageEv)(handler(self.notices.on_undecryptable))
        self.client.event(ev.CallOfferEv)(handler(self.notices.calls.offer))
        self.client.event(ev.CallOfferNoticeEv)(handler(self.notices.calls.offer_notice))
        self.client.event(ev.CallAcceptEv)(handler(self.notices.calls.accept))
        self.client.event(ev.CallTerminateEv)(handler(self.notices.calls.terminate))

    def _on_message(self, proto: Any) -> MessageReceived | ChatChanged | None:
        """A message (poll votes decrypted), or a chat's new disappearing timer, or ``None`` for noise."""
        event = translate.message(proto)
        if event is None:
            return chat_setting(proto)
        if isinstance(event.content, c.PollVote):
            event = dataclasses.replace(event, content=self.notices.poll_vote(proto, event.content))
        if event.is_group and event.chat_name is None:
            subject = self.group_calls.subjects.get(event.chat.jid)
            if subject is not None:
                event = dataclasses.replace(event, chat_name=subject)
        return self._with_pictures(self.with_channel_name(event))

    def _with_pictures(self, event: MessageReceived) -> MessageReceived:
        """senderPhoto / photo from the pictures this session learnt (None where it never looked)."""
        sender = self.pictures.url(event.sender.jid, event.sender.lid,
                                   f"{event.sender.phone}@s.whatsapp.net" if event.sender.phone else None)
        chat = self.pictures.url(event.chat.jid) if event.is_group else sender
        if sender is None and chat is None:
            return event
        return dataclasses.replace(event, sender_photo=sender, chat_photo=chat)

    def _me(self) -> groups.Me:
        me = getattr(self.client, "me", None)
        lid = me.LID.User if me is not None and me.HasField("LID") and me.LID.User else None
        phone = me.JID.User if me is not None and me.HasField("JID") and me.JID.User else self.phone
        return groups.Me(phone=phone, lid=f"{lid}@lid" if lid else None)

    def _on_pair(self, proto: Any) -> EngineEvent | None:
        event = translate.pair_status(proto)
        if event is not None:
            self.phone = event.phone
        return event

    def _on_connected(self, _proto: Any) -> EngineEvent:
        me = getattr(self.client, "me", None)
        phone = me.JID.User if me is not None and me.JID.User else (self.phone or "")
        business = bool(me is not None and getattr(me, "BussinessName", ""))
        return Connected(phone=phone, is_business=business)

    # lifecycle --------------------------------------------------------------------------------------
    async def connect(self) -> None:
        self.running = True
        await self.runtime.ensure_store(self.dsn)
        self._runner = asyncio.create_task(self._run(), name=f"neonize-{self.ctx.instance_id}")

    def proxy_settings(self) -> Any:
        """neonize's ``ProxySettings`` for the instance's proxy (whatsmeow's SetProxyAddress: http, https and
        socks5 URLs with credentials), or None to connect directly. WebSocket and media both go through it."""
        if self.ctx.proxy is None:
            return None
        from neonize._binder import ProxySettings

        return ProxySettings(proxy_address=self.ctx.proxy.url())

    def backoff_s(self, attempt: int) -> float:
        return float(min(self.settings.neonize_backoff_max_s,
                         self.settings.neonize_backoff_initial_s * 2 ** max(0, attempt - 1)))

    async def _run(self) -> None:
        while self.running:
            started = time.monotonic()
            try:
                await self._connect_once()
                self.last_error = None
            except Exception as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"
            if not self.running:
                return
            if time.monotonic() - started > 60 and self.paired:
                self.attempts = 0  # a session that lived resets the budget
            self.attempts += 1
            will_retry = self.attempts <= self.settings.neonize_connect_retries
            reason = f"connect failed: {self.last_error}" if self.last_error else "session ended"
            self.connected = False
            self.ctx.emit(Disconnected(reason=reason, will_reconnect=will_retry))
            if not will_retry:
                self.running = False
                return
            await asyncio.sleep(self.backoff_s(self.attempts))

    async def _connect_once(self) -> None:
        """One connect: exclusive lock until the first sign of life, then wait for the session to end."""
        self._alive = asyncio.Event()
        self._qr_deadline = None
        await self._acquire_exclusive()
        try:
            self._session = self.loop.run_in_executor(self.runtime.pool, self.client.connect, self.proxy_settings())
            alive = asyncio.ensure_future(self._alive.wait())
            await asyncio.wait([self._session, alive], timeout=CONNECT_WINDOW_S,
                               return_when=asyncio.FIRST_COMPLETED)
            alive.cancel()
        finally:
            self.runtime.lock.release_exclusive()
        while not self._session.done():
            await asyncio.wait([self._session], timeout=1.0)
            if self._qr_deadline is not None and not self.paired and time.monotonic() > self._qr_deadline:
                log.info("QR not scanned in time: reconnecting for fresh codes",
                         extra={"instance_id": self.ctx.instance_id})
                self.attempts = -1  # a QR refresh is not a failure
                await self._stop_session()
        self._session.result()

    async def _acquire_exclusive(self) -> None:
        """Take the process-wide lock exclusively without ever leaking it.

        The acquire blocks a pool thread. If this coroutine is cancelled while it waits, the thread still
        gets the lock later: a callback gives it back then (before, the lock stayed held forever and
        every other connect and stop of the process hung).
        """
        lock = self.runtime.lock
        acquiring = self.loop.run_in_executor(self.runtime.pool, lock.acquire_exclusive)
        try:
            await asyncio.shield(acquiring)
        except asyncio.CancelledError:
            def give_back(done: asyncio.Future[None]) -> None:
                if not done.cancelled() and done.exception() is None:
                    lock.release_exclusive()

            acquiring.add_done_callback(give_back)
            raise

    async def _stop_session(self) -> None:
        if self._session is not None and not self._session.done():
            await self.runtime.call_exclusive(self.client.stop)
            with contextlib.suppress(Exception):
                await self._session

    async def disconnect(self) -> None:
        self.running = False
        self.connected = False
        await self._stop_session()
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner

    async def logout(self) -> None:
        from gateway.core.events import LoggedOut

        if self.connected:
            await self.runtime.call(self.client.logout)
        await self.disconnect()
        self.paired = False
        self.phone = None
        self.ctx.emit(LoggedOut(reason="logged out by request"))

    async def pair_phone(self, phone: str) -> str:
        if self.paired:
            raise AlreadyPaired("the instance is already paired")
        if self._session is None or self._session.done():
            raise NotConnected("the session is not connected to WhatsApp yet")
        try:
            code: str = await self.runtime.call(self.client.PairPhone, phone, True)
        except Exception as exc:
            raise EngineError(f"pairing by phone failed: {exc}") from exc
        return code

    async def download(self, message: MessageReceived) -> bytes:
        """The decrypted file, whole: neonize exports no streaming or to-file download (its ``download_any``
        writes a file only after the whole file came back through the FFI as bytes), so the size the message
        declares is checked first; the media service bounds the bytes that come back."""
        import base64

        from neonize.utils.enum import MediaType, MediaTypeToMMS

        media = c.media_of(message.content)
        if media is None or not media.direct_path:
            raise EngineError("the message has no downloadable media", transient=False)
        if media.file_length > self.settings.inbound_media_max_bytes:
            raise EngineError(f"the file declares {media.file_length} bytes, more than "
                              f"{self.settings.inbound_media_max_bytes} allowed", transient=False)
        kinds = {c.Image: "MediaImage", c.Sticker: "MediaImage", c.Audio: "MediaAudio", c.Video: "MediaVideo",
                 c.Ptv: "MediaVideo", c.Document: "MediaDocument"}
        kind = kinds[type(message.content)]
        args = (media.direct_path, bytes.fromhex(media.enc_sha256_hex), bytes.fromhex(media.sha256_hex),
                base64.b64decode(media.media_key_b64), media.file_length, getattr(MediaType, kind),
                getattr(MediaTypeToMMS, kind))
        try:
            data: bytes = await self.runtime.call(self.client.download_media_with_path, *args)
        except Exception as exc:
            raise EngineError(f"download failed: {exc}") from exc
        return data

    # sends, presence, read receipts (sending.py) ----------------------------------------------------------
    @functools.cached_property
    def sends(self) -> Sends:
        return Sends(self.client, self.runtime, self.ctx, loop=self.loop, connected=lambda: self.connected,
                     me=self._me, max_pixels=self.settings.media_max_pixels,
                     timeout_s=max(1.0, self.settings.control_timeout_s - 1.0))

    async def send(self, outgoing: Outgoing) -> str:
        """Uploads and the link thumbnail first, one ``send_message`` (edits and deletes too), then a SENT
        receipt (``call_soon``: after the sender's ``MessageSent``) and, the first time per private chat, a
        presence subscription."""
        self.refuse_channel_media(outgoing)  # newsletter_calls.py
        return await self.sends.send(outgoing)

    async def send_chat_presence(self, to: str, state: PresenceState) -> None:
        await self.sends.chat_presence(to, state)

    async def subscribe_presence(self, jid: str) -> None:
        await self.sends.subscribe(jid)

    async def mark_read(self, chat: str, message_id: str, sender: str | None = None) -> None:
        """``sender``: the message author's JID; needed in groups (and for statuses), the chat is used otherwise."""
        await self.sends.mark_read(chat, message_id, sender)

    # groups (group_calls.py) --------------------------------------------------------------------------
    async def list_groups(self) -> list[GroupInfo]:
        return await self.group_calls.list_groups()

    async def group_info(self, group: str, *, with_invite_link: bool = False) -> GroupInfo:
        return await self.group_calls.group_info(group, with_invite_link=with_invite_link)

    async def create_group(self, name: str, phones: list[str]) -> CreatedGroup:
        return await self.group_calls.create_group(name, phones)

    async def set_group_name(self, group: str, name: str) -> None:
        await self.group_calls.set_group_name(group, name)

    async def set_group_description(self, group: str, description: str) -> None:
        await self.group_calls.set_group_description(group, description)

    async def set_group_photo(self, group: str, jpeg: bytes) -> None:
        await self.group_calls.set_group_photo(group, jpeg)

    async def set_group_settings(self, group: str, change: GroupSettings) -> None:
        await self.group_calls.set_group_settings(group, change)

    async def update_participants(self, group: str, phones: list[str], action: ParticipantAction
                                  ) -> list[ParticipantResult]:
        return await self.group_calls.update_participants(group, phones, action)

    async def join_requests(self, group: str) -> list[JoinRequest]:
        return await self.group_calls.join_requests(group)

    async def leave_group(self, group: str) -> None:
        await self.group_calls.leave_group(group)

    async def invite_link(self, group: str, *, reset: bool = False) -> str:
        return await self.group_calls.invite_link(group, reset=reset)

    async def invite_info(self, code: str) -> GroupInfo:
        return await self.group_calls.invite_info(code)

    async def join_with_link(self, code: str) -> JoinResult:
        return await self.group_calls.join_with_link(code)

    async def send_group_invite(self, group: str, result: ParticipantResult, caption: str) -> None:
        await self.group_calls.send_group_invite(group, result, caption)

    async def create_community(self, name: str, description: str) -> Community:
        return await self.group_calls.create_community(name, description)

    async def list_communities(self) -> list[Community]:
        return await self.group_calls.list_communities()

    async def community_info(self, community: str) -> Community:
        return await self.group_calls.community_info(community)

    async def link_groups(self, community: str, groups: list[str], *, link: bool) -> list[LinkResult]:
        return await self.group_calls.link_groups(community, groups, link=link)

    async def set_community_settings(self, community: str, who_can_add_groups: str) -> None:
        await self.group_calls.set_community_settings(community, who_can_add_groups)

    async def deactivate_community(self, community: str) -> None:
        await self.group_calls.deactivate_community(community)

    # contacts, chats, profile, privacy, calls (account_calls.py); notices (notices.py) -------------------------
    @functools.cached_property
    def account_calls(self) -> AccountCalls:
        return AccountCalls(self.client, self.runtime, connected=lambda: self.connected,
                            emit=lambda event: self.ctx.emit(event),  # noqa: PLW0108 - ctx is replaceable
                            timeout_s=max(1.0, self.settings.control_timeout_s - 1.0), pictures=self.pictures)

    @functools.cached_property
    def pictures(self) -> Pictures:
        return Pictures()

    @functools.cached_property
    def notices(self) -> Notices:
        return Notices(self.client, self.runtime, self.loop, connected=lambda: self.connected, me=self._me,
                       group_picture=self.group_calls.on_picture, pictures=self.pictures)

    async def check_phones(self, phones: list[str]) -> list[PhoneCheck]:
        return await self.account_calls.check_phones(phones)

    async def list_contacts(self) -> list[ContactInfo]:
        return await self.account_calls.list_contacts()

    async def contact_info(self, jid: str) -> ContactInfo:
        return await self.account_calls.contact_info(jid)

    async def profile_picture(self, jid: str) -> str | None:
        return await self.account_calls.profile_picture(jid)

    async def add_contacts(self, contacts: list[NewContact]) -> list[str]:
        return await self.account_calls.add_contacts(contacts)

    async def remove_contacts(self, phones: list[str]) -> list[str]:
        return await self.account_calls.remove_contacts(phones)

    async def set_blocked(self, jid: str, blocked: bool) -> None:
        await self.account_calls.set_blocked(jid, blocked)

    async def blocked_contacts(self) -> list[str]:
        return await self.account_calls.blocked_contacts()

    async def report_contact(self, jid: str) -> None:
        await self.account_calls.report_contact(jid)

    async def modify_chat(self, jid: str, change: ChatAction) -> None:
        await self.account_calls.modify_chat(jid, change)

    async def set_chat_expiration(self, jid: str, seconds: int) -> None:
        await self.account_calls.set_chat_expiration(jid, seconds)

    async def set_profile_name(self, name: str) -> None:
        await self.account_calls.set_profile_name(name)

    async def set_profile_about(self, text: str) -> None:
        await self.account_calls.set_profile_about(text)

    async def set_profile_photo(self, jpeg: bytes) -> None:
        await self.account_calls.set_profile_photo(jpeg)

    async def privacy_settings(self) -> PrivacySettings:
        return await self.account_calls.privacy_settings()

    async def set_privacy(self, setting: PrivacyName, value: str, add: list[str], remove: list[str]) -> None:
        await self.account_calls.set_privacy(setting, value, add, remove)

    async def disallowed_contacts(self, setting: PrivacyName) -> list[str]:
        return await self.account_calls.disallowed_contacts(setting)

    async def set_default_expiration(self, seconds: int) -> None:
        await self.account_calls.set_default_expiration(seconds)

    async def reject_call(self, caller: str, call_id: str) -> None:
        await self.account_calls.reject_call(caller, call_id)
