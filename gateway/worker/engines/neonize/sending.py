"""Sends and presence for the neonize engine: what one ``send_message`` needs before and after it.

Before the send (``prepare``): the upload of the content's file (a button list's header, a copy-code
image, each card of a carousel, a forwarded file the gateway sent itself; a file WhatsApp gave us goes again
without upload), a link preview's JPEG thumbnail made here with Pillow from the image the api fetched into our
media store (never neonize's ``link_preview=True``, which fetches the URL itself, blocking), and a poll vote,
which only whatsmeow can encrypt.

Poll votes: ``build_poll_vote`` is an FFI call that looks the poll's secret up in the device store by (chat,
poll author, poll id) and encrypts the chosen options' hashes with it; neonize needs the poll's ``MessageInfo``,
which we build by hand. The author comes from ``Outgoing.quoted_participant`` when the sender knows it;
otherwise we try our own id, then (private chats) the contact's: "secret not found" means "not this author".
Authors are given as LIDs where known: whatsmeow encrypts with our LID then, the identity private chats and
LID groups use to send (with a phone JID it would use our phone JID, which the voter's phone would not
match). A poll the session never saw (sent or received before this device was linked) cannot be voted on.

After the send: a ``ReceiptReceived(SENT)`` scheduled with ``loop.call_soon`` (captured after the sender's
``MessageSent``), and, for the first message to a private chat on this connection, a presence subscription
(so ``PresenceChatCallback`` fires for that contact). After ``Connected``: ``send_presence(AVAILABLE)`` once
(retried while WhatsApp does not know our push name yet), which whatsmeow needs before presences arrive.
"""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from neonize.proto import Neonize_pb2 as N
from neonize.utils.enum import ChatPresence, ChatPresenceMedia, MediaType, Presence, ReceiptType

from gateway.core import content as c
from gateway.core import content_interactive as ci
from gateway.core.commands import Outgoing
from gateway.core.errors import EngineError, InvalidInput, NotConnected
from gateway.core.events import EngineEvent, PresenceState, ReceiptReceived, ReceiptStatus
from gateway.core.phones import address
from gateway.media.prepare import opened_image
from gateway.worker.engines.base import EngineContext
from gateway.worker.engines.neonize import groups
from gateway.worker.engines.neonize.outgoing import (
    MEDIA_KINDS,
    MEDIA_TYPES,
    Extras,
    LinkThumbnail,
    build_message,
    forwarded,
    is_direct,
    user_of,
    whatsapp_media,
)
from gateway.worker.engines.neonize.runtime import NeonizeRuntime
from gateway.worker.engines.neonize.translate import LID_SERVER, PHONE_SERVER, device_jid_proto, timestamp_ms

log = logging.getLogger(__name__)

LINK_THUMBNAIL_PX = {"SMALL": 96, "MEDIUM": 192, "LARGE": 192}  # the inline JPEG's longest side
LINK_LARGE_PX = 720  # LARGE previews also upload the image this big
SECRET_MISSING = "secret key not found"  # noqa: S105 - whatsmeow's ErrOriginalMessageSecretNotFound
ANNOUNCE_ATTEMPTS = 3
ANNOUNCE_RETRY_S = 10.0

_CHAT_PRESENCE = {
    PresenceState.COMPOSING: (ChatPresence.CHAT_PRESENCE_COMPOSING, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT),
    PresenceState.RECORDING: (ChatPresence.CHAT_PRESENCE_COMPOSING, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_AUDIO),
    PresenceState.PAUSED: (ChatPresence.CHAT_PRESENCE_PAUSED, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT),
}


def chat_presence_args(state: PresenceState) -> tuple[ChatPresence, ChatPresenceMedia] | None:
    """Our state → neonize's send-side enums (not the receive-side ``Neonize_pb2.ChatPresence``); None: not a
    chat state (AVAILABLE/UNAVAILABLE are the account's presence)."""
    return _CHAT_PRESENCE.get(state)


def jpeg_thumbnail(data: bytes, max_px: int, max_pixels: int) -> tuple[bytes, int, int]:
    """A JPEG no larger than ``max_px`` on its longest side, and its size (``InvalidInput``: not an image)."""
    with opened_image(data, "linkImage", max_pixels) as img:
        try:
            img.thumbnail((max_px, max_px))
            out = io.BytesIO()
            img.convert("RGB").save(out, "JPEG", quality=75)
        except (OSError, ValueError) as exc:
            raise InvalidInput("is not an image that can be read", field="linkImage") from exc
        return out.getvalue(), img.width, img.height


def _jid(value: str) -> Any:
    return device_jid_proto(value) if value else N.JID(User="", Server="", RawAgent=0, Device=0, Integrator=0,
                                                        IsEmpty=True)


def poll_info(chat: str, poll_id: str, sender: str, from_me: bool) -> Any:
    """The poll's ``MessageInfo`` as ``build_poll_vote`` needs it (proto2: every required field set)."""
    empty = _jid("")
    source = N.MessageSource(Chat=_jid(chat), Sender=_jid(sender), IsFromMe=from_me, IsGroup=chat.endswith("@g.us"),
                             SenderAlt=empty, RecipientAlt=empty, BroadcastListOwner=empty)
    return N.MessageInfo(MessageSource=source, ID=poll_id, ServerID=0, Type="poll", Pushname="", Timestamp=0,
                         Category="", Multicast=False, MediaType="", Edit="")


def sent_receipt(to: str, message_id: str, timestamp_s: int) -> ReceiptReceived:
    ts = timestamp_ms(timestamp_s) if timestamp_s else int(time.time() * 1000)
    return ReceiptReceived(chat=address(to), message_ids=(message_id,), status=ReceiptStatus.SENT, timestamp_ms=ts,
                           is_group=to.endswith("@g.us"))


class Sends:
    """The engine's sends, presence and read receipts (its methods delegate here)."""

    def __init__(self, client: Any, runtime: NeonizeRuntime, ctx: EngineContext, *, loop: asyncio.AbstractEventLoop,
                 connected: Callable[[], bool], me: Callable[[], groups.Me], max_pixels: int,
                 timeout_s: float) -> None:
        self.client = client
        self.runtime = runtime
        self.ctx = ctx
        self.loop = loop
        self.connected = connected
        self.me = me
        self.max_pixels = max_pixels
        self.timeout_s = timeout_s
        self.subscribed: set[str] = set()  # private chats whose presence we asked for on this connection
        self._tasks: set[asyncio.Task[Any]] = set()

    def __repr__(self) -> str:
        return f"<Sends subscribed={len(self.subscribed)} tasks={len(self._tasks)}>"

    # helpers ------------------------------------------------------------------------------------------
    def background(self, coro: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """A task we keep a reference to; its failure is logged, never raised."""
        task = self.loop.create_task(coro, name=f"neonize-{what}-{self.ctx.instance_id}")
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.warning("background %s: %s", what, t.exception(), extra={"instance_id": self.ctx.instance_id})

        task.add_done_callback(done)
        return task

    async def drain(self) -> None:
        """Wait for the background tasks (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _call(self, what: str, fn: Callable[..., Any], *args: Any) -> Any:
        if not self.connected():
            raise NotConnected("the instance is not connected")
        try:
            return await asyncio.wait_for(self.runtime.call(fn, *args), self.timeout_s)
        except TimeoutError as exc:
            raise EngineError(f"{what} timed out") from exc
        except Exception as exc:
            raise EngineError(f"{what} failed: {exc}") from exc

    def _emit(self, event: EngineEvent) -> None:
        try:
            durable = self.ctx.emit(event)
        except Exception as exc:  # capture full or closing: a receipt is not worth failing for
            log.warning("%s not captured: %s", type(event).__name__, exc, extra={"instance_id": self.ctx.instance_id})
            return
        if isinstance(durable, asyncio.Future):
            durable.add_done_callback(lambda f: f.cancelled() or f.exception())

    def own_users(self) -> frozenset[str]:
        me = self.me()
        return frozenset(user_of(x) for x in (me.phone or "", me.lid or "") if x)

    # sending ------------------------------------------------------------------------------------------
    async def send(self, out: Outgoing) -> str:
        if not self.connected():
            raise NotConnected("the instance is not connected")
        message = build_message(out, extras=await self.prepare(out))
        try:
            response = await self.runtime.call(self.client.send_message, device_jid_proto(out.to), message)
        except Exception as exc:
            raise EngineError(f"send failed: {exc}") from exc
        message_id = str(response.ID)
        self.loop.call_soon(self._emit, sent_receipt(out.to, message_id, int(response.Timestamp)))
        if is_direct(out.to) and out.to not in self.subscribed:
            self.subscribed.add(out.to)
            self.background(self._subscribe_first(out.to), "presence subscription")
        return message_id

    async def prepare(self, out: Outgoing) -> Extras:
        body = forwarded(out.content) if isinstance(out.content, c.Forward) else out.content
        extras = Extras(own_users=self.own_users())
        if isinstance(body, MEDIA_TYPES) and not whatsapp_media(body.media):
            return replace(extras, upload=await self.upload(MEDIA_KINDS[type(body)], body.media))
        if isinstance(body, c.ButtonList) and (body.image or body.video) is not None:
            media = body.image or body.video
            assert media is not None
            return replace(extras, upload=await self.upload("MediaImage" if body.image else "MediaVideo", media))
        if isinstance(body, c.Link) and body.image is not None:
            return replace(extras, thumbnail=await self.link_thumbnail(body, body.image))
        if isinstance(body, c.PollVote):
            return replace(extras, poll_vote=await self.poll_vote(out, body))
        if isinstance(body, ci.CopyCode) and body.media is not None:
            return replace(extras, upload=await self.upload("MediaImage", body.media))
        if isinstance(body, ci.Carousel):  # one upload per card, in order
            return replace(extras, uploads=tuple([await self.upload("MediaVideo" if card.video else "MediaImage",
                                                                    card.media or c.MediaRef())
                                                  for card in body.cards]))
        return extras

    async def _read(self, media: c.MediaRef) -> bytes | None:
        read = self.ctx.read_media
        return await read(media.key) if read is not None and media.key else None

    async def upload(self, kind: str, media: c.MediaRef) -> Any:
        data = await self._read(media)
        if data is None:
            raise EngineError("the queued media is no longer in the media store", transient=False)
        try:
            return await self.runtime.call(self.client.upload, data, getattr(MediaType, kind))
        except Exception as exc:
            raise EngineError(f"media upload failed: {exc}") from exc

    async def link_thumbnail(self, link: c.Link, image: c.MediaRef) -> LinkThumbnail | None:
        """The preview image; None (a preview without image) when it is gone or unreadable."""
        data = await self._read(image)
        extra = {"instance_id": self.ctx.instance_id}
        if data is None:
            log.warning("link image no longer in the media store: preview sent without it", extra=extra)
            return None
        try:
            small = await asyncio.to_thread(jpeg_thumbnail, data, LINK_THUMBNAIL_PX.get(link.size, 192),
                                            self.max_pixels)
        except InvalidInput as exc:
            log.warning("link image unreadable (%s): preview sent without it", exc.message, extra=extra)
            return None
        thumb = LinkThumbnail(*small)
        if link.size != "LARGE":
            return thumb
        big, width, height = await asyncio.to_thread(jpeg_thumbnail, data, LINK_LARGE_PX, self.max_pixels)
        try:
            uploaded = await self.runtime.call(self.client.upload, big, MediaType.MediaLinkThumbnail)
        except Exception as exc:
            log.warning("link image upload failed (%s): small preview sent", exc, extra=extra)
            return thumb
        return replace(thumb, upload=uploaded, upload_width=width, upload_height=height)

    async def poll_vote(self, out: Outgoing, vote: c.PollVote) -> Any:
        if not vote.options:
            raise EngineError("a poll vote needs the names of the chosen options", transient=False)
        for sender, from_me in await self._poll_authors(out):
            info = poll_info(out.to, vote.poll_message_id, sender, from_me)
            try:
                return await self.runtime.call(self.client.build_poll_vote, info, list(vote.options))
            except Exception as exc:
                if SECRET_MISSING not in str(exc):
                    raise EngineError(f"poll vote failed: {exc}") from exc
        raise EngineError(f"poll {vote.poll_message_id} is unknown to this session (no secret for it in the device "
                          "store): only polls this session sent or received can be voted on", transient=False)

    async def _poll_authors(self, out: Outgoing) -> list[tuple[str, bool]]:
        """Who may have sent the poll, most likely first, as (JID, is it us)."""
        own = self.own_users()
        if out.quoted_participant:
            return [(out.quoted_participant, user_of(out.quoted_participant) in own)]
        me = self.me()
        mine = me.lid or (f"{me.phone}@{PHONE_SERVER}" if me.phone else "")
        authors = [(mine, True)] if mine else []
        if is_direct(out.to):
            authors.append((await self._lid_of(out.to), False))
        return authors

    async def _lid_of(self, jid: str) -> str:
        """The contact's LID from the device store. ``get_lid_from_pn`` aborts the process (Go nil pointer) on a
        session Go does not know (never connected, or stopped): called only while connected."""
        if not jid.endswith(f"@{PHONE_SERVER}") or not self.connected():
            return jid
        try:
            lid = await self.runtime.call(self.client.get_lid_from_pn, device_jid_proto(jid))
        except Exception:
            return jid
        return f"{lid.User}@{LID_SERVER}" if lid is not None and lid.User else jid

    # presence and receipts ------------------------------------------------------------------------------
    async def chat_presence(self, to: str, state: PresenceState) -> None:
        args = chat_presence_args(state)
        if args is not None:
            await self._call("chat presence", self.client.send_chat_presence, device_jid_proto(to), *args)

    async def subscribe(self, jid: str) -> None:
        await self._call("presence subscription", self.client.subscribe_presence, device_jid_proto(jid))
        self.subscribed.add(jid)

    async def _subscribe_first(self, jid: str) -> None:
        try:
            await self.subscribe(jid)
        except EngineError:
            self.subscribed.discard(jid)  # the next message to that chat tries again
            raise

    async def mark_read(self, chat: str, message_id: str, sender: str | None) -> None:
        if not sender and not is_direct(chat):
            raise EngineError("a read receipt outside a private chat needs the message's sender", transient=False)
        chat_jid = device_jid_proto(chat)
        sender_jid = device_jid_proto(sender) if sender else chat_jid
        await self._call("mark read", functools.partial(self.client.mark_read, message_id, chat=chat_jid,
                                                        sender=sender_jid, receipt=ReceiptType.READ))

    def on_connected(self) -> None:
        """A new connection: presence subscriptions start again, and we say we are online."""
        self.subscribed.clear()
        self.background(self.announce(), "presence announcement")

    async def announce(self) -> None:
        for attempt in range(1, ANNOUNCE_ATTEMPTS + 1):
            if not self.connected():
                return
            try:
                await self._call("presence", self.client.send_presence, Presence.AVAILABLE)
                return
            except EngineError as exc:  # e.g. the push name is not known yet right after pairing
                log.info("presence announcement %d failed: %s", attempt, exc.message,
                         extra={"instance_id": self.ctx.instance_id})
            if attempt < ANNOUNCE_ATTEMPTS:
                await asyncio.sleep(ANNOUNCE_RETRY_S)
